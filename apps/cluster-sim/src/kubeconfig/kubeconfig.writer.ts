import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  caCert: string;
  token: string;
  /** Context, cluster and user name; default `ratchet-sim`. */
  name?: string;
}

/** The kubeconfig (clientcmd v1) for the simulator: the CA embedded as certificate-authority-data, a bearer token. */
export function renderKubeconfig({ server, caCert, token, name = 'ratchet-sim' }: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caCert).toString('base64') } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}

/** Writes the kubeconfig with mode 0600 (it holds a token), creating its directory. */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderKubeconfig(input), { mode: 0o600 });
}

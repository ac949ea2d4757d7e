import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

import { Agent as UndiciAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { parse } from 'yaml';

/**
 * How to reach and authenticate to the Kubernetes API: the server URL, a dispatcher carrying the cluster CA (and
 * client certificate), and the headers of each request (a bearer token read fresh where it rotates).
 */
export interface KubeConnection {
  /** e.g. `https://10.96.0.1:443`, without a trailing slash. */
  server: string;
  dispatcher: Dispatcher;
  headers(): Promise<Record<string, string>>;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** client-go re-reads a projected token file every minute; the kubelet rotates it well before it expires. */
const TOKEN_REREAD_MS = 60_000;

/**
 * The Kubernetes connection: the kubeconfig file when one is named (running outside the cluster), else the pod's
 * service account (`/var/run/secrets/kubernetes.io/serviceaccount` under `inClusterPrefix`, host and port from
 * `KUBERNETES_SERVICE_HOST`/`_PORT`).
 *
 * Why not @kubernetes/client-node's KubeConfig for every case: importing it loads the library's generated models
 * and API classes, about 85 MB of resident memory and 30 MB of V8 heap, which alone is more than half the agent's
 * 150 MB budget. The in-cluster service account and kubeconfig users with a token, token file, client
 * certificate or basic auth are read here (the clientcmd v1 fields); users with `exec` or `auth-provider` plugins
 * (EKS, GKE, OIDC) are handed to client-node's KubeConfig, imported only then. Throws naming the problem for a
 * kubeconfig without a current context, cluster or server.
 */
export async function loadKubeConnection(kubeconfigPath: string | undefined, inClusterPrefix = '', env: NodeJS.ProcessEnv = process.env): Promise<KubeConnection> {
  return kubeconfigPath ? fromKubeconfig(kubeconfigPath) : fromServiceAccount(inClusterPrefix, env);
}

function fromServiceAccount(prefix: string, env: NodeJS.ProcessEnv): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error('not in a cluster (KUBERNETES_SERVICE_HOST/PORT unset) and no KUBECONFIG given');
  const dir = join(prefix, SERVICE_ACCOUNT_DIR);
  const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    dispatcher: new UndiciAgent({ connect: { ca } }),
    headers: bearerFromFile(join(dir, 'token')),
  };
}

function bearerFromFile(path: string): () => Promise<Record<string, string>> {
  let token = '';
  let readAt = -Infinity;
  return () => {
    if (performance.now() - readAt > TOKEN_REREAD_MS) {
      token = readFileSync(path, 'utf8').trim();
      readAt = performance.now();
    }
    return Promise.resolve({ Authorization: `Bearer ${token}` });
  };
}

type Named<T> = { name?: string } & T;
interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>[];
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
}

async function fromKubeconfig(path: string): Promise<KubeConnection> {
  const file = (parse(readFileSync(path, 'utf8')) ?? {}) as KubeconfigFile;
  const contextName = file['current-context'];
  const context = file.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig ${path}: no current context`);
  const cluster = file.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (typeof cluster?.server !== 'string') throw new Error(`kubeconfig ${path}: the current context's cluster has no server`);
  const user = file.users?.find((u) => u.name === context.user)?.user ?? {};
  if (user.exec || user['auth-provider']) return viaClientNode(path);

  const base = dirname(path);
  const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  // `-data` fields hold base64 PEM; the others name files, relative to the kubeconfig (as clientcmd resolves them).
  const pem = (record: Record<string, unknown>, field: string) => {
    const data = str(record[`${field}-data`]);
    if (data) return Buffer.from(data, 'base64').toString('utf8');
    const file = str(record[field]);
    return file ? readFileSync(isAbsolute(file) ? file : join(base, file), 'utf8') : undefined;
  };
  const ca = pem(cluster, 'certificate-authority');
  const cert = pem(user, 'client-certificate');
  const key = pem(user, 'client-key');
  const servername = str(cluster['tls-server-name']);
  const dispatcher = new UndiciAgent({
    connect: {
      ...(ca ? { ca } : {}),
      ...(cert && key ? { cert, key } : {}),
      ...(servername ? { servername } : {}),
      rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
    },
  });

  let headers: () => Promise<Record<string, string>> = () => Promise.resolve({});
  const token = str(user.token);
  const tokenFile = str(user.tokenFile);
  const username = str(user.username);
  if (token) headers = () => Promise.resolve({ Authorization: `Bearer ${token}` });
  else if (tokenFile) headers = bearerFromFile(isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile));
  else if (username) {
    const basic = Buffer.from(`${username}:${str(user.password) ?? ''}`).toString('base64');
    headers = () => Promise.resolve({ Authorization: `Basic ${basic}` });
  }
  return { server: cluster.server.replace(/\/$/, ''), dispatcher, headers };
}

async function viaClientNode(path: string): Promise<KubeConnection> {
  const { KubeConfig, RequestContext, HttpMethod } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  const server = kc.getCurrentCluster()!.server.replace(/\/$/, '');
  const probe = async () => {
    const ctx = new RequestContext(server, HttpMethod.GET);
    await kc.applySecurityAuthentication(ctx);
    return ctx;
  };
  const first = await probe();
  return {
    server,
    dispatcher: first.getDispatcher() as Dispatcher,
    headers: async () => (await probe()).getHeaders(),
  };
}

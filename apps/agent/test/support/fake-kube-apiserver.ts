import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';

import { selfSignedCert } from './self-signed-cert.js';

/** A stored object: raw JSON with metadata. */
export type FakeObject = Record<string, unknown> & {
  metadata: { uid: string; name: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
};

interface HistoryEntry {
  rv: number;
  path: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: FakeObject;
}

interface Watcher {
  path: string;
  response: ServerResponse;
}

/**
 * A small HTTPS Kubernetes API server for tests (there is no kube-apiserver on this machine): list with
 * `limit`/`continue` and a resourceVersion, watch as newline-delimited `{type, object}` from a resourceVersion
 * with bookmarks, 410 Gone for a compacted resourceVersion or an expired continue token, `/version`, and a
 * bearer token. Tests change objects, cut watch streams and compact history to drive the agent's informers.
 */
export class FakeKubeApiServer {
  private readonly objects = new Map<string, Map<string, FakeObject>>();
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 100;
  private compactedRv = 0;
  private server: Server | undefined;
  private cert = '';
  /** Requests seen, as `GET path?query`. */
  readonly requests: string[] = [];
  readonly token = `fake-${randomUUID()}`;
  url = '';

  async start(): Promise<void> {
    const { cert, key } = await selfSignedCert();
    this.cert = cert;
    this.server = createServer({ cert, key }, (request, response) => this.handle(request, response));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    this.url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    this.cutWatches();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Writes a kubeconfig that points at this server with its CA and token. */
  async writeKubeconfig(path: string): Promise<void> {
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: this.url, 'certificate-authority-data': Buffer.from(this.cert).toString('base64') } }],
      users: [{ name: 'agent', user: { token: this.token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'agent' } }],
      'current-context': 'fake',
    };
    await writeFile(path, JSON.stringify(kubeconfig));
  }

  /** Creates or replaces an object under a cluster-wide list path such as `/api/v1/pods`. */
  apply(path: string, object: Omit<FakeObject, 'metadata'> & { metadata: Omit<FakeObject['metadata'], 'uid'> & { uid?: string } }): FakeObject {
    const store = this.store(path);
    const existing = [...store.values()].find((o) => o.metadata.name === object.metadata.name && o.metadata.namespace === object.metadata.namespace);
    const uid = object.metadata.uid ?? existing?.metadata.uid ?? randomUUID();
    const stored = structuredClone(object) as FakeObject;
    stored.metadata = {
      creationTimestamp: existing?.metadata.creationTimestamp ?? new Date().toISOString(),
      ...stored.metadata,
      uid,
      resourceVersion: String(++this.rv),
    };
    store.set(uid, stored);
    this.record({ rv: this.rv, path, type: existing ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  delete(path: string, uid: string): void {
    const store = this.store(path);
    const object = store.get(uid);
    if (!object) throw new Error(`no object ${uid} under ${path}`);
    store.delete(uid);
    const gone = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } };
    this.record({ rv: this.rv, path, type: 'DELETED', object: gone });
  }

  list(path: string): FakeObject[] {
    return [...this.store(path).values()];
  }

  /** Ends every open watch stream, as a load balancer or apiserver restart would. */
  cutWatches(): void {
    for (const watcher of this.watchers) watcher.response.destroy();
    this.watchers.clear();
  }

  /** Forgets history up to now: a watch or continue token from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv + 1;
    this.history.length = 0;
  }

  /** Sends a BOOKMARK with the current resourceVersion to every watcher. */
  bookmark(): void {
    for (const watcher of this.watchers) {
      watcher.response.write(`${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } })}\n`);
    }
  }

  /** Number of list (non-watch) requests for a path. */
  listCount(path: string): number {
    return this.requests.filter((r) => r.startsWith(`GET ${path}?`) && !r.includes('watch=true')).length;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  private store(path: string): Map<string, FakeObject> {
    let store = this.objects.get(path);
    if (!store) this.objects.set(path, (store = new Map<string, FakeObject>()));
    return store;
  }

  private record(entry: HistoryEntry): void {
    this.history.push(entry);
    for (const watcher of this.watchers) {
      if (watcher.path === entry.path) watcher.response.write(`${JSON.stringify({ type: entry.type, object: entry.object })}\n`);
    }
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.url);
    this.requests.push(`${request.method} ${url.pathname}?${url.searchParams.toString()}`);
    const json = (status: number, body: unknown): void => void response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
    if (request.headers.authorization !== `Bearer ${this.token}`) return json(401, status(401, 'Unauthorized', 'Unauthorized'));
    if (url.pathname === '/version') return json(200, { major: '1', minor: '33', gitVersion: 'v1.33.2' });
    if (url.searchParams.get('watch') === 'true') return this.watch(url, response);

    const items = [...this.store(url.pathname).values()];
    const limit = Number(url.searchParams.get('limit') ?? 0) || items.length;
    let offset = 0;
    let listRv = this.rv;
    const token = url.searchParams.get('continue');
    if (token) {
      const parsed = JSON.parse(Buffer.from(token, 'base64').toString()) as { rv: number; offset: number };
      if (parsed.rv < this.compactedRv) return json(410, status(410, 'Expired', 'The provided continue parameter is too old'));
      offset = parsed.offset;
      listRv = parsed.rv;
    }
    const page = items.slice(offset, offset + limit);
    const metadata: Record<string, string> = { resourceVersion: String(listRv) };
    if (offset + limit < items.length) metadata.continue = Buffer.from(JSON.stringify({ rv: listRv, offset: offset + limit })).toString('base64');
    return json(200, { kind: 'List', apiVersion: 'v1', metadata, items: page });
  }

  private watch(url: URL, response: ServerResponse): void {
    const from = Number(url.searchParams.get('resourceVersion') || this.rv);
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    response.flushHeaders();
    if (from < this.compactedRv - 1) {
      response.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: `too old resource version: ${from}` } })}\n`);
      return;
    }
    for (const entry of this.history) {
      if (entry.path === url.pathname && entry.rv > from) response.write(`${JSON.stringify({ type: entry.type, object: entry.object })}\n`);
    }
    const watcher = { path: url.pathname, response };
    this.watchers.add(watcher);
    response.on('close', () => this.watchers.delete(watcher));
  }
}

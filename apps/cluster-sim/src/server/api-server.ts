import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { KubeObject } from '../store/kube-object.js';
import { objectKey } from '../store/kube-object.js';
import { compareKeys, ResourceVersionTooOldError, type ObjectStore, type StoredEvent } from '../store/object-store.js';
import { apiVersionOf, findResourceType, type ResourceName, type ResourceType } from '../store/resource-types.js';
import {
  AGGREGATED_DISCOVERY_MEDIA_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregatedDiscovery,
} from './discovery.js';
import {
  badRequest,
  CONTINUE_EXPIRED_MESSAGE,
  expired,
  kubeStatus,
  methodNotAllowed,
  notFound,
  unauthorized,
  type KubeStatus,
} from './k8s-status.js';
import { encodeContinue, parseListQuery, QueryError, type ListQuery } from './list-query.js';

export interface ApiServerOptions {
  store: ObjectStore;
  /** The bearer token every request must carry (`Authorization: Bearer <token>`). */
  token: string;
  /** `/version` answers this gitVersion, e.g. `v1.31.4`. */
  gitVersion: string;
  /** How often an open watch with allowWatchBookmarks=true gets a BOOKMARK (ms). */
  bookmarkIntervalMs: number;
  /** A watch without timeoutSeconds ends after this long (s); the real apiserver picks 30-60 min. */
  defaultWatchTimeoutSeconds: number;
}

/** Counters tests and the demo read to see what clients did. */
export interface ApiServerStats {
  requests: number;
  lists: number;
  watches: number;
  openWatches: number;
  expiredResponses: number;
  unauthorized: number;
}

interface OpenWatch {
  response: ServerResponse;
  close(mode: 'abrupt' | 'graceful'): void;
}

/**
 * The request handler of the fake kube-apiserver: discovery, /version, get, list (limit/continue,
 * resourceVersion) and watch (newline-delimited `{type, object}`, bookmarks, 410 Gone), behind bearer-token
 * auth. Read-only: the simulated cluster changes only through the simulator's scenarios.
 */
export class KubeApiServer {
  private readonly watches = new Set<OpenWatch>();
  private readonly tokenBuffer: Buffer;
  readonly stats: ApiServerStats = { requests: 0, lists: 0, watches: 0, openWatches: 0, expiredResponses: 0, unauthorized: 0 };

  constructor(private readonly options: ApiServerOptions) {
    this.tokenBuffer = Buffer.from(`Bearer ${options.token}`);
  }

  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    this.stats.requests += 1;
    try {
      this.route(request, response);
    } catch (error) {
      if (error instanceof QueryError) return this.sendStatus(response, badRequest(error.message));
      const message = error instanceof Error ? error.message : String(error);
      this.sendStatus(response, kubeStatus(500, 'InternalError', `Internal error occurred: ${message}`));
    }
  };

  /** Ends every open watch: `abrupt` destroys the connection (a cut stream), `graceful` ends the response. */
  cutWatches(mode: 'abrupt' | 'graceful' = 'abrupt'): number {
    const open = [...this.watches];
    for (const watch of open) watch.close(mode);
    return open.length;
  }

  private route(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'https://sim.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' || path === '/readyz' || path === '/livez') return this.sendText(response, 200, 'ok');
    if (!this.authorized(request)) {
      this.stats.unauthorized += 1;
      return this.sendStatus(response, unauthorized());
    }
    if (request.method !== 'GET') {
      return this.sendStatus(response, methodNotAllowed(`the server does not allow this method on the requested resource (the simulator is read-only)`));
    }
    const accept = request.headers.accept;
    if (path === '/version') return this.sendJson(response, 200, this.version());
    if (path === '/api') {
      if (wantsAggregatedDiscovery(accept)) return this.sendJson(response, 200, aggregatedDiscovery('api'), AGGREGATED_DISCOVERY_MEDIA_TYPE);
      return this.sendJson(response, 200, apiVersions(request.headers.host ?? '127.0.0.1'));
    }
    if (path === '/apis') {
      if (wantsAggregatedDiscovery(accept)) return this.sendJson(response, 200, aggregatedDiscovery('apis'), AGGREGATED_DISCOVERY_MEDIA_TYPE);
      return this.sendJson(response, 200, apiGroupList());
    }
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 2) {
      group = '';
      version = segments[1]!;
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length === 2) {
      const body = apiGroup(segments[1]!);
      return body ? this.sendJson(response, 200, body) : this.pageNotFound(response);
    } else if (segments[0] === 'apis' && segments.length >= 3) {
      group = segments[1]!;
      version = segments[2]!;
      rest = segments.slice(3);
    } else {
      return this.pageNotFound(response);
    }
    if (rest.length === 0) {
      const body = apiResourceList(group, version);
      return body ? this.sendJson(response, 200, body) : this.pageNotFound(response);
    }
    // {resource} | {resource}/{name} | namespaces/{ns}/{resource} | namespaces/{ns}/{resource}/{name}
    let namespace: string | undefined;
    let resourceSegment: string;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      resourceSegment = rest[2]!;
      name = rest[3];
      if (rest.length > 4) return this.pageNotFound(response);
    } else {
      resourceSegment = rest[0]!;
      name = rest[1];
      if (rest.length > 2) return this.pageNotFound(response);
    }
    const type = findResourceType(group, version, resourceSegment);
    if (!type) return this.pageNotFound(response);
    if (!type.namespaced && namespace !== undefined) return this.pageNotFound(response);
    const resource = type.resource as ResourceName;
    if (name !== undefined) return this.getOne(response, type, resource, namespace, name);
    const query = parseListQuery(url.searchParams);
    if (query.watch) return this.watch(request, response, type, resource, namespace, query);
    return this.list(response, type, resource, namespace, query);
  }

  private authorized(request: IncomingMessage): boolean {
    const header = request.headers.authorization;
    if (!header) return false;
    const given = Buffer.from(header);
    return given.length === this.tokenBuffer.length && timingSafeEqual(given, this.tokenBuffer);
  }

  private version() {
    const match = /^v(\d+)\.(\d+)\.(\d+)/.exec(this.options.gitVersion);
    return {
      major: match?.[1] ?? '1',
      minor: match?.[2] ?? '0',
      emulationMajor: match?.[1] ?? '1',
      emulationMinor: match?.[2] ?? '0',
      gitVersion: this.options.gitVersion,
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.25.0',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }

  private getOne(response: ServerResponse, type: ResourceType, resource: ResourceName, namespace: string | undefined, name: string): void {
    const object = this.options.store.get(resource, namespace, name);
    if (!object) {
      const qualified = type.group ? `${type.resource}.${type.group}` : type.resource;
      return this.sendStatus(response, notFound(`${qualified} "${name}" not found`, { name, group: type.group, kind: type.resource }));
    }
    this.sendJson(response, 200, object);
  }

  private list(response: ServerResponse, type: ResourceType, resource: ResourceName, namespace: string | undefined, query: ListQuery): void {
    this.stats.lists += 1;
    const store = this.options.store;
    if (query.continueToken && query.continueToken.resourceVersion < store.oldestResourceVersion) {
      this.stats.expiredResponses += 1;
      return this.sendStatus(response, expired(CONTINUE_EXPIRED_MESSAGE));
    }
    if (query.resourceVersionMatch === 'Exact' && query.resourceVersion !== undefined && query.resourceVersion < store.oldestResourceVersion) {
      this.stats.expiredResponses += 1;
      return this.sendStatus(response, expired(`too old resource version: ${query.resourceVersion} (${store.oldestResourceVersion})`));
    }
    let items = store.list(resource, namespace).filter((o) => query.matches(o));
    const after = query.continueToken?.after;
    if (after !== undefined) items = items.filter((o) => compareKeys(objectKey(o.metadata), after) > 0);
    const listResourceVersion = query.continueToken?.resourceVersion ?? store.resourceVersion;
    const metadata: Record<string, unknown> = { resourceVersion: String(listResourceVersion) };
    if (query.limit && items.length > query.limit) {
      const remaining = items.length - query.limit;
      items = items.slice(0, query.limit);
      metadata.continue = encodeContinue({ resourceVersion: listResourceVersion, after: objectKey(items[items.length - 1]!.metadata) });
      metadata.remainingItemCount = remaining;
    }
    // Items of a list carry no kind/apiVersion on the wire, as the real apiserver sends them.
    const body = {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata,
      items: items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
    };
    this.sendJson(response, 200, body);
  }

  private watch(
    request: IncomingMessage,
    response: ServerResponse,
    type: ResourceType,
    resource: ResourceName,
    namespace: string | undefined,
    query: ListQuery,
  ): void {
    this.stats.watches += 1;
    const store = this.options.store;
    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    // Without an early flush, clients (client-node's informer among them) wait for the first event.
    response.flushHeaders();
    const write = (type: string, object: unknown) => response.write(`${JSON.stringify({ type, object })}\n`);
    const bookmark = (annotations?: Record<string, string>) =>
      write('BOOKMARK', {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) },
      });
    const sendExpired = (message: string) => {
      this.stats.expiredResponses += 1;
      write('ERROR', expired(message));
    };

    let closed = false;
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe = () => {};
    const entry: OpenWatch = {
      response,
      close: (mode) => {
        if (closed) return;
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        unsubscribe();
        this.watches.delete(entry);
        this.stats.openWatches = this.watches.size;
        if (mode === 'abrupt') response.destroy();
        else response.end();
      },
    };

    const fromResourceVersion = query.resourceVersion;
    if (fromResourceVersion === undefined || fromResourceVersion === 0 || query.sendInitialEvents) {
      for (const object of store.list(resource, namespace)) if (query.matches(object)) write('ADDED', object);
      if (query.sendInitialEvents && query.allowWatchBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      let backlog: StoredEvent[];
      try {
        backlog = store.changesSince(resource, namespace, fromResourceVersion);
      } catch (error) {
        if (!(error instanceof ResourceVersionTooOldError)) throw error;
        sendExpired(error.message);
        response.end();
        return;
      }
      for (const event of backlog) if (query.matches(event.object)) write(event.type, event.object);
    }

    this.watches.add(entry);
    this.stats.openWatches = this.watches.size;
    unsubscribe = store.subscribe({
      resource,
      namespace,
      onEvent: (event) => {
        if (!closed && query.matches(event.object)) write(event.type, event.object);
      },
      onExpired: () => {
        if (closed) return;
        sendExpired(`too old resource version: ${fromResourceVersion ?? 0} (${store.oldestResourceVersion})`);
        entry.close('graceful');
      },
    });
    if (query.allowWatchBookmarks) {
      const interval = setInterval(() => !closed && bookmark(), this.options.bookmarkIntervalMs);
      timers.push(interval);
    }
    const timeoutSeconds = query.timeoutSeconds ?? this.options.defaultWatchTimeoutSeconds;
    timers.push(setTimeout(() => entry.close('graceful'), timeoutSeconds * 1000));
    request.on('close', () => entry.close('graceful'));
  }

  private pageNotFound(response: ServerResponse): void {
    this.sendStatus(response, notFound('the server could not find the requested resource', {}));
  }

  private sendStatus(response: ServerResponse, status: KubeStatus): void {
    this.sendJson(response, status.code, status);
  }

  private sendJson(response: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
    const payload = JSON.stringify(body);
    response.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload), 'Cache-Control': 'no-cache, private' });
    response.end(payload);
  }

  private sendText(response: ServerResponse, code: number, text: string): void {
    response.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(text);
  }
}

export type { KubeObject };

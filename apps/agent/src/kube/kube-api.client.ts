import { fetch } from 'undici';

import type { KubeConnection } from './kube-config.util.js';

/** An object as the Kubernetes API sends it: only `metadata` is relied on before stripping. */
export interface KubeObject {
  metadata?: { uid?: string; name?: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** One page of a list: its items, the `continue` token and the list's resourceVersion. */
export interface KubeListPage {
  items: KubeObject[];
  continueToken?: string;
  resourceVersion: string;
}

/** A watch event as the API streams it; `BOOKMARK` carries only a resourceVersion, `ERROR` a `Status`. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** An HTTP error from the Kubernetes API; 410 Gone means the resourceVersion or continue token expired. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface WatchHandle {
  /** Resolves when the stream ends: `null` for a clean end, else the error. */
  done: Promise<unknown>;
  abort(): void;
}

/** A watch that sends nothing (not even a bookmark) for this long is presumed dead, as client-node's Watch does. */
export const WATCH_IDLE_TIMEOUT_MS = 30_000;

/**
 * The few Kubernetes API calls the agent makes (paged lists, watches, the server version) over undici with the
 * connection's CA and credentials. Objects stay raw JSON: the agent strips them before keeping them, so it never
 * holds typed copies of whole pods.
 */
export class KubeApiClient {
  constructor(
    private readonly connection: KubeConnection,
    private readonly watchIdleTimeoutMs = WATCH_IDLE_TIMEOUT_MS,
  ) {}

  private url(path: string, query: Record<string, string | undefined>): URL {
    const url = new URL(this.connection.server + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  private async get(path: string, query: Record<string, string | undefined> = {}): Promise<unknown> {
    const url = this.url(path, query);
    const response = await fetch(url, {
      headers: { ...(await this.connection.headers()), Accept: 'application/json' },
      dispatcher: this.connection.dispatcher,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 500);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not a Status: keep the raw text
      }
      throw new KubeApiError(response.status, `GET ${url.pathname}: ${response.status} ${message}`);
    }
    return JSON.parse(text) as unknown;
  }

  /** One page of `path` (e.g. `/api/v1/pods`): at most `limit` items from `continueToken` on. */
  async listPage(path: string, limit: number, continueToken?: string): Promise<KubeListPage> {
    const body = (await this.get(path, { limit: String(limit), continue: continueToken })) as {
      items?: KubeObject[];
      metadata?: { continue?: string; resourceVersion?: string };
    };
    const result: KubeListPage = { items: body.items ?? [], resourceVersion: body.metadata?.resourceVersion ?? '' };
    if (body.metadata?.continue) result.continueToken = body.metadata.continue;
    return result;
  }

  /** The apiserver's `gitVersion`, e.g. `v1.33.2`. */
  async serverVersion(): Promise<string> {
    const body = (await this.get('/version')) as { gitVersion?: string };
    if (typeof body.gitVersion !== 'string') throw new Error('GET /version: no gitVersion');
    return body.gitVersion;
  }

  /**
   * Watches `path` from `resourceVersion`, with bookmarks; events go to `onEvent` in order, one JSON line at a
   * time (never the whole stream). `done` resolves `null` when the server ends the stream, a `KubeApiError` for an
   * HTTP error status (410 Gone included), a `TimeoutError` when the stream stays silent for the idle timeout, or
   * the network error.
   */
  watch(path: string, resourceVersion: string, onEvent: (type: WatchEventType, object: KubeObject) => void): Promise<WatchHandle> {
    const url = this.url(path, {
      watch: 'true',
      resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(300 + Math.floor(Math.random() * 300)),
    });
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const resetIdle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new DOMException('watch idle timeout', 'TimeoutError')), this.watchIdleTimeoutMs);
      timer.unref();
    };
    const run = async (): Promise<unknown> => {
      resetIdle();
      const response = await fetch(url, { headers: await this.connection.headers(), dispatcher: this.connection.dispatcher, signal: controller.signal });
      if (response.status !== 200 || !response.body) {
        await response.body?.cancel();
        throw new KubeApiError(response.status, `watch ${path}: ${response.status}`);
      }
      const decoder = new TextDecoder();
      let pending = '';
      const handle = (line: string) => {
        if (line.trim() === '') return;
        let event: { type?: WatchEventType; object?: KubeObject };
        try {
          event = JSON.parse(line) as typeof event;
        } catch {
          return; // a torn line: the watch resumes from the last resourceVersion anyway
        }
        if (event.type && event.object) onEvent(event.type, event.object);
      };
      for await (const chunk of response.body) {
        resetIdle();
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          handle(line);
          if (controller.signal.aborted) return null;
        }
      }
      handle(pending + decoder.decode());
      return null;
    };
    const done = run()
      .catch((error: unknown) => {
        const reason: unknown = controller.signal.reason;
        if (controller.signal.aborted && reason instanceof DOMException && reason.name === 'TimeoutError') return reason;
        if (controller.signal.aborted) return null;
        return error;
      })
      .finally(() => clearTimeout(timer));
    return Promise.resolve({ done, abort: () => controller.abort() });
  }
}

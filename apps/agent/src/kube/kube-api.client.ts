import { HttpMethod, RequestContext, Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '@ratchet/collector';
import { fetch } from 'undici';


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

/**
 * The few Kubernetes API calls the agent makes, over @kubernetes/client-node's authentication (service account
 * token or kubeconfig user, cluster CA). Objects stay raw JSON: the agent strips them before keeping them, so it
 * never holds typed copies of whole pods.
 */
export class KubeApiClient {
  private readonly watcher: Watch;

  constructor(private readonly kc: KubeConfig) {
    this.watcher = new Watch(kc);
  }

  private async get(path: string, query: Record<string, string | undefined> = {}): Promise<unknown> {
    const cluster = this.kc.getCurrentCluster()!;
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    await this.kc.applySecurityAuthentication(ctx);
    const response = await fetch(url, {
      headers: { ...ctx.getHeaders(), Accept: 'application/json' },
      dispatcher: ctx.getDispatcher(),
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

  /** Watches `path` from `resourceVersion`, with bookmarks; events go to `onEvent` in order. */
  async watch(
    path: string,
    resourceVersion: string,
    onEvent: (type: WatchEventType, object: KubeObject) => void,
  ): Promise<WatchHandle> {
    let settle!: (value: unknown) => void;
    const done = new Promise<unknown>((resolve) => (settle = resolve));
    const controller = await this.watcher.watch(
      path,
      { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) },
      (type: string, object: KubeObject) => onEvent(type as WatchEventType, object),
      (error: unknown) => {
        const status = (error as { statusCode?: number } | null)?.statusCode;
        settle(status ? new KubeApiError(status, `watch ${path}: ${status}`) : error);
      },
    );
    return { done, abort: () => controller.abort() };
  }
}

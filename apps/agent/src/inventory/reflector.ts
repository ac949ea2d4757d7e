import { stripObject } from '@ratchet/collector';
import type { KubeObject, Stripped, StrippedObject, WatchedResource } from '@ratchet/collector';

import { backoffDelay } from '../common/backoff.util.js';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { AgentMetrics } from '../common/metrics.js';
import { KubeApiError } from '../kube/kube-api.client.js';
import type { KubeApiClient, WatchEventType, WatchHandle } from '../kube/kube-api.client.js';

/** Items per list page (`limit`); a large cluster is listed in pages rather than one huge response. */
export const LIST_PAGE_SIZE = 500;

/** What a reflector tells its owner: an object added or changed, or gone. */
export interface ReflectorListener {
  /** Keeps a projection (once per hash) before the object referring to it is upserted. */
  holdProjection(projection: NonNullable<Stripped['projection']>): void;
  upsert(stripped: Stripped): void;
  remove(object: StrippedObject): void;
}

class GoneError extends Error {}

/**
 * List-then-watch of one resource, like client-go's reflector: lists in pages, watches from the list's
 * resourceVersion with bookmarks, resumes a dropped watch from the last resourceVersion seen, and lists again
 * when the API answers 410 Gone (to a watch or to an expired `continue` token). Objects are stripped as they
 * arrive, so only identity and the projection hash stay in memory.
 */
export class Reflector {
  readonly store = new Map<string, StrippedObject>();
  private resourceVersion: string | undefined;
  private current: WatchHandle | undefined;
  private stopped = false;
  private hasSynced = false;
  private readonly stopSignal = new AbortController();
  private running: Promise<void> | undefined;
  private markSynced!: () => void;
  /** Resolves once the first full list has been read. */
  readonly whenSynced = new Promise<void>((resolve) => (this.markSynced = resolve));

  constructor(
    readonly resource: WatchedResource,
    private readonly kube: KubeApiClient,
    private readonly listener: ReflectorListener,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly metrics: AgentMetrics,
    private readonly pageSize: number = LIST_PAGE_SIZE,
  ) {}

  /** True once the first full list has been read. */
  get synced(): boolean {
    return this.hasSynced;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    this.current?.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let reason = 'start';
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) {
          await this.relist(reason);
          attempt = 0;
        }
        if (this.stopped) break;
        await this.watchOnce();
        attempt = 0;
      } catch (error) {
        if (this.stopped) break;
        if (error instanceof GoneError) {
          this.log.info({ resource: this.resource.resource }, 'resourceVersion expired (410 Gone): listing again');
          this.resourceVersion = undefined;
          reason = 'gone';
          continue;
        }
        const delay = backoffDelay(attempt++, Math.random, 500, 60_000);
        this.log.warn({ resource: this.resource.resource, err: (error as Error).message, retryInMs: delay }, 'list/watch failed');
        if (this.resourceVersion === undefined) reason = 'error';
        await this.clock.sleep(delay, this.stopSignal.signal);
      }
    }
  }

  private async relist(reason: string): Promise<void> {
    this.metrics.relists.inc({ resource: this.resource.resource, reason });
    // Only the stripped objects wait for the end of the list; their projections go to the listener at once (kept
    // once per hash), so a 10,000-pod list does not hold 10,000 projection copies until its last page.
    const seen = new Map<string, StrippedObject>();
    let continueToken: string | undefined;
    let resourceVersion = '';
    let restarted = false;
    do {
      let page;
      try {
        page = await this.kube.listPage(this.resource.path, this.pageSize, continueToken);
      } catch (error) {
        // An expired continue token: start the list over, once, rather than mix two snapshots.
        if (error instanceof KubeApiError && error.statusCode === 410 && continueToken !== undefined && !restarted) {
          restarted = true;
          seen.clear();
          continueToken = undefined;
          continue;
        }
        throw error;
      }
      for (const item of page.items) {
        const stripped = this.strip(item);
        if (!stripped) continue;
        if (stripped.projection) this.listener.holdProjection(stripped.projection);
        seen.set(stripped.object.uid, stripped.object);
      }
      continueToken = page.continueToken;
      resourceVersion = page.resourceVersion;
    } while (continueToken !== undefined && !this.stopped);
    if (this.stopped) return;

    for (const [uid, object] of this.store) {
      if (!seen.has(uid)) {
        this.store.delete(uid);
        this.listener.remove(object);
      }
    }
    for (const [uid, object] of seen) {
      this.store.set(uid, object);
      this.listener.upsert({ object });
    }
    this.resourceVersion = resourceVersion;
    this.hasSynced = true;
    this.markSynced();
  }

  private strip(item: KubeObject): Stripped | undefined {
    try {
      return stripObject(this.resource, item);
    } catch (error) {
      this.log.warn(
        { resource: this.resource.resource, namespace: item.metadata?.namespace, name: item.metadata?.name, err: (error as Error).message },
        'object skipped: cannot project it',
      );
      return undefined;
    }
  }

  private async watchOnce(): Promise<void> {
    let gone = false;
    const onEvent = (type: WatchEventType, object: KubeObject) => {
      this.metrics.kubeEvents.inc({ resource: this.resource.resource, type });
      const version = object?.metadata?.resourceVersion;
      switch (type) {
        case 'ADDED':
        case 'MODIFIED': {
          const stripped = this.strip(object);
          if (stripped) {
            this.store.set(stripped.object.uid, stripped.object);
            this.listener.upsert(stripped);
          }
          break;
        }
        case 'DELETED': {
          const uid = object.metadata?.uid;
          const known = uid ? this.store.get(uid) : undefined;
          if (known) {
            this.store.delete(known.uid);
            this.listener.remove(known);
          }
          break;
        }
        case 'BOOKMARK':
          break;
        case 'ERROR':
          if ((object as { code?: number }).code === 410) gone = true;
          else this.log.warn({ resource: this.resource.resource, status: object }, 'watch error event');
          this.current?.abort();
          return;
      }
      if (typeof version === 'string' && version !== '') this.resourceVersion = version;
    };
    const handle = await this.kube.watch(this.resource.path, this.resourceVersion ?? '', onEvent);
    this.current = handle;
    if (this.stopped) handle.abort();
    const error = await handle.done;
    this.current = undefined;
    if (gone || (error instanceof KubeApiError && error.statusCode === 410)) throw new GoneError();
    // client-node ends a watch quiet for 30 s with a TimeoutError: watching again from the last resourceVersion
    // (bookmarks keep it fresh) is the normal way on, not a failure.
    if (error && !this.stopped && !(error instanceof Error && error.name === 'TimeoutError')) {
      throw error instanceof Error ? error : new Error(`watch ${this.resource.path} ended: ${JSON.stringify(error)}`);
    }
  }
}


import type { KubeObject } from './kube-object.js';
import { objectKey } from './kube-object.js';
import type { ResourceName } from './resource-types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change in the store's history: what a watch replays from a resourceVersion. */
export interface StoredEvent {
  resourceVersion: number;
  resource: ResourceName;
  type: WatchEventType;
  object: KubeObject;
}

export interface StoreSubscriber {
  resource: ResourceName;
  namespace: string | undefined;
  onEvent(event: StoredEvent): void;
  /** The store compacted past everything this watcher could resume from: it must end with 410 Gone. */
  onExpired(): void;
}

export class ResourceVersionTooOldError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    // kube-apiserver's wording (storage.NewTooLargeResourceVersionError's sibling in the watch cache).
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

/**
 * The simulated etcd + watch cache: every object of every served resource, one cluster-wide
 * resourceVersion counter (as etcd's revision), and a bounded history of changes that watches replay.
 * Objects are immutable once stored: a change stores a new object, so lists and watch events can hand out
 * references safely.
 */
export class ObjectStore {
  private revision: number;
  /** Watches from a resourceVersion below this are answered 410 Gone (etcd compaction). */
  private compactedRevision: number;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  /** Storage keys per resource in etcd order; rebuilt only after a create or delete (not on updates). */
  private readonly sortedKeys = new Map<ResourceName, string[]>();
  private history: StoredEvent[] = [];
  private readonly subscribers = new Set<StoreSubscriber>();

  constructor(
    private readonly historyLimit: number,
    startRevision = 1000,
  ) {
    this.revision = startRevision;
    this.compactedRevision = startRevision;
  }

  get resourceVersion(): number {
    return this.revision;
  }

  get oldestResourceVersion(): number {
    return this.compactedRevision;
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(resource).get(objectKey({ namespace, name }));
  }

  /** Objects of a resource, optionally of one namespace, sorted by their storage key (namespace/name). */
  list(resource: ResourceName, namespace?: string): KubeObject[] {
    const bucket = this.bucket(resource);
    let keys = this.sortedKeys.get(resource);
    if (!keys) {
      keys = [...bucket.keys()].sort(compareKeys);
      this.sortedKeys.set(resource, keys);
    }
    const out: KubeObject[] = [];
    for (const key of keys) {
      const object = bucket.get(key)!;
      if (namespace === undefined || object.metadata.namespace === namespace) out.push(object);
    }
    return out;
  }

  count(resource: ResourceName): number {
    return this.bucket(resource).size;
  }

  /** Stores a new object (ADDED) or a new version of an existing one (MODIFIED); returns the stored object. */
  put(resource: ResourceName, object: KubeObject): KubeObject {
    const key = objectKey(object.metadata);
    const previous = this.bucket(resource).get(key);
    // Same name, new uid: the apiserver never turns one object into another; watchers see the old one deleted
    // and a new one added, or they would keep both (clients key objects by uid).
    if (previous && previous.metadata.uid !== object.metadata.uid) {
      this.delete(resource, previous.metadata.namespace, previous.metadata.name);
    }
    const existed = this.bucket(resource).has(key);
    const stored = this.stamp(object);
    this.bucket(resource).set(key, stored);
    if (!existed) this.sortedKeys.delete(resource);
    this.record(resource, existed ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  /** Removes an object; the DELETED event carries the object at the deletion's resourceVersion, as etcd does. */
  delete(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey({ namespace, name });
    const existing = this.bucket(resource).get(key);
    if (!existing) return undefined;
    this.bucket(resource).delete(key);
    this.sortedKeys.delete(resource);
    const stored = this.stamp(existing);
    this.record(resource, 'DELETED', stored);
    return stored;
  }

  /**
   * Changes after `fromResourceVersion` for a watch, oldest first.
   * @throws ResourceVersionTooOldError when the history no longer reaches back that far (410 Gone).
   */
  changesSince(resource: ResourceName, namespace: string | undefined, fromResourceVersion: number): StoredEvent[] {
    if (fromResourceVersion < this.compactedRevision) {
      throw new ResourceVersionTooOldError(fromResourceVersion, this.compactedRevision);
    }
    return this.history.filter(
      (e) =>
        e.resourceVersion > fromResourceVersion &&
        e.resource === resource &&
        (namespace === undefined || e.object.metadata.namespace === namespace),
    );
  }

  subscribe(subscriber: StoreSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /**
   * Compacts all history (as if etcd compacted and the watch cache was re-initialized): every
   * resourceVersion handed out so far becomes too old, and every open watch ends with 410 Gone, so
   * each client must relist.
   */
  expireAll(): void {
    this.revision += 1;
    this.compactedRevision = this.revision;
    this.history = [];
    for (const subscriber of [...this.subscribers]) subscriber.onExpired();
  }

  private stamp(object: KubeObject): KubeObject {
    this.revision += 1;
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(this.revision) } };
  }

  private record(resource: ResourceName, type: WatchEventType, object: KubeObject): void {
    const event: StoredEvent = { resourceVersion: this.revision, resource, type, object };
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRevision = dropped[dropped.length - 1]!.resourceVersion;
    }
    for (const subscriber of this.subscribers) {
      if (subscriber.resource !== resource) continue;
      if (subscriber.namespace !== undefined && subscriber.namespace !== object.metadata.namespace) continue;
      subscriber.onEvent(event);
    }
  }

  private bucket(resource: ResourceName): Map<string, KubeObject> {
    let bucket = this.objects.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(resource, bucket);
    }
    return bucket;
  }
}

/** Byte order, as etcd orders keys (and so the apiserver orders list items). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

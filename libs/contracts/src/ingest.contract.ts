import { z } from 'zod';

import {
  CHECK_IDS,
  CheckId,
  Count,
  EnforceableLevel,
  Id,
  KubernetesUid,
  NamespaceName,
  ObjectName,
  PsaVersion,
  Timestamp,
} from './common.contract.js';
import { ProjectionContent, ProjectionHash } from './projection.contract.js';

/** Where the agent posts each kind of batch; all under the versioned ingestion prefix. */
export const INGEST_PATHS = {
  inventoryResync: '/api/v1/ingest/inventory/resync',
  inventoryDelta: '/api/v1/ingest/inventory/delta',
  auditEvents: '/api/v1/ingest/audit-events',
  heartbeat: '/api/v1/ingest/heartbeat',
} as const;

/** The request header carrying the agent's idempotency key: a retried batch keeps its key. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Size limits of ingestion batches; the agent splits its work to stay under them. */
export const INGEST_LIMITS = {
  /** Namespaces, workloads and pods (upserted or deleted) in one inventory batch. */
  inventoryObjects: 2000,
  /** Audit events in one batch. */
  auditEvents: 500,
  /** Chunks in one full resync. */
  resyncChunks: 10_000,
} as const;

const objectList = <Item extends z.ZodType>(item: Item) => z.array(item).max(INGEST_LIMITS.inventoryObjects);

/**
 * The Pod Security labels of a namespace, raw. Values are kept as written (label values, so at most 63
 * characters) rather than validated as levels and versions: an invalid value is something to report, and PSA
 * itself falls back (enforce to restricted, audit and warn to privileged, versions to latest).
 */
export const NamespacePsaLabels = z.strictObject({
  enforce: z.string().max(63).optional(),
  enforceVersion: z.string().max(63).optional(),
  audit: z.string().max(63).optional(),
  auditVersion: z.string().max(63).optional(),
  warn: z.string().max(63).optional(),
  warnVersion: z.string().max(63).optional(),
});
export type NamespacePsaLabels = z.infer<typeof NamespacePsaLabels>;

/** A namespace as the agent reports it: identity, its Pod Security labels and its creation time. */
export const InventoryNamespace = z.strictObject({
  uid: KubernetesUid,
  name: NamespaceName,
  labels: NamespacePsaLabels,
  createdAt: Timestamp,
});
export type InventoryNamespace = z.infer<typeof InventoryNamespace>;

/** The kinds of object that carry a pod template (or are a pod), as the agent watches them. */
export const WORKLOAD_KINDS = [
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
  'Pod',
  'PodTemplate',
] as const;

/** A workload kind. */
export const WorkloadKind = z.enum(WORKLOAD_KINDS);
export type WorkloadKind = z.infer<typeof WorkloadKind>;

/**
 * One controller above an object, from its controller `ownerReference`. `kind` is free text because the owner
 * may be any resource, such as an operator's custom resource.
 */
export const OwnerLink = z.strictObject({
  kind: z
    .string()
    .max(63)
    .regex(/^[A-Za-z][A-Za-z0-9]*$/, { message: 'must be a Kubernetes kind' }),
  name: ObjectName,
  uid: KubernetesUid,
});
export type OwnerLink = z.infer<typeof OwnerLink>;

/**
 * A pod-bearing object: a controller, a PodTemplate, or a bare pod reported as its own workload.
 * `ownerChain` lists its controllers, nearest first; it is empty for a top controller (DESIGN.md "Workload"),
 * e.g. `[Deployment]` for a ReplicaSet a Deployment manages. `replicas` is the desired count (`spec.replicas`)
 * where the kind has one, else `null`; `podCount` is the number of pods the agent sees behind it.
 * `projectionHash` is the hash of its pod template's projection (of the pod itself for kind `Pod`).
 */
export const InventoryWorkload = z.strictObject({
  uid: KubernetesUid,
  kind: WorkloadKind,
  namespace: NamespaceName,
  name: ObjectName,
  ownerChain: z.array(OwnerLink).max(16),
  replicas: Count.nullable(),
  podCount: Count,
  projectionHash: ProjectionHash,
});
export type InventoryWorkload = z.infer<typeof InventoryWorkload>;

/** The phase of a pod (`status.phase`). */
export const PodPhase = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
export type PodPhase = z.infer<typeof PodPhase>;

/**
 * A pod. `workloadUid` is its top controller among the watched kinds; a pod without one is its own workload
 * (kind `Pod`), so `workloadUid` equals `uid`. `projectionHash` is the hash of this pod's own projection, which
 * can differ from its workload's template (an older ReplicaSet, an injected sidecar).
 */
export const InventoryPod = z.strictObject({
  uid: KubernetesUid,
  namespace: NamespaceName,
  name: ObjectName,
  workloadUid: KubernetesUid,
  projectionHash: ProjectionHash,
  phase: PodPhase,
});
export type InventoryPod = z.infer<typeof InventoryPod>;

/**
 * Projections sent with a batch, keyed by their hash, without identity (`ProjectionContent`). The agent sends a
 * projection the first time it refers to it and lists its hash in `knownProjectionHashes` once the API has
 * accepted it; the API may recompute each hash and refuse a mismatch.
 */
export const ProjectionMap = z
  .record(ProjectionHash, ProjectionContent)
  .refine((projections) => Object.keys(projections).length <= INGEST_LIMITS.inventoryObjects, {
    message: `must hold at most ${INGEST_LIMITS.inventoryObjects} projections`,
  });
export type ProjectionMap = z.infer<typeof ProjectionMap>;

const KnownProjectionHashes = z.array(ProjectionHash).max(INGEST_LIMITS.inventoryObjects);

interface ProjectionReferences {
  projections: Record<string, unknown>;
  knownProjectionHashes: readonly string[];
}

type ProjectionReferrers = ReadonlyArray<readonly [path: readonly (string | number)[], hash: string]>;

// The projection rule, shared by resync chunks and deltas: every hash an object refers to is either carried in
// `projections` or declared in `knownProjectionHashes` (never both), and every carried or declared hash is
// referred to. The API then only has to check that the declared ones exist; a batch is self-describing.
function checkProjectionReferences(batch: ProjectionReferences, referrers: ProjectionReferrers, ctx: z.RefinementCtx) {
  const known = new Map<string, number>();
  batch.knownProjectionHashes.forEach((hash, index) => {
    if (known.has(hash)) {
      ctx.addIssue({ code: 'custom', path: ['knownProjectionHashes', index], message: 'duplicate hash' });
    } else if (Object.hasOwn(batch.projections, hash)) {
      ctx.addIssue({
        code: 'custom',
        path: ['knownProjectionHashes', index],
        message: 'hash is also carried in projections; send it in one place only',
      });
    }
    known.set(hash, index);
  });

  const referenced = new Set<string>();
  for (const [path, hash] of referrers) {
    referenced.add(hash);
    if (!Object.hasOwn(batch.projections, hash) && !known.has(hash)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path],
        message: 'projection hash is neither in projections nor in knownProjectionHashes',
      });
    }
  }
  for (const hash of Object.keys(batch.projections)) {
    if (!referenced.has(hash)) {
      ctx.addIssue({ code: 'custom', path: ['projections', hash], message: 'projection is not referred to by any object' });
    }
  }
  for (const [hash, index] of known) {
    if (!referenced.has(hash)) {
      ctx.addIssue({ code: 'custom', path: ['knownProjectionHashes', index], message: 'hash is not referred to by any object' });
    }
  }
}

function checkUniqueUids(items: readonly { uid: string }[], path: readonly (string | number)[], ctx: z.RefinementCtx) {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const earlier = first.get(item.uid);
    if (earlier === undefined) first.set(item.uid, index);
    else ctx.addIssue({ code: 'custom', path: [...path, index, 'uid'], message: `duplicate uid, first at index ${earlier}` });
  });
}

// Namespaces are stored by name and workloads by (namespace, kind, name), the identity findings keep across
// recreations; one batch naming the same object twice (under two uids) is contradictory.
function checkUniqueIdentities(
  batch: { namespaces: readonly { name: string }[]; workloads: readonly { namespace: string; kind: string; name: string }[] },
  prefix: readonly string[],
  ctx: z.RefinementCtx,
) {
  const report = (items: readonly string[], list: string, message: string) => {
    const first = new Map<string, number>();
    items.forEach((identity, index) => {
      const earlier = first.get(identity);
      if (earlier === undefined) first.set(identity, index);
      else ctx.addIssue({ code: 'custom', path: [...prefix, list, index, 'name'], message: `${message}, first at index ${earlier}` });
    });
  };
  report(batch.namespaces.map((ns) => ns.name), 'namespaces', 'duplicate namespace name');
  report(
    batch.workloads.map((w) => `${w.namespace}/${w.kind}/${w.name}`),
    'workloads',
    'duplicate workload: same namespace, kind and name',
  );
}

function checkObjectCount(count: number, ctx: z.RefinementCtx) {
  if (count === 0) {
    ctx.addIssue({ code: 'custom', path: [], message: 'batch is empty: send at least one object' });
  } else if (count > INGEST_LIMITS.inventoryObjects) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `batch holds ${count} objects, more than ${INGEST_LIMITS.inventoryObjects}: split it`,
    });
  }
}

function projectionReferrers(
  workloads: readonly { projectionHash: string }[],
  pods: readonly { projectionHash: string }[],
  prefix: readonly string[],
): ProjectionReferrers {
  return [
    ...workloads.map((w, i) => [[...prefix, 'workloads', i, 'projectionHash'], w.projectionHash] as const),
    ...pods.map((p, i) => [[...prefix, 'pods', i, 'projectionHash'], p.projectionHash] as const),
  ];
}

/**
 * One chunk of a full inventory resync. The agent lists everything, splits it into `totalChunks` chunks
 * numbered from 1, and sends them under one `syncId`. When the API has committed every chunk of a sync, the
 * cluster's objects not seen in that sync are marked deleted. Chunks may arrive in any order; a chunk that
 * repeats (same `syncId` and `chunk`) is a retry. A namespace name, and a workload's namespace, kind and name,
 * appear once per chunk.
 */
export const InventoryResyncChunk = z
  .strictObject({
    syncId: Id,
    chunk: z.int().min(1).max(INGEST_LIMITS.resyncChunks),
    totalChunks: z.int().min(1).max(INGEST_LIMITS.resyncChunks),
    namespaces: objectList(InventoryNamespace).default([]),
    workloads: objectList(InventoryWorkload).default([]),
    pods: objectList(InventoryPod).default([]),
    projections: ProjectionMap.default({}),
    knownProjectionHashes: KnownProjectionHashes.default([]),
  })
  .superRefine((batch, ctx) => {
    if (batch.chunk > batch.totalChunks) {
      ctx.addIssue({ code: 'custom', path: ['chunk'], message: `chunk ${batch.chunk} is past totalChunks ${batch.totalChunks}` });
    }
    checkObjectCount(batch.namespaces.length + batch.workloads.length + batch.pods.length, ctx);
    checkUniqueUids(batch.namespaces, ['namespaces'], ctx);
    checkUniqueUids(batch.workloads, ['workloads'], ctx);
    checkUniqueUids(batch.pods, ['pods'], ctx);
    checkUniqueIdentities(batch, [], ctx);
    checkProjectionReferences(batch, projectionReferrers(batch.workloads, batch.pods, []), ctx);
  });
export type InventoryResyncChunk = z.infer<typeof InventoryResyncChunk>;
export type InventoryResyncChunkInput = z.input<typeof InventoryResyncChunk>;

/** Upserts of a delta: objects added or changed since the last batch. */
export const InventoryUpserts = z.strictObject({
  namespaces: objectList(InventoryNamespace).default([]),
  workloads: objectList(InventoryWorkload).default([]),
  pods: objectList(InventoryPod).default([]),
});
export type InventoryUpserts = z.infer<typeof InventoryUpserts>;

/** Deletes of a delta, by uid. */
export const InventoryDeletes = z.strictObject({
  namespaces: objectList(KubernetesUid).default([]),
  workloads: objectList(KubernetesUid).default([]),
  pods: objectList(KubernetesUid).default([]),
});
export type InventoryDeletes = z.infer<typeof InventoryDeletes>;

/**
 * Changes since the last batch. An object is upserted or deleted in one delta, not both; a uid appears once
 * per list, and an upserted namespace name or workload identity once. Projections follow the same rule as in a
 * resync chunk.
 */
export const InventoryDelta = z
  .strictObject({
    upserts: InventoryUpserts.prefault({}),
    deletes: InventoryDeletes.prefault({}),
    projections: ProjectionMap.default({}),
    knownProjectionHashes: KnownProjectionHashes.default([]),
  })
  .superRefine((batch, ctx) => {
    const { upserts, deletes } = batch;
    checkObjectCount(
      upserts.namespaces.length +
        upserts.workloads.length +
        upserts.pods.length +
        deletes.namespaces.length +
        deletes.workloads.length +
        deletes.pods.length,
      ctx,
    );
    for (const list of ['namespaces', 'workloads', 'pods'] as const) {
      checkUniqueUids(upserts[list], ['upserts', list], ctx);
      const upserted = new Set(upserts[list].map((item) => item.uid));
      const deleted = new Set<string>();
      deletes[list].forEach((uid, index) => {
        if (deleted.has(uid)) {
          ctx.addIssue({ code: 'custom', path: ['deletes', list, index], message: 'duplicate uid' });
        } else if (upserted.has(uid)) {
          ctx.addIssue({ code: 'custom', path: ['deletes', list, index], message: `uid is also in upserts.${list}` });
        }
        deleted.add(uid);
      });
    }
    checkUniqueIdentities(upserts, ['upserts'], ctx);
    checkProjectionReferences(batch, projectionReferrers(upserts.workloads, upserts.pods, ['upserts']), ctx);
  });
export type InventoryDelta = z.infer<typeof InventoryDelta>;
export type InventoryDeltaInput = z.input<typeof InventoryDelta>;

/** The audit stages accepted: the earlier stages are emitted before admission and carry no PSA annotations. */
export const AuditStage = z.enum(['ResponseComplete', 'Panic']);
export type AuditStage = z.infer<typeof AuditStage>;

/** The user who made an audited request. */
export const AuditUser = z.strictObject({
  username: z.string().min(1).max(1024),
  uid: z.string().max(256).optional(),
  groups: z.array(z.string().max(1024)).max(512),
});
export type AuditUser = z.infer<typeof AuditUser>;

/** The object of an audited request, as `objectRef` has it. `name` is absent for a create with `generateName`. */
export const AuditObjectRef = z.strictObject({
  resource: z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a lowercase resource name' }),
  namespace: NamespaceName.optional(),
  name: ObjectName.optional(),
  apiGroup: z
    .string()
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { message: 'must be an API group' })
    .optional(),
  apiVersion: z
    .string()
    .max(63)
    .regex(/^[a-z0-9]+$/, { message: 'must be an API version such as v1' })
    .optional(),
  subresource: z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a lowercase subresource name' })
    .optional(),
});
export type AuditObjectRef = z.infer<typeof AuditObjectRef>;

/**
 * The Pod Security annotations of the event, raw, whatever their key prefix (`pod-security.kubernetes.io/`
 * in-tree, `<webhook name>/` for the webhook build).
 */
export const AuditPsaAnnotations = z.strictObject({
  auditViolations: z.string().min(1).max(65_536),
  enforcePolicy: z.string().max(256).optional(),
  auditPolicy: z.string().max(256).optional(),
  /** The prefix the annotation keys had: `pod-security.kubernetes.io`, or the Pod Security webhook's name. */
  keyPrefix: z.string().min(1).max(253).optional(),
});
export type AuditPsaAnnotations = z.infer<typeof AuditPsaAnnotations>;

/**
 * One failing check from `audit-violations`: PSA writes `reason (detail)`, or `reason` alone when the detail is
 * empty. `id` is the check the reason maps to at the event's level and version, when it maps to one.
 */
export const AuditViolationCheck = z.strictObject({
  id: CheckId.optional(),
  reason: z.string().min(1).max(256),
  detail: z.string().max(16_384),
});
export type AuditViolationCheck = z.infer<typeof AuditViolationCheck>;

/** `audit-violations` parsed: the audit policy (`"<level>:<version>"`) and the failing checks in PSA's order. */
export const AuditViolations = z
  .strictObject({
    level: EnforceableLevel,
    version: PsaVersion,
    checks: z.array(AuditViolationCheck).min(1).max(CHECK_IDS.length),
  })
  .superRefine((violations, ctx) => {
    const seen = new Set<CheckId>();
    violations.checks.forEach((check, index) => {
      if (check.id === undefined) return;
      if (seen.has(check.id)) ctx.addIssue({ code: 'custom', path: ['checks', index, 'id'], message: 'duplicate check id' });
      seen.add(check.id);
    });
  });
export type AuditViolations = z.infer<typeof AuditViolations>;

/**
 * The `auditID` of a Kubernetes audit event: a UUID when the apiserver makes it, but the apiserver adopts a
 * client's `Audit-ID` header verbatim, so any short printable token is accepted.
 */
export const AuditId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' });
export type AuditId = z.infer<typeof AuditId>;

/**
 * A Pod Security audit-mode violation taken from a Kubernetes audit event. `time` is the request's
 * `requestReceivedTimestamp`. `namespace` is the namespace of the object; `objectRef.namespace`, when present,
 * must equal it.
 */
export const AuditEvent = z
  .strictObject({
    auditId: AuditId,
    stage: AuditStage,
    time: Timestamp,
    verb: z
      .string()
      .max(32)
      .regex(/^[a-z]+$/, { message: 'must be a lowercase Kubernetes verb' }),
    user: AuditUser,
    /** The effective user of an impersonated request: PSA evaluates and exempts this user. */
    impersonatedUser: AuditUser.optional(),
    /** A server-side dry run (`dryRun=All`): kept and shown, never counted as a running object nor as blocking. */
    dryRun: z.boolean().optional(),
    objectRef: AuditObjectRef,
    namespace: NamespaceName,
    annotations: AuditPsaAnnotations,
    violations: AuditViolations,
    responseCode: z.int().min(100).max(599).optional(),
  })
  .superRefine((event, ctx) => {
    if (event.objectRef.namespace !== undefined && event.objectRef.namespace !== event.namespace) {
      ctx.addIssue({ code: 'custom', path: ['objectRef', 'namespace'], message: 'must equal namespace' });
    }
  });
export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * A batch of 1 to 500 audit events. An `auditId` already stored (from this batch or an earlier one) is stored
 * once and counted in `duplicates.auditEvents`.
 */
export const AuditEventBatch = z.strictObject({
  events: z.array(AuditEvent).min(1).max(INGEST_LIMITS.auditEvents),
});
export type AuditEventBatch = z.infer<typeof AuditEventBatch>;

/** The `defaults` and `exemptions` of a PodSecurityConfiguration, with upstream's field names. */
export const PsaConfiguration = z.strictObject({
  defaults: z.strictObject({
    enforce: z.string().max(63),
    'enforce-version': z.string().max(63),
    audit: z.string().max(63),
    'audit-version': z.string().max(63),
    warn: z.string().max(63),
    'warn-version': z.string().max(63),
  }),
  exemptions: z.strictObject({
    usernames: z.array(z.string().max(1024)).max(1024),
    runtimeClasses: z.array(z.string().max(253)).max(1024),
    namespaces: z.array(z.string().max(63)).max(1024),
  }),
});
export type PsaConfiguration = z.infer<typeof PsaConfiguration>;

/** Object counts the agent sees in its cluster. */
export const InventoryCounts = z.strictObject({
  namespaces: Count,
  workloads: Count,
  pods: Count,
});
export type InventoryCounts = z.infer<typeof InventoryCounts>;

/**
 * The agent's periodic sign of life; it updates the cluster's last-seen time. `kubernetesVersion` is the
 * apiserver's `gitVersion` (`v1.33.2`, `v1.30.4-eks-a737599`, `v1.29.3+k3s1`).
 */
export const Heartbeat = z.strictObject({
  agentVersion: z
    .string()
    .max(64)
    .regex(/^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$/, { message: 'must be a semantic version' }),
  kubernetesVersion: z
    .string()
    .max(64)
    .regex(/^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$/, { message: 'must be a Kubernetes gitVersion such as v1.33.2' }),
  counts: InventoryCounts,
  startedAt: Timestamp,
  /** Where the agent gets audit events from; `none` on clusters where no audit webhook can be configured. */
  auditSource: z.enum(['webhook', 'file', 'none']).optional(),
  /** The cluster's AdmissionConfiguration PodSecurityConfiguration (upstream field names), from the agent's Helm value. */
  psaConfiguration: PsaConfiguration.optional(),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

/** Counts per kind of ingested item. */
export const IngestCounts = z.strictObject({
  namespaces: Count,
  workloads: Count,
  pods: Count,
  projections: Count,
  auditEvents: Count,
});
export type IngestCounts = z.infer<typeof IngestCounts>;

/**
 * The API's answer to an accepted batch (HTTP 202). `accepted` counts what was written, `duplicates` what was
 * already stored (a retried batch, a repeated auditID), `deleted` what was marked deleted (delta deletes, or
 * the sweep after the last chunk of a resync).
 */
export const IngestAccepted = z.strictObject({
  batchId: Id,
  accepted: IngestCounts,
  duplicates: IngestCounts,
  deleted: IngestCounts,
});
export type IngestAccepted = z.infer<typeof IngestAccepted>;

/** The error code the API answers (HTTP 409) when hashes declared in `knownProjectionHashes` are not stored. */
export const UNKNOWN_PROJECTIONS_ERROR_CODE = 'UNKNOWN_PROJECTIONS';

/** The `details` of an `UNKNOWN_PROJECTIONS` error: the agent resends the batch carrying these projections. */
export const UnknownProjectionsDetails = z.strictObject({
  missingProjectionHashes: z.array(ProjectionHash).min(1).max(INGEST_LIMITS.inventoryObjects),
});
export type UnknownProjectionsDetails = z.infer<typeof UnknownProjectionsDetails>;

import { z } from 'zod';

import {
  CheckId,
  Count,
  Dns1123Subdomain,
  EnforceableLevel,
  Id,
  KubernetesUid,
  NamespaceName,
  ObjectName,
  PsaLevel,
  PsaVersion,
  Timestamp,
} from './common.contract.js';
import { KUBERNETES_AUDIT_STAGES } from './kubernetes-audit.contract.js';
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

/**
 * How long the API keeps ingest batch records (idempotency keys and their answers, resync progress), in days; the
 * worker's retention deletes older ones. A batch observed longer ago than this is refused: its key may be forgotten,
 * so a late retry of it could be applied twice.
 */
export const INGEST_BATCH_RETENTION_DAYS = 14;

/**
 * Bounds of an inventory batch's `observedAt` against the API's clock. Ahead by more than `aheadMs` is a node clock
 * that is wrong (times in the future would make objects look seen before they were); older than `maxAgeDays`
 * (INGEST_BATCH_RETENTION_DAYS) could be a retry the API no longer recognizes.
 */
export const OBSERVED_AT_BOUNDS = { aheadMs: 5 * 60_000, maxAgeDays: INGEST_BATCH_RETENTION_DAYS } as const;

// The agent's observation time of an inventory batch; what it means differs between resync chunks and deltas.
const observedAt = (meaning: string) =>
  Timestamp.optional().meta({
    description: `${meaning} (RFC 3339 with an offset). Objects take it as their first-seen, last-seen (never moved back) and deleted-at times, and findings follow it, so batches spooled during an outage keep the times they happened. At most ${OBSERVED_AT_BOUNDS.aheadMs / 60_000} minutes ahead of the API's clock and at most ${OBSERVED_AT_BOUNDS.maxAgeDays} days old (400 otherwise). Absent: the time the API received the batch.`,
  });

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

// A raw Pod Security label value, described by the label it comes from.
const psaLabel = (label: string) =>
  z
    .string()
    .max(63)
    .optional()
    .meta({ description: `Value of the namespace label pod-security.kubernetes.io/${label}, as written (at most 63 characters, not validated: an invalid value is reported, as PSA falls back); absent when the label is not set.` });

/**
 * The Pod Security labels of a namespace, raw. Values are kept as written (label values, so at most 63
 * characters) rather than validated as levels and versions: an invalid value is something to report, and PSA
 * itself falls back (enforce to restricted, audit and warn to privileged, versions to latest).
 */
export const NamespacePsaLabels = z.strictObject({
  enforce: psaLabel('enforce'),
  enforceVersion: psaLabel('enforce-version'),
  audit: psaLabel('audit'),
  auditVersion: psaLabel('audit-version'),
  warn: psaLabel('warn'),
  warnVersion: psaLabel('warn-version'),
});
export type NamespacePsaLabels = z.infer<typeof NamespacePsaLabels>;

/** A namespace as the agent reports it: identity, its Pod Security labels and its creation time. */
export const InventoryNamespace = z.strictObject({
  uid: KubernetesUid.meta({ description: "The namespace's metadata.uid; deltas delete by it." }),
  name: NamespaceName.meta({ description: "The namespace's metadata.name (RFC 1123 label); the API keeps a namespace by name across recreations. Once per batch." }),
  labels: NamespacePsaLabels.meta({ description: 'The pod-security.kubernetes.io/* labels of metadata.labels, raw; other labels are not sent.' }),
  createdAt: Timestamp.meta({ description: "The namespace's metadata.creationTimestamp (ISO-8601 with an offset)." }),
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
    .regex(/^[A-Za-z][A-Za-z0-9]*$/, { message: 'must be a Kubernetes kind' })
    .meta({ description: 'ownerReferences[].kind of the controller reference, e.g. Deployment or a custom resource kind: letters and digits, starting with a letter, at most 63.' }),
  name: ObjectName.meta({ description: "ownerReferences[].name: the controller's name." }),
  uid: KubernetesUid.meta({ description: "ownerReferences[].uid: the controller's metadata.uid." }),
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
  uid: KubernetesUid.meta({ description: "The workload's metadata.uid (the pod's for kind Pod); pods refer to it by workloadUid and deltas delete by it." }),
  kind: WorkloadKind.meta({ description: 'The kind of the object: a watched controller kind, PodTemplate, or Pod for a bare pod reported as its own workload.' }),
  namespace: NamespaceName.meta({ description: "The workload's metadata.namespace." }),
  name: ObjectName.meta({ description: "The workload's metadata.name. Namespace, kind and name identify the workload across recreations and appear once per batch." }),
  ownerChain: z
    .array(OwnerLink)
    .max(16)
    .meta({ description: 'The controllers above the object from their controller ownerReferences, nearest first, at most 16; [] for a top controller.' }),
  replicas: Count.nullable().meta({ description: 'spec.replicas, the desired pod count, where the kind has one; null for kinds without it (DaemonSet, Job, CronJob, PodTemplate, Pod).' }),
  podCount: Count.meta({ description: 'The number of pods the agent sees behind the workload (non-negative 32-bit integer).' }),
  projectionHash: ProjectionHash.meta({
    description:
      "Hash of the projection of the workload's pod template (spec.template, spec.jobTemplate.spec.template for a CronJob, template for a PodTemplate; the pod itself for kind Pod). Its content travels in projections or is listed in knownProjectionHashes.",
  }),
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
  uid: KubernetesUid.meta({ description: "The pod's metadata.uid; deltas delete by it." }),
  namespace: NamespaceName.meta({ description: "The pod's metadata.namespace." }),
  name: ObjectName.meta({ description: "The pod's metadata.name." }),
  workloadUid: KubernetesUid.meta({ description: 'metadata.uid of the top controller among the watched kinds, found through controller ownerReferences; the pod\'s own uid when it has none (it is then reported as a workload of kind Pod).' }),
  projectionHash: ProjectionHash.meta({ description: "Hash of this pod's own projection, which can differ from its workload's template (an older ReplicaSet, an injected sidecar)." }),
  phase: PodPhase.meta({ description: "The pod's status.phase." }),
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

const batchShare = `Namespaces, workloads and pods together: 1 to ${INGEST_LIMITS.inventoryObjects} per batch.`;
const namespacesDescription = `Namespaces, each uid and name once per batch. Default []. ${batchShare}`;
const workloadsDescription = `Workloads, each uid and (namespace, kind, name) once per batch. Default []. ${batchShare}`;
const podsDescription = `Pods, each uid once per batch. Default []. ${batchShare}`;
const projectionsDescription = `Projection contents keyed by their projectionHash, at most ${INGEST_LIMITS.inventoryObjects}: each hash a workload or pod of the batch refers to and the API has not yet accepted. The API recomputes each hash and refuses a mismatch (400); a projection no object refers to is refused. Default {}.`;
const knownProjectionHashesDescription = `Hashes the objects of the batch refer to whose projections the API already accepted, so their content is not resent; never also in projections, at most ${INGEST_LIMITS.inventoryObjects}, no repeats. A hash the API has not stored is a 409 unknown_projections. Default [].`;

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
 * appear once per chunk. `observedAt` is when the listing started (default: when the API received the chunk);
 * the sweep deletes, at the sync's observation time, what no batch observed since.
 */
export const InventoryResyncChunk = z
  .strictObject({
    syncId: Id.meta({ description: 'A UUID the agent generates for one full resync; every chunk of the sync carries it.' }),
    chunk: z
      .int()
      .min(1)
      .max(INGEST_LIMITS.resyncChunks)
      .meta({ description: `This chunk's number, 1 to totalChunks (at most ${INGEST_LIMITS.resyncChunks}); a repeated (syncId, chunk) is a retry.` }),
    totalChunks: z
      .int()
      .min(1)
      .max(INGEST_LIMITS.resyncChunks)
      .meta({ description: `How many chunks the sync has, 1 to ${INGEST_LIMITS.resyncChunks}; once all are committed, the cluster's objects not seen in the sync are marked deleted.` }),
    namespaces: objectList(InventoryNamespace).default([]).meta({ description: namespacesDescription }),
    workloads: objectList(InventoryWorkload).default([]).meta({ description: workloadsDescription }),
    pods: objectList(InventoryPod).default([]).meta({ description: podsDescription }),
    projections: ProjectionMap.default({}).meta({ description: projectionsDescription }),
    knownProjectionHashes: KnownProjectionHashes.default([]).meta({ description: knownProjectionHashesDescription }),
    observedAt: observedAt(
      "When the agent started the listing this sync's chunks come from; every chunk of a sync should carry the same. The sweep after the last chunk deletes, at the sync's observedAt (the earliest of its chunks'), what no batch has seen since then",
    ),
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
  namespaces: objectList(InventoryNamespace).default([]).meta({ description: `Namespaces added or changed, stored by name. ${namespacesDescription}` }),
  workloads: objectList(InventoryWorkload).default([]).meta({ description: `Workloads added or changed. ${workloadsDescription}` }),
  pods: objectList(InventoryPod).default([]).meta({ description: `Pods added or changed. ${podsDescription}` }),
});
export type InventoryUpserts = z.infer<typeof InventoryUpserts>;

const deletedUids = (kind: string) =>
  objectList(KubernetesUid.meta({ description: `metadata.uid of a deleted ${kind}.` }))
    .default([])
    .meta({ description: `metadata.uid of each ${kind} deleted since the last batch, once each and not also in upserts; the API marks it deleted. Default []. ${batchShare}` });

/** Deletes of a delta, by uid. */
export const InventoryDeletes = z.strictObject({
  namespaces: deletedUids('namespace'),
  workloads: deletedUids('workload'),
  pods: deletedUids('pod'),
});
export type InventoryDeletes = z.infer<typeof InventoryDeletes>;

/**
 * Changes since the last batch. An object is upserted or deleted in one delta, not both; a uid appears once
 * per list, and an upserted namespace name or workload identity once. Projections follow the same rule as in a
 * resync chunk. `observedAt` is when the agent observed the changes (default: when the API received the delta).
 */
export const InventoryDelta = z
  .strictObject({
    upserts: InventoryUpserts.prefault({}).meta({ description: 'Objects added or changed since the last batch. Default {}.' }),
    deletes: InventoryDeletes.prefault({}).meta({ description: 'Objects deleted since the last batch, by uid. Default {}.' }),
    projections: ProjectionMap.default({}).meta({ description: projectionsDescription }),
    knownProjectionHashes: KnownProjectionHashes.default([]).meta({ description: knownProjectionHashesDescription }),
    observedAt: observedAt("When the agent observed the changes of this delta's window (the end of the window)"),
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

/**
 * The stage of an audit event. One request is audited once per stage (`RequestReceived`, then `ResponseStarted`
 * for long-running requests, then `ResponseComplete` or `Panic`), all under one `auditID` and one
 * `requestReceivedTimestamp`, and a webhook backend may serialize an early stage after admission annotated it.
 * Every stage is accepted; the API stores one event per request and keeps the facts of its latest stage (in
 * this order), which alone carries the response code.
 */
export const AuditStage = z.enum(KUBERNETES_AUDIT_STAGES);
export type AuditStage = z.infer<typeof AuditStage>;

/** The user who made an audited request. */
export const AuditUser = z.strictObject({
  username: z.string().min(1).max(1024).meta({ description: 'UserInfo.username from the audit event, 1 to 1024 characters.' }),
  uid: z.string().max(256).optional().meta({ description: 'UserInfo.uid from the audit event, at most 256 characters; validated but not stored.' }),
  groups: z
    .array(z.string().max(1024).meta({ description: 'A group name, at most 1024 characters.' }))
    .max(512)
    .meta({ description: 'UserInfo.groups from the audit event ([] when absent), at most 512.' }),
});
export type AuditUser = z.infer<typeof AuditUser>;

/** The object of an audited request, as `objectRef` has it. `name` is absent for a create with `generateName`. */
export const AuditObjectRef = z.strictObject({
  resource: z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a lowercase resource name' })
    .meta({ description: 'objectRef.resource: pods, or the controller resource (deployments, replicasets, ...) for a violation in a pod template; lowercase, at most 63 characters.' }),
  namespace: NamespaceName.optional().meta({ description: "objectRef.namespace; when present it must equal the event's namespace." }),
  name: ObjectName.optional().meta({ description: 'objectRef.name; absent for a create with generateName audited at the Metadata level.' }),
  apiGroup: z
    .string()
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { message: 'must be an API group' })
    .optional()
    .meta({ description: 'objectRef.apiGroup, e.g. apps (a DNS subdomain); absent for the core group.' }),
  apiVersion: z
    .string()
    .max(63)
    .regex(/^[a-z0-9]+$/, { message: 'must be an API version such as v1' })
    .optional()
    .meta({ description: 'objectRef.apiVersion, e.g. v1: lowercase letters and digits, at most 63.' }),
  subresource: z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a lowercase subresource name' })
    .optional()
    .meta({ description: 'objectRef.subresource, e.g. ephemeralcontainers; lowercase, at most 63 characters.' }),
});
export type AuditObjectRef = z.infer<typeof AuditObjectRef>;

/** The key prefix of the Pod Security annotations written by the built-in admission plugin. */
export const PSA_ANNOTATION_KEY_PREFIX = 'pod-security.kubernetes.io';

/**
 * The Pod Security annotations of the event, raw, whatever their key prefix. `keyPrefix` is that prefix, without
 * the `/`: `pod-security.kubernetes.io` for the built-in admission plugin, the webhook's name (a DNS subdomain,
 * e.g. `pod-security-webhook.kubernetes.io`) for the Pod Security webhook build, whose annotations the apiserver
 * records under the webhook's name. Absent from older agents, which sent the built-in plugin's only.
 */
export const AuditPsaAnnotations = z.strictObject({
  auditViolations: z
    .string()
    .min(1)
    .max(65_536)
    .meta({ description: 'The <keyPrefix>/audit-violations annotation, raw, 1 to 65536 characters. The API parses it itself; an unparsable value is stored unparsed, counted as a violation and reported in unparsedAuditEvents.' }),
  enforcePolicy: z.string().max(256).optional().meta({ description: 'The <keyPrefix>/enforce-policy annotation, raw ("<level>:<version>"), at most 256 characters.' }),
  auditPolicy: z.string().max(256).optional().meta({ description: 'The <keyPrefix>/audit-policy annotation, raw ("<level>:<version>"), at most 256 characters.' }),
  keyPrefix: Dns1123Subdomain.optional().meta({
    description: `The annotations' key prefix without the /: ${PSA_ANNOTATION_KEY_PREFIX} for the built-in admission plugin, the webhook's name for the Pod Security webhook. Absent from older agents, meaning ${PSA_ANNOTATION_KEY_PREFIX}.`,
  }),
});
export type AuditPsaAnnotations = z.infer<typeof AuditPsaAnnotations>;

/**
 * One failing check from `audit-violations`: PSA writes `reason (detail)`, or `reason` alone when the detail is
 * empty. `id` is the check the reason maps to at the event's level and version, when it maps to one.
 */
export const AuditViolationCheck = z.strictObject({
  id: CheckId.optional().meta({ description: "The check the reason maps to at the event's level and version; absent for a reason this version does not know." }),
  reason: z.string().min(1).max(256).meta({ description: 'The reason as PSA writes it (e.g. "privileged"), 1 to 256 characters.' }),
  detail: z.string().max(16_384).meta({ description: 'The text in parentheses after the reason, "" when PSA wrote none; at most 16384 characters.' }),
});
export type AuditViolationCheck = z.infer<typeof AuditViolationCheck>;

/**
 * The most checks one `audit-violations` annotation may list: every known check once, plus reasons a newer
 * apiserver added that the parser keeps as unrecognised checks (no `id`).
 */
export const AUDIT_VIOLATION_CHECKS_MAX = 64;

/** `audit-violations` parsed: the audit policy (`"<level>:<version>"`) and the failing checks in PSA's order. */
export const AuditViolations = z
  .strictObject({
    level: EnforceableLevel.meta({ description: 'The level of the audit policy ("<level>:<version>") the annotation was written for.' }),
    version: PsaVersion.meta({ description: 'The version of the audit policy the annotation was written for.' }),
    checks: z
      .array(AuditViolationCheck)
      .min(1)
      .max(AUDIT_VIOLATION_CHECKS_MAX)
      .meta({ description: `The failing checks in PSA's order, 1 to ${AUDIT_VIOLATION_CHECKS_MAX}; a check id at most once.` }),
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
 *
 * - `objectRef.resource` is `pods` for a pod, or the controller's resource (`deployments`, `replicasets`,
 *   `statefulsets`, `daemonsets`, `jobs`, `cronjobs`, `replicationcontrollers`) for a violation PSA found in a
 *   pod template: such a violation belongs to the workload, not to a pod. `objectRef.name` is absent for a create
 *   with `generateName` audited at the `Metadata` level.
 * - `impersonatedUser` is the effective user of an impersonated request: PSA evaluates and exempts that user.
 * - `dryRun` is true for a server-side dry run (`dryRun=All` in the request URI): its annotations are real but
 *   the object was never created, so it is kept and shown, never counted as running nor as blocking.
 * - `responseCode` is the response's status; an enforce denial is 403 and still carries `audit-violations`.
 * - `violations` is the agent's parse of `annotations.auditViolations`, optional: the API parses the annotation
 *   itself and refuses a batch whose `violations` contradict it. An annotation that cannot be parsed does not
 *   fail the batch: the event is stored unparsed, counted as a violation, and reported in the answer.
 */
export const AuditEvent = z
  .strictObject({
    auditId: AuditId.meta({ description: "The event's auditID: 1 to 128 printable ASCII characters without spaces (a UUID, or a client's Audit-ID header). With time, it identifies the request: a repeat is stored once." }),
    stage: AuditStage.meta({ description: "The event's stage; the API keeps the facts of the latest stage of a request (RequestReceived < ResponseStarted < ResponseComplete < Panic)." }),
    time: Timestamp.meta({ description: "The event's requestReceivedTimestamp (ISO-8601 with an offset), the same for every stage of a request." }),
    verb: z
      .string()
      .max(32)
      .regex(/^[a-z]+$/, { message: 'must be a lowercase Kubernetes verb' })
      .meta({ description: "The event's verb, e.g. create or update: lowercase letters, at most 32." }),
    user: AuditUser.meta({ description: "The event's user: who authenticated." }),
    impersonatedUser: AuditUser.optional().meta({ description: "The event's impersonatedUser: the effective user PSA evaluates and exempts; absent when the request was not impersonated." }),
    objectRef: AuditObjectRef.meta({ description: "The event's objectRef: the pod or controller the violation belongs to." }),
    namespace: NamespaceName.meta({ description: 'The namespace of the object (objectRef.namespace, which must equal it when present).' }),
    annotations: AuditPsaAnnotations.meta({ description: "The event's Pod Security annotations, raw." }),
    violations: AuditViolations.optional().meta({ description: "The agent's parse of annotations.auditViolations, optional; a batch whose violations contradict the API's own parse is refused (400)." }),
    dryRun: z.boolean().optional().meta({ description: 'true for a server-side dry run (dryRun=All in requestURI): shown, never counted as running nor as blocking. Absent means false.' }),
    responseCode: z
      .int()
      .min(100)
      .max(599)
      .optional()
      .meta({ description: "The event's responseStatus.code, 100 to 599 (an enforce denial is 403); absent before ResponseComplete." }),
  })
  .superRefine((event, ctx) => {
    if (event.objectRef.namespace !== undefined && event.objectRef.namespace !== event.namespace) {
      ctx.addIssue({ code: 'custom', path: ['objectRef', 'namespace'], message: 'must equal namespace' });
    }
  });
export type AuditEvent = z.infer<typeof AuditEvent>;

/** The values PSA writes in `<keyPrefix>/exempt` (upstream `admission/admission.go`, `api.ExemptionReasonAnnotationKey`). */
export const PSA_EXEMPTION_REASONS = ['namespace', 'user', 'runtimeClass'] as const;

/** The most admission decisions one audit event batch may carry. */
export const ADMISSION_DECISIONS_MAX = 500;

/**
 * What Pod Security decided for requests that carried no `audit-violations`, aggregated by the agent: PSA writes
 * `<keyPrefix>/exempt` (`namespace`, `user` or `runtimeClass`; no other PSA annotation then) on requests it
 * exempted, and `<keyPrefix>/enforce-policy` (`"<level>:<version>"`) on every pod it evaluated. One entry stands for
 * `count` requests (each auditID counted once) with the same namespace, resource, decision, effective user and
 * dry-run flag, seen between `firstSeen` and `lastSeen`. Exactly one of `exempt` and `enforcePolicy` is present.
 * The API adds the count to the hour of `lastSeen`; compared with the cluster's PSA configuration, these show
 * when the apiserver runs another configuration than the one Ratchet was given (the cluster's psaContradictions).
 */
export const AdmissionDecision = z
  .strictObject({
    namespace: NamespaceName.meta({ description: "The requests' namespace (objectRef.namespace)." }),
    resource: z
      .string()
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a lowercase resource name' })
      .meta({ description: 'objectRef.resource: pods, or a pod-bearing controller resource (deployments, ...); lowercase, at most 63 characters.' }),
    exempt: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: `The <keyPrefix>/exempt annotation, raw: ${PSA_EXEMPTION_REASONS.join(', ')} as upstream writes it (another value is stored as is); 1 to 64 characters. Absent for evaluated requests.` }),
    enforcePolicy: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .meta({ description: 'The <keyPrefix>/enforce-policy annotation, raw ("<level>:<version>"), 1 to 256 characters. Absent for exempt requests.' }),
    username: z
      .string()
      .min(1)
      .max(1024)
      .meta({ description: 'The effective user: impersonatedUser.username when impersonated, else user.username (PSA exempts by this name); 1 to 1024 characters.' }),
    dryRun: z.boolean().optional().meta({ description: 'true for server-side dry runs (dryRun=All). Absent means false.' }),
    keyPrefix: Dns1123Subdomain.optional().meta({
      description: `The annotations' key prefix without the /: ${PSA_ANNOTATION_KEY_PREFIX} for the built-in admission plugin, the webhook's name for the Pod Security webhook. Absent means ${PSA_ANNOTATION_KEY_PREFIX}.`,
    }),
    count: z.int().min(1).max(1_000_000).meta({ description: 'How many requests (distinct auditIDs), 1 to 1000000.' }),
    firstSeen: Timestamp.meta({ description: "The oldest request's requestReceivedTimestamp (ISO-8601 with an offset)." }),
    lastSeen: Timestamp.meta({ description: "The newest request's requestReceivedTimestamp; not before firstSeen." }),
  })
  .superRefine((decision, ctx) => {
    if ((decision.exempt === undefined) === (decision.enforcePolicy === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['exempt'], message: 'exactly one of exempt and enforcePolicy must be present' });
    }
    if (Date.parse(decision.lastSeen) < Date.parse(decision.firstSeen)) {
      ctx.addIssue({ code: 'custom', path: ['lastSeen'], message: 'must not be before firstSeen' });
    }
  });
export type AdmissionDecision = z.infer<typeof AdmissionDecision>;

/**
 * A batch of up to 500 audit events and up to 500 admission decisions, at least one of either. A request already
 * stored (same `auditId` and `time`, from this batch or an earlier one, whatever its stage) is stored once and
 * counted in `duplicates.auditEvents`. Admission decisions are counts: a batch is added once (its idempotency key).
 */
export const AuditEventBatch = z
  .strictObject({
    events: z
      .array(AuditEvent)
      .max(INGEST_LIMITS.auditEvents)
      .meta({ description: `0 to ${INGEST_LIMITS.auditEvents} Pod Security audit events carrying an audit-violations annotation; empty only when admissionDecisions is not.` }),
    admissionDecisions: z
      .array(AdmissionDecision)
      .max(ADMISSION_DECISIONS_MAX)
      .optional()
      .meta({ description: `0 to ${ADMISSION_DECISIONS_MAX} aggregated Pod Security decisions of requests without audit-violations (exempt, or evaluated with an enforce-policy). Absent from older agents.` }),
  })
  .superRefine((batch, ctx) => {
    if (batch.events.length === 0 && (batch.admissionDecisions ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: 'must hold at least one event when admissionDecisions is empty' });
    }
  });
export type AuditEventBatch = z.infer<typeof AuditEventBatch>;

/** Object counts the agent sees in its cluster. */
export const InventoryCounts = z.strictObject({
  namespaces: Count.meta({ description: 'Namespaces the agent sees (non-negative 32-bit integer).' }),
  workloads: Count.meta({ description: 'Workloads the agent sees, bare pods included (non-negative 32-bit integer).' }),
  pods: Count.meta({ description: 'Pods the agent sees (non-negative 32-bit integer).' }),
});
export type InventoryCounts = z.infer<typeof InventoryCounts>;

/**
 * Where the agent gets the apiserver's audit events: its audit webhook receiver, an audit log file it tails, or
 * `none` (no audit source configured: audit-mode violations are not reported, which is not the same as none).
 */
export const AuditSource = z.enum(['webhook', 'file', 'none']);
export type AuditSource = z.infer<typeof AuditSource>;

/** The most entries each exemption list of a PSA configuration may hold. */
export const PSA_EXEMPTIONS_LIMIT = 1024;

// Upstream validates exemptions one by one and refuses repeats; so does this, naming the repeated entry.
function exemptionList<Item extends z.ZodString>(item: Item) {
  return z
    .array(item)
    .max(PSA_EXEMPTIONS_LIMIT)
    .default([])
    .superRefine((items, ctx) => {
      const first = new Map<string, number>();
      items.forEach((entry, index) => {
        const earlier = first.get(entry);
        if (earlier === undefined) first.set(entry, index);
        else ctx.addIssue({ code: 'custom', path: [index], message: `duplicate entry, first at index ${earlier}` });
      });
    });
}

/**
 * The cluster's Pod Security admission configuration: the `PodSecurityConfiguration` of the apiserver's
 * `AdmissionConfiguration` (or of the Pod Security webhook), with upstream's field names
 * (pod-security.admission.config.k8s.io/v1). `defaults` apply to namespaces without the matching label; a
 * field left out takes upstream's default (`privileged`, `latest`), as PSA does. `exemptions` are requests PSA
 * does not evaluate: by the effective user's name, the pod's `runtimeClassName`, or the namespace.
 */
export const PsaConfiguration = z.strictObject({
  defaults: z
    .strictObject({
      enforce: PsaLevel.default('privileged').meta({ description: 'defaults.enforce: the enforce level of namespaces without the enforce label. Default privileged.' }),
      'enforce-version': PsaVersion.default('latest').meta({ description: 'defaults.enforce-version. Default latest.' }),
      audit: PsaLevel.default('privileged').meta({ description: 'defaults.audit: the audit level of namespaces without the audit label. Default privileged.' }),
      'audit-version': PsaVersion.default('latest').meta({ description: 'defaults.audit-version. Default latest.' }),
      warn: PsaLevel.default('privileged').meta({ description: 'defaults.warn: the warn level of namespaces without the warn label. Default privileged.' }),
      'warn-version': PsaVersion.default('latest').meta({ description: 'defaults.warn-version. Default latest.' }),
    })
    .prefault({})
    .meta({ description: 'PodSecurityConfiguration defaults; fields left out take upstream defaults. Default {}.' }),
  exemptions: z
    .strictObject({
      usernames: exemptionList(z.string().min(1).max(1024).meta({ description: 'An exempt username, 1 to 1024 characters.' })).meta({
        description: `exemptions.usernames: requests whose effective user has one of these names are not evaluated. At most ${PSA_EXEMPTIONS_LIMIT}, no repeats. Default [].`,
      }),
      runtimeClasses: exemptionList(Dns1123Subdomain.meta({ description: 'An exempt RuntimeClass name (RFC 1123 subdomain).' })).meta({
        description: `exemptions.runtimeClasses: pods whose spec.runtimeClassName is one of these are not evaluated. At most ${PSA_EXEMPTIONS_LIMIT}, no repeats. Default [].`,
      }),
      namespaces: exemptionList(NamespaceName.meta({ description: 'An exempt namespace name.' })).meta({
        description: `exemptions.namespaces: namespaces PSA does not evaluate. At most ${PSA_EXEMPTIONS_LIMIT}, no repeats. Default [].`,
      }),
    })
    .prefault({})
    .meta({ description: 'PodSecurityConfiguration exemptions. Default {}.' }),
});
export type PsaConfiguration = z.infer<typeof PsaConfiguration>;
export type PsaConfigurationInput = z.input<typeof PsaConfiguration>;

/**
 * The agent's periodic sign of life; it updates the cluster's last-seen time. `kubernetesVersion` is the
 * apiserver's `gitVersion` (`v1.33.2`, `v1.30.4-eks-a737599`, `v1.29.3+k3s1`). `auditSource` and
 * `psaConfiguration` are what the agent knows of the cluster's audit and PSA setup; each heartbeat replaces
 * what the previous one said, and an absent field (an older agent, a configuration not given to the agent) is
 * stored as unknown.
 */
export const Heartbeat = z.strictObject({
  agentVersion: z
    .string()
    .max(64)
    .regex(/^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$/, { message: 'must be a semantic version' })
    .meta({ description: "The agent's own version, a semantic version such as 1.4.0 (at most 64 characters)." }),
  kubernetesVersion: z
    .string()
    .max(64)
    .regex(/^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$/, { message: 'must be a Kubernetes gitVersion such as v1.33.2' })
    .meta({ description: "The apiserver's gitVersion from /version, e.g. v1.33.2 or v1.30.4-eks-a737599 (at most 64 characters)." }),
  counts: InventoryCounts.meta({ description: 'Object counts the agent sees in the cluster now.' }),
  startedAt: Timestamp.meta({ description: 'When the agent process started (ISO-8601 with an offset).' }),
  auditSource: AuditSource.optional().meta({ description: "Where the agent reads audit events: webhook, file, or none (audit violations not reported). Replaces the previous heartbeat's value; absent is stored as unknown." }),
  psaConfiguration: PsaConfiguration.optional().meta({ description: "The cluster's PodSecurityConfiguration as given to the agent. Replaces the previous heartbeat's value; absent is stored as unknown." }),
});
export type Heartbeat = z.infer<typeof Heartbeat>;
export type HeartbeatInput = z.input<typeof Heartbeat>;

/** Counts per kind of ingested item. */
export const IngestCounts = z.strictObject({
  namespaces: Count.meta({ description: 'Namespaces.' }),
  workloads: Count.meta({ description: 'Workloads.' }),
  pods: Count.meta({ description: 'Pods.' }),
  projections: Count.meta({ description: 'Projections.' }),
  auditEvents: Count.meta({ description: 'Audit events (requests).' }),
});
export type IngestCounts = z.infer<typeof IngestCounts>;

/**
 * The API's answer to an accepted batch (HTTP 202). `accepted` counts what was written, `duplicates` what was
 * already stored (a retried batch, a repeated auditID), `deleted` what was marked deleted (delta deletes, or
 * the sweep after the last chunk of a resync). `unparsedAuditEvents`, in the answer to an audit event batch
 * only, counts the batch's events whose `audit-violations` annotation the API could not parse: they are
 * stored (or were already) with their raw annotation, marked unparsed, and count as violations.
 */
export const IngestAccepted = z.strictObject({
  batchId: Id.meta({ description: 'The id the API gave this batch; a retry with the same Idempotency-Key answers the same id.' }),
  accepted: IngestCounts.meta({ description: 'What this batch wrote.' }),
  duplicates: IngestCounts.meta({ description: 'What was already stored: carried projections already known, audit events whose request was already stored.' }),
  deleted: IngestCounts.meta({ description: 'What was marked deleted: delta deletes, or the sweep after the last chunk of a resync.' }),
  unparsedAuditEvents: Count.optional().meta({ description: 'Audit event batches only: events whose audit-violations annotation the API could not parse (stored unparsed and counted as violations).' }),
  admissionDecisions: Count.optional().meta({ description: 'Audit event batches carrying admissionDecisions only: how many entries were added. A retry with the same Idempotency-Key answers what the first delivery did and adds nothing.' }),
});
export type IngestAccepted = z.infer<typeof IngestAccepted>;

/** The error code the API answers (HTTP 409) when hashes declared in `knownProjectionHashes` are not stored. */
export const UNKNOWN_PROJECTIONS_ERROR_CODE = 'unknown_projections';

/** The `details` of an `unknown_projections` error: the agent resends the batch carrying these projections. */
export const UnknownProjectionsDetails = z.strictObject({
  missingProjectionHashes: z
    .array(ProjectionHash)
    .min(1)
    .max(INGEST_LIMITS.inventoryObjects)
    .meta({ description: 'Hashes from knownProjectionHashes the API has not stored; resend the batch carrying them in projections.' }),
});
export type UnknownProjectionsDetails = z.infer<typeof UnknownProjectionsDetails>;

import { describe, expect, it } from '@jest/globals';

import {
  AuditEventBatch,
  Heartbeat,
  INGEST_LIMITS,
  IngestAccepted,
  InventoryDelta,
  InventoryResyncChunk,
  PSA_EXEMPTIONS_LIMIT,
} from '../src/index.js';
import {
  HASH_A,
  HASH_B,
  POD_UID,
  auditEvent,
  inventoryDelta,
  inventoryNamespace,
  inventoryPod,
  inventoryWorkload,
  projectionContent,
  resyncChunk,
} from './support/ingest.factory.js';
import { issuePaths, issuesOf } from './support/issues.util.js';

function uid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

describe('InventoryResyncChunk', () => {
  it('parses a valid chunk', () => {
    const chunk = InventoryResyncChunk.parse(resyncChunk());
    expect(chunk.pods).toHaveLength(1);
    expect(chunk.knownProjectionHashes).toEqual([]);
  });

  it('keeps invalid PSA label values as raw strings to report them', () => {
    const namespaces = [inventoryNamespace({ labels: { enforce: 'strict', enforceVersion: 'v1.01' } })];
    expect(InventoryResyncChunk.parse(resyncChunk({ namespaces })).namespaces[0]!.labels.enforce).toBe('strict');
  });

  it('rejects an unknown field with its path', () => {
    const namespaces = [{ ...inventoryNamespace(), annotations: {} }];
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ namespaces }))).toEqual(['namespaces[0].annotations']);
  });

  it('rejects an unknown PSA label key', () => {
    const namespaces = [inventoryNamespace({ labels: { enforce: 'baseline', enforceversion: 'v1.30' } as never })];
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ namespaces }))).toEqual(['namespaces[0].labels.enforceversion']);
  });

  it('rejects a wrong type with its path', () => {
    const workloads = [inventoryWorkload({ replicas: '2' as never })];
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ workloads }))).toEqual(['workloads[0].replicas']);
  });

  it('rejects a name that is too long or not RFC 1123', () => {
    const pods = [inventoryPod({ name: 'a'.repeat(254) }), inventoryPod({ uid: uid(2), name: 'Web_1' })];
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ pods }))).toEqual(['pods[0].name', 'pods[1].name']);
  });

  it('rejects a namespace name longer than a label', () => {
    const namespaces = [inventoryNamespace({ name: 'n'.repeat(64) })];
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ namespaces }))).toEqual(['namespaces[0].name']);
  });

  it('rejects a timestamp without an offset', () => {
    const namespaces = [inventoryNamespace({ createdAt: '2026-07-01T12:00:00' })];
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ namespaces }))).toEqual(['namespaces[0].createdAt']);
  });

  it('rejects a chunk number past totalChunks, and chunk 0', () => {
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ chunk: 4, totalChunks: 3 }))).toEqual(['chunk']);
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ chunk: 0 }))).toEqual(['chunk']);
  });

  it('rejects a sync id that is not a UUID', () => {
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ syncId: 'sync-1' }))).toEqual(['syncId']);
  });

  it('rejects an empty chunk', () => {
    const issues = issuesOf(InventoryResyncChunk, resyncChunk({ namespaces: [], workloads: [], pods: [], projections: {} }));
    expect(issues).toEqual([{ path: '', message: 'batch is empty: send at least one object' }]);
  });

  it('rejects more than 2,000 objects in one chunk', () => {
    const pods = Array.from({ length: 1500 }, (_, i) => inventoryPod({ uid: uid(i), name: `web-${i}` }));
    const workloads = Array.from({ length: 600 }, (_, i) => inventoryWorkload({ uid: uid(10_000 + i), name: `web-${i}` }));
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ namespaces: [], workloads, pods }))).toEqual(['']);
  });

  it('rejects an oversized list at the list itself', () => {
    const pods = Array.from({ length: INGEST_LIMITS.inventoryObjects + 1 }, (_, i) => inventoryPod({ uid: uid(i), name: `web-${i}` }));
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ pods }))).toEqual(['pods']);
  });

  it('rejects a duplicated uid, naming the repeat', () => {
    const pods = [inventoryPod(), inventoryPod({ name: 'web-2' })];
    expect(issuesOf(InventoryResyncChunk, resyncChunk({ pods }))).toEqual([
      { path: 'pods[1].uid', message: 'duplicate uid, first at index 0' },
    ]);
  });

  it('rejects a projection hash referred to but neither carried nor known', () => {
    const pods = [inventoryPod({ projectionHash: HASH_B })];
    expect(issuesOf(InventoryResyncChunk, resyncChunk({ pods }))).toEqual([
      { path: 'pods[0].projectionHash', message: 'projection hash is neither in projections nor in knownProjectionHashes' },
    ]);
  });

  it('accepts a hash declared as already known', () => {
    const pods = [inventoryPod({ projectionHash: HASH_B })];
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ pods, knownProjectionHashes: [HASH_B] }))).toEqual([]);
  });

  it('rejects a hash both carried and declared known, and one nobody refers to', () => {
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ knownProjectionHashes: [HASH_A] }))).toEqual([
      'knownProjectionHashes[0]',
    ]);
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ knownProjectionHashes: [HASH_A, HASH_B] }))).toEqual([
      'knownProjectionHashes[0]',
      'knownProjectionHashes[1]',
    ]);
    const projections = { [HASH_A]: projectionContent(), [HASH_B]: projectionContent() };
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ projections }))).toEqual([`projections.${HASH_B}`]);
  });

  it('rejects a projection keyed by something other than a sha256', () => {
    const projections = { [HASH_A]: projectionContent(), 'not-a-hash': projectionContent() };
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ projections }))).toEqual(['projections["not-a-hash"]']);
  });

  it('rejects identity inside a hashed projection: identity travels on the objects', () => {
    const projections = { [HASH_A]: projectionContent({ metadata: { name: 'web' } as never }) };
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ projections }))).toEqual([`projections.${HASH_A}.metadata.name`]);
  });

  it('rejects configuration smuggled into a projection', () => {
    const content = projectionContent();
    const projections = {
      [HASH_A]: { ...content, spec: { ...content.spec, containers: [{ name: 'web', env: [{ name: 'PASSWORD', value: 'x' }] }] } },
    };
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ projections }))).toEqual([
      `projections.${HASH_A}.spec.containers[0].env`,
    ]);
  });

  it('rejects an unknown workload kind and a bad owner', () => {
    const workloads = [
      inventoryWorkload({ kind: 'Rollout' as never }),
      inventoryWorkload({ uid: uid(1), ownerChain: [{ kind: 'Deployment', name: 'web', uid: 'x' }] }),
    ];
    expect(issuePaths(InventoryResyncChunk, resyncChunk({ workloads }))).toEqual([
      'workloads[0].kind',
      'workloads[1].ownerChain[0].uid',
    ]);
  });
});

describe('InventoryDelta', () => {
  it('parses a valid delta and fills the lists it leaves out', () => {
    const delta = InventoryDelta.parse(inventoryDelta());
    expect(delta.upserts.namespaces).toEqual([]);
    expect(delta.deletes.pods).toHaveLength(1);
  });

  it('rejects an empty delta', () => {
    expect(issuePaths(InventoryDelta, {})).toEqual(['']);
    expect(issuePaths(InventoryDelta, { upserts: {}, deletes: { pods: [] } })).toEqual(['']);
  });

  it('rejects a uid both upserted and deleted', () => {
    const delta = inventoryDelta({ deletes: { pods: [POD_UID] } });
    expect(issuesOf(InventoryDelta, delta)).toEqual([{ path: 'deletes.pods[0]', message: 'uid is also in upserts.pods' }]);
  });

  it('rejects a duplicated uid in upserts and in deletes', () => {
    const delta = inventoryDelta({
      upserts: { pods: [inventoryPod({ projectionHash: HASH_B }), inventoryPod({ projectionHash: HASH_B })] },
      deletes: { namespaces: [uid(1), uid(1)] },
    });
    expect(issuePaths(InventoryDelta, delta)).toEqual(['deletes.namespaces[1]', 'upserts.pods[1].uid']);
  });

  it('rejects a missing projection with the path under upserts', () => {
    const delta = inventoryDelta({ knownProjectionHashes: [] });
    expect(issuePaths(InventoryDelta, delta)).toEqual(['upserts.pods[0].projectionHash']);
  });

  it('rejects a delete that is not a uid', () => {
    expect(issuePaths(InventoryDelta, inventoryDelta({ deletes: { workloads: ['web'] } }))).toEqual(['deletes.workloads[0]']);
  });
});

describe('observedAt of inventory batches', () => {
  const batches = [
    ['InventoryResyncChunk', (observedAt: unknown) => issuePaths(InventoryResyncChunk, { ...resyncChunk(), observedAt }), InventoryResyncChunk, resyncChunk],
    ['InventoryDelta', (observedAt: unknown) => issuePaths(InventoryDelta, { ...inventoryDelta(), observedAt }), InventoryDelta, inventoryDelta],
  ] as const;

  for (const [name, pathsWith, schema, valid] of batches) {
    it(`${name}: is optional and keeps an RFC 3339 time with any offset as sent`, () => {
      expect((schema.parse(valid()) as { observedAt?: string }).observedAt).toBeUndefined();
      for (const time of ['2026-11-30T09:00:00Z', '2026-11-30T09:00:00.123Z', '2026-11-30T11:00:00+02:00', '2026-11-30T04:30:00-04:30']) {
        expect(pathsWith(time)).toEqual([]);
        expect((schema.parse({ ...valid(), observedAt: time }) as { observedAt?: string }).observedAt).toBe(time);
      }
    });

    it(`${name}: refuses a time without an offset, a date, a number, null and text, naming observedAt`, () => {
      for (const bad of ['2026-11-30T09:00:00', '2026-11-30', 1764493200000, null, 'yesterday', '', '2026-13-01T00:00:00Z']) {
        expect({ bad, paths: pathsWith(bad) }).toEqual({ bad, paths: ['observedAt'] });
      }
    });
  }
});

describe('AuditEventBatch', () => {
  it('parses a valid batch', () => {
    expect(AuditEventBatch.parse({ events: [auditEvent()] }).events[0]!.violations!.checks[0]!.id).toBe(
      'allowPrivilegeEscalation',
    );
  });

  it('accepts an auditID a client chose through the Audit-ID header', () => {
    expect(issuePaths(AuditEventBatch, { events: [auditEvent({ auditId: 'req-42/retry-1' })] })).toEqual([]);
  });

  it('rejects an empty batch and an oversized one', () => {
    expect(issuePaths(AuditEventBatch, { events: [] })).toEqual(['events']);
    const events = Array.from({ length: INGEST_LIMITS.auditEvents + 1 }, () => auditEvent());
    expect(issuePaths(AuditEventBatch, { events })).toEqual(['events']);
  });

  it('accepts every Kubernetes audit stage, and nothing else', () => {
    const events = (['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const).map((stage) => auditEvent({ stage }));
    expect(issuePaths(AuditEventBatch, { events })).toEqual([]);
    expect(issuePaths(AuditEventBatch, { events: [auditEvent({ stage: 'Complete' as never })] })).toEqual(['events[0].stage']);
  });

  it('accepts an event without the agent\'s parse, with the traits of real apiservers', () => {
    const { violations: _omitted, ...event } = auditEvent();
    const traits = {
      ...event,
      impersonatedUser: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] },
      dryRun: true,
      objectRef: { resource: 'deployments', namespace: 'demo', apiGroup: 'apps', apiVersion: 'v1' },
      annotations: { ...event.annotations, keyPrefix: 'pod-security-webhook.kubernetes.io' },
      responseCode: 403,
    };
    expect(AuditEventBatch.parse({ events: [traits] }).events[0]).toEqual(traits);
  });

  it('rejects a bad impersonated user, dry-run flag and annotation key prefix', () => {
    const events = [
      auditEvent({ impersonatedUser: { username: '', groups: [] } }),
      auditEvent({ dryRun: 'All' as never }),
      auditEvent({ annotations: { ...auditEvent().annotations, keyPrefix: 'Pod-Security/' } }),
    ];
    expect(issuePaths(AuditEventBatch, { events })).toEqual([
      'events[0].impersonatedUser.username',
      'events[1].dryRun',
      'events[2].annotations.keyPrefix',
    ]);
  });

  it('rejects a bad version and a bad level', () => {
    const event = auditEvent();
    const events = [
      auditEvent({ violations: { ...event.violations, version: 'v1.01' } }),
      auditEvent({ violations: { ...event.violations, level: 'privileged' as never } }),
    ];
    expect(issuePaths(AuditEventBatch, { events })).toEqual(['events[0].violations.version', 'events[1].violations.level']);
  });

  it('rejects an unknown check id, a duplicated one, and a violation without checks', () => {
    const event = auditEvent();
    const check = event.violations.checks[0]!;
    const events = [
      auditEvent({ violations: { ...event.violations, checks: [{ ...check, id: 'allowPrivilegeEscalation_v2' as never }] } }),
      auditEvent({ violations: { ...event.violations, checks: [check, check] } }),
      auditEvent({ violations: { ...event.violations, checks: [] } }),
    ];
    expect(issuePaths(AuditEventBatch, { events })).toEqual([
      'events[0].violations.checks[0].id',
      'events[1].violations.checks[1].id',
      'events[2].violations.checks',
    ]);
  });

  it('rejects an auditId with spaces or too long, and a missing violations annotation', () => {
    const events = [
      auditEvent({ auditId: 'a b' }),
      auditEvent({ auditId: 'a'.repeat(129) }),
      auditEvent({ annotations: { auditViolations: '' } }),
    ];
    expect(issuePaths(AuditEventBatch, { events })).toEqual([
      'events[0].auditId',
      'events[1].auditId',
      'events[2].annotations.auditViolations',
    ]);
  });

  it('rejects an object namespace that differs from the event namespace', () => {
    const events = [auditEvent({ objectRef: { resource: 'pods', namespace: 'other' } })];
    expect(issuePaths(AuditEventBatch, { events })).toEqual(['events[0].objectRef.namespace']);
  });

  it('rejects unknown fields in nested objects', () => {
    const events = [auditEvent({ user: { username: 'alice', groups: [], extra: {} } as never })];
    expect(issuePaths(AuditEventBatch, { events })).toEqual(['events[0].user.extra']);
  });
});

describe('Heartbeat', () => {
  const heartbeat = {
    agentVersion: '0.3.1',
    kubernetesVersion: 'v1.33.2',
    counts: { namespaces: 12, workloads: 40, pods: 97 },
    startedAt: '2026-07-01T11:58:00Z',
  };

  it.each(['v1.33.2', 'v1.30.4-eks-a737599', 'v1.29.3+k3s1', 'v1.31.1-gke.1146000'])('accepts Kubernetes %s', (version) => {
    expect(Heartbeat.safeParse({ ...heartbeat, kubernetesVersion: version }).success).toBe(true);
  });

  it('rejects a negative count, a bad version and an unknown field', () => {
    const bad = { ...heartbeat, kubernetesVersion: '1.33', counts: { ...heartbeat.counts, pods: -1 }, uptime: 5 };
    expect(issuePaths(Heartbeat, bad)).toEqual(['kubernetesVersion', 'counts.pods', 'uptime']);
  });

  it('carries the audit source and the PSA configuration, filling what upstream defaults', () => {
    const parsed = Heartbeat.parse({
      ...heartbeat,
      auditSource: 'webhook',
      psaConfiguration: { defaults: { enforce: 'baseline', 'enforce-version': 'v1.30' }, exemptions: { namespaces: ['kube-system'] } },
    });
    expect(parsed.auditSource).toBe('webhook');
    expect(parsed.psaConfiguration).toEqual({
      defaults: {
        enforce: 'baseline',
        'enforce-version': 'v1.30',
        audit: 'privileged',
        'audit-version': 'latest',
        warn: 'privileged',
        'warn-version': 'latest',
      },
      exemptions: { usernames: [], runtimeClasses: [], namespaces: ['kube-system'] },
    });
    expect(Heartbeat.parse(heartbeat).psaConfiguration).toBeUndefined();
  });

  it('refuses a bad audit source and PSA configuration with the path of each field', () => {
    const bad = {
      ...heartbeat,
      auditSource: 'syslog',
      psaConfiguration: {
        defaults: { enforce: 'strict', 'audit-version': 'v1.01', warnVersion: 'latest' },
        exemptions: {
          usernames: ['', 'alice', 'alice'],
          runtimeClasses: ['Kata'],
          namespaces: Array.from({ length: PSA_EXEMPTIONS_LIMIT + 1 }, (_, i) => `ns-${i}`),
        },
      },
    };
    expect(issuePaths(Heartbeat, bad)).toEqual([
      'auditSource',
      'psaConfiguration.defaults.enforce',
      'psaConfiguration.defaults["audit-version"]',
      'psaConfiguration.defaults.warnVersion',
      'psaConfiguration.exemptions.usernames[0]',
      'psaConfiguration.exemptions.usernames[2]',
      'psaConfiguration.exemptions.runtimeClasses[0]',
      'psaConfiguration.exemptions.namespaces',
    ]);
    const repeated = { ...heartbeat, psaConfiguration: { exemptions: { usernames: ['alice', 'bob', 'alice'] } } };
    expect(issuesOf(Heartbeat, repeated)).toEqual([
      { path: 'psaConfiguration.exemptions.usernames[2]', message: 'duplicate entry, first at index 0' },
    ]);
  });
});

describe('IngestAccepted', () => {
  it('parses an answer with counts of accepted, duplicate and deleted items', () => {
    const counts = { namespaces: 0, workloads: 0, pods: 0, projections: 0, auditEvents: 3 };
    const answer = { batchId: '6f1c9c52-2d0e-4f3b-9a7e-0c1d2e3f4a5b', accepted: counts, duplicates: { ...counts, auditEvents: 1 }, deleted: { ...counts, auditEvents: 0 } };
    expect(IngestAccepted.parse(answer)).toEqual(answer);
    expect(IngestAccepted.parse({ ...answer, unparsedAuditEvents: 1 })).toEqual({ ...answer, unparsedAuditEvents: 1 });
    expect(issuePaths(IngestAccepted, { ...answer, unparsedAuditEvents: -1 })).toEqual(['unparsedAuditEvents']);
    expect(issuePaths(IngestAccepted, { ...answer, accepted: { ...counts, auditEvents: 1.5 } })).toEqual(['accepted.auditEvents']);
  });
});

describe('object identities', () => {
  it('rejects a namespace name reported twice in one chunk', () => {
    const namespaces = [inventoryNamespace(), inventoryNamespace({ uid: uid(7) })];
    expect(issuesOf(InventoryResyncChunk, resyncChunk({ namespaces }))).toEqual([
      { path: 'namespaces[1].name', message: 'duplicate namespace name, first at index 0' },
    ]);
  });

  it('rejects one workload identity under two uids, but not the same name for another kind', () => {
    const workloads = [
      inventoryWorkload(),
      inventoryWorkload({ uid: uid(8) }),
      inventoryWorkload({ uid: uid(9), kind: 'StatefulSet' }),
    ];
    expect(issuesOf(InventoryResyncChunk, resyncChunk({ workloads }))).toEqual([
      { path: 'workloads[1].name', message: 'duplicate workload: same namespace, kind and name, first at index 0' },
    ]);
  });

  it('applies the same rule to the upserts of a delta', () => {
    const delta = inventoryDelta({
      upserts: { namespaces: [inventoryNamespace(), inventoryNamespace({ uid: uid(7) })] },
      deletes: {},
      knownProjectionHashes: [],
    });
    expect(issuePaths(InventoryDelta, delta)).toEqual(['upserts.namespaces[1].name']);
  });
});

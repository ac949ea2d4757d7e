import { describe, expect, it } from '@jest/globals';

import { diffInventory, indexInventory } from './inventory-diff.util.js';
import { buildInventoryRecords } from './inventory-records.util.js';
import type { StrippedObject } from './strip-object.util.js';

const at = '2026-01-01T00:00:00.000Z';
const ns = (uid: string, labels: StrippedObject['labels'] = {}): StrippedObject => ({ uid, kind: 'Namespace', name: uid, namespace: '', createdAt: at, replicas: null, labels });
const controller = (uid: string, kind: StrippedObject['kind'], owner?: StrippedObject): StrippedObject => ({
  uid,
  kind,
  name: uid,
  namespace: 'shop',
  createdAt: at,
  replicas: kind === 'Job' ? null : 2,
  projectionHash: `h-${uid}`,
  ...(owner ? { owner: { kind: owner.kind, name: owner.name, uid: owner.uid } } : {}),
});
const pod = (uid: string, owner?: { kind: string; name: string; uid: string }, phase: StrippedObject['phase'] = 'Running'): StrippedObject => ({
  uid,
  kind: 'Pod',
  name: uid,
  namespace: 'shop',
  createdAt: at,
  replicas: null,
  phase,
  projectionHash: 'h-pod',
  ...(owner ? { owner } : {}),
});

const byUid = indexInventory;

describe('buildInventoryRecords with the previous records', () => {
  const deployment = controller('deploy', 'Deployment');
  const replicaSet = controller('rs', 'ReplicaSet', deployment);
  const cronJob = controller('cron', 'CronJob');
  const job = controller('job', 'Job', cronJob);
  const controllers = [deployment, replicaSet, cronJob, job];
  const pods = [
    pod('p1', { kind: 'ReplicaSet', name: 'rs', uid: 'rs' }),
    pod('p2', { kind: 'ReplicaSet', name: 'rs', uid: 'rs' }),
    pod('p3', { kind: 'Job', name: 'job', uid: 'job' }),
    pod('bare'),
    pod('node-owned', { kind: 'Node', name: 'n1', uid: 'node-1' }),
  ];
  const namespaces = [ns('shop', { enforce: 'baseline' }), ns('web')];

  it('returns the very same record objects when nothing changed, equal to a build from scratch', () => {
    const first = buildInventoryRecords(namespaces, controllers, pods);
    const again = buildInventoryRecords(namespaces.map((n) => ({ ...n, labels: { ...n.labels } })), controllers, pods, byUid(first));
    expect(again).toEqual(first);
    for (const list of ['namespaces', 'workloads', 'pods'] as const) {
      (again[list] as unknown[]).forEach((record, i) => expect(record).toBe(first[list][i]));
    }
  });

  it('makes new records for exactly what changed: a pod phase, and the pod counts up its owner chain when a pod leaves', () => {
    const first = buildInventoryRecords(namespaces, controllers, pods);
    const changed = [pod('p1', { kind: 'ReplicaSet', name: 'rs', uid: 'rs' }, 'Succeeded'), ...pods.slice(2)];
    const next = buildInventoryRecords(namespaces, controllers, changed, byUid(first));
    expect(next).toEqual(buildInventoryRecords(namespaces, controllers, changed));

    const fresh = (list: 'workloads' | 'pods') => next[list].filter((r) => !(first[list] as unknown[]).includes(r)).map((r) => r.uid);
    expect(fresh('pods')).toEqual(['p1']);
    expect(fresh('workloads').sort()).toEqual(['deploy', 'rs']);
    expect(next.workloads.find((w) => w.uid === 'rs')).toMatchObject({ podCount: 1, ownerChain: [{ kind: 'Deployment', name: 'deploy', uid: 'deploy' }] });
    // An unchanged owner chain is reused even when the workload record is new.
    expect(next.workloads.find((w) => w.uid === 'rs')!.ownerChain).toBe(first.workloads.find((w) => w.uid === 'rs')!.ownerChain);
  });

  it('rebuilds owner chains and pod workloads when a controller changes owner, and a changed label makes a new namespace record', () => {
    const first = buildInventoryRecords(namespaces, controllers, pods);
    const orphanRs = controller('rs', 'ReplicaSet');
    const next = buildInventoryRecords([ns('shop', { enforce: 'restricted' }), namespaces[1]!], [deployment, orphanRs, cronJob, job], pods, byUid(first));
    expect(next).toEqual(buildInventoryRecords([ns('shop', { enforce: 'restricted' }), namespaces[1]!], [deployment, orphanRs, cronJob, job], pods));
    expect(next.namespaces[0]).not.toBe(first.namespaces[0]);
    expect(next.namespaces[1]).toBe(first.namespaces[1]);
    expect(next.workloads.find((w) => w.uid === 'rs')!.ownerChain).toEqual([]);
    expect(next.pods.find((p) => p.uid === 'p1')).toMatchObject({ workloadUid: 'rs' });
    expect(next.pods.find((p) => p.uid === 'p1')).not.toBe(first.pods.find((p) => p.uid === 'p1'));
    expect(next.workloads.find((w) => w.uid === 'deploy')).toMatchObject({ podCount: 0 });
  });

  it('stops at an owner cycle, with or without previous records', () => {
    const a = controller('a', 'ReplicaSet', controller('b', 'Deployment'));
    const b = { ...controller('b', 'Deployment'), owner: { kind: 'ReplicaSet', name: 'a', uid: 'a' } };
    const cyclePods = [pod('p', { kind: 'ReplicaSet', name: 'a', uid: 'a' })];
    const first = buildInventoryRecords([], [a, b], cyclePods);
    expect(first.pods[0]).toMatchObject({ workloadUid: 'b' });
    expect(first.workloads.find((w) => w.uid === 'a')!.ownerChain).toEqual([{ kind: 'Deployment', name: 'b', uid: 'b' }]);
    const again = buildInventoryRecords([], [a, b], cyclePods, byUid(first));
    expect(again).toEqual(first);
    expect(again.workloads[0]).toBe(first.workloads[0]);
  });
});

describe('diffInventory', () => {
  const deployment = controller('deploy', 'Deployment');
  const replicaSet = controller('rs', 'ReplicaSet', deployment);
  const podOf = (uid: string, phase?: StrippedObject['phase']) => pod(uid, { kind: 'ReplicaSet', name: 'rs', uid: 'rs' }, phase);

  it('finds nothing when nothing changed', () => {
    const first = buildInventoryRecords([ns('shop')], [deployment, replicaSet], [podOf('p1')]);
    const diff = diffInventory(indexInventory(first), buildInventoryRecords([ns('shop')], [deployment, replicaSet], [podOf('p1')], indexInventory(first)));
    expect(diff.upserts).toEqual({ namespaces: [], workloads: [], pods: [] });
    expect(diff.deletes).toEqual({ namespaces: [], workloads: [], pods: [] });
  });

  it('upserts what is new or changed and deletes the uids that left', () => {
    const first = buildInventoryRecords([ns('shop'), ns('old')], [deployment, replicaSet], [podOf('p1'), podOf('p2')]);
    const records = buildInventoryRecords([ns('shop')], [deployment, replicaSet], [podOf('p1', 'Succeeded'), podOf('p3')], indexInventory(first));
    const diff = diffInventory(indexInventory(first), records);
    expect(diff.upserts.namespaces).toEqual([]);
    expect(diff.upserts.pods.map((p) => p.uid)).toEqual(['p1', 'p3']);
    expect(diff.upserts.workloads).toEqual([]); // still two pods under the ReplicaSet
    expect(diff.deletes).toEqual({ namespaces: ['old'], workloads: [], pods: ['p2'] });
    expect([...diff.next.pods.keys()]).toEqual(['p1', 'p3']);
    expect(diff.next.pods.get('p3')).toBe(records.pods[1]);
  });
});

import { describe, expect, it } from '@jest/globals';

import { findRejections } from './rejections.util.js';
import type { InventorySnapshot, StoredCheck } from './what-if.repository.js';

const check = (id: string, detail = ''): StoredCheck => ({ id, reason: `${id} reason`, detail });

const SNAPSHOT: InventorySnapshot = {
  namespaces: [
    { id: 'ns-b', name: 'b', reported: true, enforceLevel: null, enforceVersion: null, firstSeenAt: new Date(0) },
    { id: 'ns-a', name: 'a', reported: true, enforceLevel: null, enforceVersion: null, firstSeenAt: new Date(0) },
  ],
  workloads: [
    { id: 'w1', uid: 'u1', namespaceId: 'ns-b', kind: 'Deployment', name: 'web', projectionId: 'clean' },
    { id: 'w2', uid: 'u2', namespaceId: 'ns-a', kind: 'DaemonSet', name: 'agent', projectionId: 'host' },
    { id: 'w3', uid: 'u3', namespaceId: 'ns-a', kind: 'CronJob', name: 'report', projectionId: 'clean' },
  ],
  pods: [
    { name: 'web-2', namespaceId: 'ns-b', topLevelWorkloadUid: 'u1', projectionId: 'sidecar' },
    { name: 'web-1', namespaceId: 'ns-b', topLevelWorkloadUid: 'u1', projectionId: 'clean' },
    { name: 'agent-1', namespaceId: 'ns-a', topLevelWorkloadUid: 'u2', projectionId: 'host' },
    // A pod whose top-level workload is not live counts for no workload.
    { name: 'orphan', namespaceId: 'ns-a', topLevelWorkloadUid: 'gone', projectionId: 'host' },
  ],
};

const FAILING: Record<string, StoredCheck[]> = {
  clean: [],
  host: [check('hostNamespaces', 'hostNetwork=true'), check('hostPathVolumes')],
  sidecar: [check('privileged', 'container "mesh"'), check('capabilities_baseline')],
};

describe('findRejections', () => {
  const sut = findRejections(SNAPSHOT, (id) => FAILING[id] ?? []);

  it('rejects a workload whose template or any pod fails, ordered by namespace, kind and name', () => {
    expect(sut.map((r) => `${r.namespaceName}/${r.workload.kind}/${r.workload.name}`)).toEqual(['a/DaemonSet/agent', 'b/Deployment/web']);
  });

  it('tells a failing template from a failing pod (an injected sidecar), with the pods named and counted', () => {
    const web = sut.find((r) => r.workload.name === 'web')!;
    expect(web.templateChecks).toEqual([]);
    expect(web.rejectedPods.map((p) => p.name)).toEqual(['web-2']);
    expect(web.podCount).toBe(2);
    const agent = sut.find((r) => r.workload.name === 'agent')!;
    expect(agent.templateChecks.map((c) => c.id)).toEqual(['hostNamespaces', 'hostPathVolumes']);
    expect(agent.rejectedPods.map((p) => p.name)).toEqual(['agent-1']);
  });

  it('unites the checks once each, in upstream order', () => {
    expect(sut.find((r) => r.workload.name === 'web')!.checks.map((c) => c.id)).toEqual(['capabilities_baseline', 'privileged']);
  });

  it('rejects nothing when everything passes', () => {
    expect(findRejections(SNAPSHOT, () => [])).toEqual([]);
  });
});

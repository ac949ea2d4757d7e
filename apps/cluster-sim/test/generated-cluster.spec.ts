import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { evaluatePod } from '@ratchet/pss';

import { LABEL_STAGES, SYSTEM_NAMESPACES, startClusterSimulator, type ClusterSimulator } from '../src/index.js';

type Obj = ReturnType<ClusterSimulator['snapshot']>['objects']['pods'][number];
const spec = (o: Obj) => o.spec as { containers: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: unknown[]; template?: { spec: { containers: Array<{ name: string }> } } };

describe('cluster-sim: the generated cluster', () => {
  let sim: ClusterSimulator;
  let twin: ClusterSimulator;
  const options = { seed: 1234, namespaces: 40, pods: 600, startTime: '2026-11-30T00:00:00Z' };

  beforeAll(async () => {
    [sim, twin] = await Promise.all([startClusterSimulator(options), startClusterSimulator(options)]);
  });
  afterAll(async () => {
    await Promise.all([sim.stop(), twin.stop()]);
  });

  it('is deterministic: the same seed gives the same objects, and the same scenario and audit events', async () => {
    expect(JSON.stringify(twin.snapshot())).toBe(JSON.stringify(sim.snapshot()));
    const [a, b] = [await sim.advance(5 * 30_000), await twin.advance(5 * 30_000)];
    expect(b.changes).toEqual(a.changes);
    expect(JSON.stringify(twin.snapshot())).toBe(JSON.stringify(sim.snapshot()));
    expect(JSON.stringify(twin.auditRecords())).toBe(JSON.stringify(sim.auditRecords()));
    const other = await startClusterSimulator({ ...options, seed: 1235 });
    try {
      expect(JSON.stringify(other.snapshot().objects.pods)).not.toBe(JSON.stringify(twin.snapshot().objects.pods));
    } finally {
      await other.stop();
    }
  }, 30_000);

  it('has the requested size, the system namespaces, and team namespaces in every rollout stage', () => {
    const { objects, counts } = twin.snapshot();
    expect(counts.namespaces).toBe(40);
    expect(counts.pods).toBeGreaterThanOrEqual(600 * 0.9);
    expect(counts.pods).toBeLessThanOrEqual(600 * 1.2);
    const names = objects.namespaces.map((n) => n.metadata.name);
    for (const ns of SYSTEM_NAMESPACES) expect(names).toContain(ns);
    const psaLabels = (o: Obj) => Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => k.startsWith('pod-security.kubernetes.io/')));
    const teams = objects.namespaces.filter((n) => n.metadata.labels?.team);
    for (const [stage, labels] of Object.entries(LABEL_STAGES)) {
      expect({ stage, found: teams.some((n) => JSON.stringify(psaLabels(n)) === JSON.stringify(labels)) }).toEqual({ stage, found: true });
    }
    expect(psaLabels(objects.namespaces.find((n) => n.metadata.name === 'kube-system')!)).toEqual({ 'pod-security.kubernetes.io/enforce': 'privileged' });
  });

  it('never asks for a negative replica count, even at 10,000 pods where the pod budget runs out mid-namespace', async () => {
    const large = await startClusterSimulator({ seed: 42, namespaces: 300, pods: 10_000, startTime: '2026-11-30T00:00:00Z' });
    try {
      const { objects } = large.snapshot();
      const replicated = [...objects.deployments, ...objects.replicasets, ...objects.statefulsets, ...objects.replicationcontrollers];
      expect(replicated.filter((o) => (o.spec as { replicas: number }).replicas < 0).map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([]);
    } finally {
      await large.stop();
    }
  });

  it('builds real ownership chains with generateName pod names', () => {
    const { objects } = twin.snapshot();
    const byUid = new Map([...objects.replicasets, ...objects.deployments, ...objects.jobs, ...objects.cronjobs].map((o) => [o.metadata.uid, o]));
    const rsPod = objects.pods.find((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet')!;
    const rs = byUid.get(rsPod.metadata.ownerReferences![0]!.uid)!;
    expect(rsPod.metadata.name).toMatch(new RegExp(`^${rs.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    expect(byUid.get(rs.metadata.ownerReferences![0]!.uid)!.kind).toBe('Deployment');
    expect(rs.metadata.name).toBe(`${rs.metadata.ownerReferences![0]!.name}-${rs.metadata.labels!['pod-template-hash']}`);
    const jobPod = objects.pods.find((p) => {
      const job = p.metadata.ownerReferences?.[0]?.kind === 'Job' ? byUid.get(p.metadata.ownerReferences[0].uid) : undefined;
      return job?.metadata.ownerReferences?.[0]?.kind === 'CronJob';
    });
    expect(jobPod).toBeDefined();
    expect(objects.deployments.some((d) => (d.spec as { replicas: number }).replicas === 0)).toBe(true);
    for (const o of [...objects.pods, ...objects.deployments]) {
      expect(o.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Number(o.metadata.resourceVersion)).toBeGreaterThan(0);
    }
  });

  it('injects istio sidecars into pods only, and has ephemeral debug containers', () => {
    const { objects } = twin.snapshot();
    const injected = objects.pods.filter((p) => spec(p).containers.some((c) => c.name === 'istio-proxy') && p.metadata.namespace !== 'istio-system');
    expect(injected.length).toBeGreaterThan(0);
    for (const pod of injected) {
      expect(spec(pod).initContainers?.map((c) => c.name)).toContain('istio-init');
      const rs = objects.replicasets.find((r) => r.metadata.uid === pod.metadata.ownerReferences?.[0]?.uid);
      if (rs) expect(spec(rs).template!.spec.containers.map((c) => c.name)).not.toContain('istio-proxy');
    }
    expect(objects.pods.some((p) => (spec(p).ephemeralContainers ?? []).length > 0)).toBe(true);
  });

  it('covers every Pod Security check family (per the libs/pss evaluator) and a mix of levels', () => {
    const { objects } = twin.snapshot();
    const failing = new Set<string>();
    const levels = { restricted: 0, baseline: 0, privileged: 0 };
    for (const pod of objects.pods) {
      const input = { metadata: pod.metadata, spec: pod.spec } as unknown as Parameters<typeof evaluatePod>[0];
      const baseline = evaluatePod(input, 'baseline', 'v1.31');
      const restricted = evaluatePod(input, 'restricted', 'v1.31');
      for (const c of [...baseline.checks, ...restricted.checks]) failing.add(c.id);
      levels[restricted.allowed ? 'restricted' : baseline.allowed ? 'baseline' : 'privileged'] += 1;
    }
    for (const id of ['privileged', 'hostNamespaces', 'hostPathVolumes', 'capabilities_baseline', 'capabilities_restricted', 'runAsNonRoot', 'runAsUser', 'seccompProfile_baseline', 'seccompProfile_restricted', 'appArmorProfile', 'sysctls', 'procMount', 'hostPorts', 'restrictedVolumes', 'seLinuxOptions', 'allowPrivilegeEscalation']) {
      expect({ id, covered: failing.has(id) }).toEqual({ id, covered: true });
    }
    for (const count of Object.values(levels)) expect(count).toBeGreaterThan(30);
  });
});

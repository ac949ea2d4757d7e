import { PATHS } from './cluster-fixtures.js';
import type { FakeKubeApiServer } from './fake-kube-apiserver.js';
import type { RatchetApiProcess } from './ratchet-api.process.js';

const WORKLOAD_KINDS: Record<string, string> = {
  [PATHS.deployments]: 'Deployment',
  [PATHS.replicasets]: 'ReplicaSet',
  [PATHS.statefulsets]: 'StatefulSet',
  [PATHS.daemonsets]: 'DaemonSet',
  [PATHS.jobs]: 'Job',
  [PATHS.cronjobs]: 'CronJob',
  [PATHS.replicationcontrollers]: 'ReplicationController',
};

/** What the API stores for a cluster: live namespaces, workloads and pods, by uid. */
export async function storedInventory(api: RatchetApiProcess, clusterId: string) {
  const ns = await api.query<{ uid: string; name: string; enforce_level: string | null }>(
    'SELECT uid::text, name, enforce_level FROM namespaces WHERE cluster_id = $1 AND deleted_at IS NULL ORDER BY uid',
    [clusterId],
  );
  const workloads = await api.query<{ uid: string; kind: string; pod_count: number; replicas: number | null }>(
    'SELECT uid::text, kind::text, pod_count, replicas FROM workloads WHERE cluster_id = $1 AND deleted_at IS NULL ORDER BY uid',
    [clusterId],
  );
  const pods = await api.query<{ uid: string; workload_uid: string; phase: string }>(
    'SELECT uid::text, workload_uid::text, phase::text FROM pods WHERE cluster_id = $1 ORDER BY uid',
    [clusterId],
  );
  return { ns, workloads, pods };
}

/** The cluster as the fake API server holds it, in the same shape. */
export function clusterInventory(kube: FakeKubeApiServer) {
  const sort = <T extends { uid: string }>(items: T[]) => items.sort((a, b) => a.uid.localeCompare(b.uid));
  const controllers = Object.entries(WORKLOAD_KINDS).flatMap(([path, kind]) => kube.list(path).map((object) => ({ ...object, kind })));
  const controllerUids = new Set(controllers.map((c) => c.metadata.uid));
  const pods = kube.list(PATHS.pods);
  const barePods = pods.filter((p) => !(p.metadata.ownerReferences as { uid: string }[] | undefined)?.some((o) => controllerUids.has(o.uid)));
  return {
    ns: sort(kube.list(PATHS.namespaces).map((n) => ({ uid: n.metadata.uid, name: n.metadata.name }))),
    workloads: sort([...controllers.map((c) => ({ uid: c.metadata.uid, kind: c.kind })), ...barePods.map((p) => ({ uid: p.metadata.uid, kind: 'Pod' }))]),
    pods: sort(pods.map((p) => ({ uid: p.metadata.uid }))),
  };
}

/** True when the API holds exactly the cluster's namespaces, workloads and pods (by uid). */
export async function apiMatchesCluster(api: RatchetApiProcess, clusterId: string, kube: FakeKubeApiServer): Promise<boolean> {
  const [have, want] = [await storedInventory(api, clusterId), clusterInventory(kube)];
  return (
    JSON.stringify(have.ns.map(({ uid, name }) => ({ uid, name }))) === JSON.stringify(want.ns) &&
    JSON.stringify(have.workloads.map(({ uid, kind }) => ({ uid, kind }))) === JSON.stringify(want.workloads) &&
    JSON.stringify(have.pods.map(({ uid }) => ({ uid }))) === JSON.stringify(want.pods)
  );
}

import type { SeededRandom } from '../random/seeded-random.js';
import type { AuditUser, ClusterBuilder } from './cluster-builder.js';
import { SYSTEM_SHAPES, TEAM_SHAPES, type WorkloadShape } from './workload-shapes.js';

/** The rollout stages a team namespace can be in; every stage appears in every generated cluster of >= 13 namespaces. */
export const LABEL_STAGES = {
  none: {},
  'audit-warn-restricted': { 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' },
  'enforce-baseline': {
    'pod-security.kubernetes.io/enforce': 'baseline',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  },
  'enforce-restricted': {
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  },
  pinned: {
    'pod-security.kubernetes.io/enforce': 'baseline',
    'pod-security.kubernetes.io/enforce-version': 'v1.28',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'v1.28',
  },
  // A typo'd level: PSA fails closed for enforce (restricted) and reports the label error.
  invalid: { 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/audit': 'restricted' },
} as const satisfies Record<string, Record<string, string>>;

export type LabelStage = keyof typeof LABEL_STAGES;
export const STAGE_ORDER: readonly LabelStage[] = ['none', 'audit-warn-restricted', 'enforce-baseline', 'enforce-restricted'];

const TEAMS = [
  'payments', 'checkout', 'search', 'catalog', 'identity', 'billing', 'ledger', 'notifications', 'analytics', 'recommendations',
  'media', 'shipping', 'inventory', 'fraud', 'support', 'growth', 'data-platform', 'ml-serving', 'reporting', 'gateway',
];
const ENVIRONMENTS = ['prod', 'staging', 'dev', 'qa', 'perf', 'sandbox'];
const APP_WORDS = ['api', 'web', 'worker', 'consumer', 'scheduler', 'cache', 'indexer', 'exporter', 'sync', 'router', 'ingest', 'renderer'];

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'ingress-nginx', 'istio-system', 'monitoring'] as const;

export interface GenerateOptions {
  namespaces: number;
  pods: number;
  nodes: number;
}

/** Who created the generated workloads: people and CI, as the audit log would name them. */
export const TEAM_USERS: readonly AuditUser[] = [
  { username: 'system:serviceaccount:argocd:argocd-application-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated'] },
  { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] },
  { username: 'alice@example.com', groups: ['platform-admins', 'system:authenticated'] },
  { username: 'bob@example.com', groups: ['team-payments', 'system:authenticated'] },
];

export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `node-${String(i + 1).padStart(3, '0')}`);
}

/**
 * Generates the cluster: system namespaces with their real add-ons (kube-proxy, a CNI, CoreDNS, ingress-nginx,
 * istio, node-exporter and Prometheus), then team namespaces in every rollout stage, filled with a mix of
 * compliant, baseline-only and privileged workloads of every pod-bearing kind until the pod budget is spent.
 */
export function generateCluster(builder: ClusterBuilder, random: SeededRandom, options: GenerateOptions): void {
  const admin = TEAM_USERS[2]!;
  const system = {
    default: {},
    'kube-system': { 'pod-security.kubernetes.io/enforce': 'privileged' },
    'kube-public': {},
    'kube-node-lease': {},
    'ingress-nginx': { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' },
    'istio-system': { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/audit': 'baseline' },
    monitoring: { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/warn': 'baseline' },
  } satisfies Record<(typeof SYSTEM_NAMESPACES)[number], Record<string, string>>;
  for (const [name, labels] of Object.entries(system)) builder.createNamespace(name, labels);

  const small = options.pods < 100;
  builder.createDaemonSet('kube-system', 'kube-proxy', 'system', SYSTEM_SHAPES.kubeProxy(), admin);
  builder.createDaemonSet('kube-system', 'cilium', 'system', SYSTEM_SHAPES.cni(), admin);
  builder.createDeployment('kube-system', 'coredns', 'system', SYSTEM_SHAPES.coredns(), 2, admin);
  builder.createDeployment('kube-system', 'metrics-server', 'system', SYSTEM_SHAPES.metricsServer(), 1, admin);
  builder.createDeployment('ingress-nginx', 'ingress-nginx-controller', 'system', SYSTEM_SHAPES.ingressController(), small ? 1 : 2, admin);
  builder.createJob('ingress-nginx', 'ingress-nginx-admission-create', 'system', SYSTEM_SHAPES.ingressAdmissionJob(), admin);
  builder.createDeployment('istio-system', 'istiod', 'system', SYSTEM_SHAPES.istiod(), small ? 1 : 2, admin);
  builder.createDeployment('istio-system', 'istio-ingressgateway', 'system', SYSTEM_SHAPES.ingressGateway(), small ? 1 : 3, admin);
  builder.createDaemonSet('istio-system', 'istio-cni-node', 'system', SYSTEM_SHAPES.istioCni(), admin);
  builder.createDaemonSet('monitoring', 'prometheus-node-exporter', 'system', SYSTEM_SHAPES.nodeExporter(), admin);
  builder.createStatefulSet('monitoring', 'prometheus-k8s', 'system', SYSTEM_SHAPES.prometheus(), small ? 1 : 2, admin);
  builder.createDeployment('monitoring', 'grafana', 'system', SYSTEM_SHAPES.grafana(), 1, admin);

  const teamNamespaceCount = Math.max(0, options.namespaces - SYSTEM_NAMESPACES.length);
  const stages = Object.keys(LABEL_STAGES) as LabelStage[];
  const teamNamespaces: string[] = [];
  for (let i = 0; i < teamNamespaceCount; i++) {
    const team = TEAMS[i % TEAMS.length]!;
    const env = ENVIRONMENTS[Math.floor(i / TEAMS.length) % ENVIRONMENTS.length]!;
    const round = Math.floor(i / (TEAMS.length * ENVIRONMENTS.length));
    const name = `${team}-${env}${round ? `-${round + 1}` : ''}`;
    // The first namespaces walk through every stage so even a small cluster has each one; then at random.
    const stage = i < stages.length * 2 ? stages[i % stages.length]! : random.pick(stages);
    const labels: Record<string, string> = { ...LABEL_STAGES[stage], team };
    if (random.chance(0.5)) labels['istio-injection'] = 'enabled';
    builder.createNamespace(name, labels);
    teamNamespaces.push(name);
  }
  if (teamNamespaces.length === 0) return;

  let remaining = Math.max(0, options.pods - builder.podCount());
  const perNamespace = Math.max(1, Math.ceil(remaining / teamNamespaces.length));
  const totalWeight = TEAM_SHAPES.reduce((sum, shape) => sum + shape.weight, 0);
  const pickShape = (): WorkloadShape => {
    let roll = random.int(1, totalWeight);
    for (const shape of TEAM_SHAPES) {
      roll -= shape.weight;
      if (roll <= 0) return shape;
    }
    return TEAM_SHAPES[0]!;
  };
  const usedNames = new Set<string>();
  for (const namespace of teamNamespaces) {
    // Every namespace gets at least one workload even when the pod budget is spent (a CronJob or bare pod may
    // overshoot it), and a controller never asks for fewer than one replica: the apiserver rejects negative counts.
    let budget = Math.min(perNamespace, remaining);
    let index = 0;
    while (budget > 0 || index === 0) {
      index += 1;
      const shape = pickShape();
      let app = `${random.pick(APP_WORDS)}`;
      if (usedNames.has(`${namespace}/${app}`)) app = `${app}-${index}`;
      usedNames.add(`${namespace}/${app}`);
      const template = shape.template(app);
      const user = random.pick(TEAM_USERS);
      const roll = random.int(1, 100);
      let created = 0;
      if (roll <= 52) {
        const replicas = Math.max(1, Math.min(budget, random.int(1, 6)));
        builder.createDeployment(namespace, app, shape.id, template, replicas, user);
        created = replicas;
      } else if (roll <= 60) {
        builder.createDeployment(namespace, `${app}-canary`, shape.id, template, 0, user); // scaled to zero
      } else if (roll <= 70) {
        const replicas = Math.max(1, Math.min(budget, random.int(1, 3)));
        builder.createStatefulSet(namespace, app, shape.id, template, replicas, user);
        created = replicas;
      } else if (roll <= 84) {
        builder.createCronJob(namespace, `${app}-nightly`, shape.id, template, `${random.int(0, 59)} ${random.int(0, 5)} * * *`, user);
        builder.runCronJob(namespace, `${app}-nightly`);
        created = 1;
      } else if (roll <= 88) {
        builder.createJob(namespace, `${app}-migrate-${random.kubeSuffix(5)}`, shape.id, template, user);
        created = 1;
      } else if (roll <= 96) {
        builder.createBarePod(namespace, `${app}-debug`, shape.id, template, user);
        created = 1;
      } else {
        const replicas = Math.max(1, Math.min(budget, random.int(1, 2)));
        builder.createReplicationController(namespace, `${app}-legacy`, shape.id, template, replicas, user);
        created = replicas;
      }
      budget -= created;
      remaining -= created;
      if (index > 500) break;
    }
  }
}

// A seeded generator of Deployment-shaped pod templates as teams actually write them: mostly compliant,
// some missing the restricted settings, a few needing host access. Deterministic so runs compare.
import type { Container, PodLike, Volume } from '@ratchet/pss';

/** mulberry32: a seeded PRNG, so benchmark inputs are the same on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IMAGES = ['nginx:1.27', 'ghcr.io/acme/api:4.2.1', 'redis:7', 'quay.io/prometheus/node-exporter:v1.8.2', 'envoyproxy/envoy:v1.31'];

function container(name: string, rng: () => number, hardened: boolean): Container {
  const result: Container = {
    name,
    image: IMAGES[Math.floor(rng() * IMAGES.length)]!,
    args: ['--config=/etc/app/config.yaml', '--log-level=info'],
    env: [
      { name: 'LOG_FORMAT', value: 'json' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } },
    ],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 10 },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app' }, { name: 'tmp', mountPath: '/tmp' }],
  };
  if (hardened) {
    result.securityContext = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    };
  }
  return result;
}

export function realisticPods(count: number, seed: number): PodLike[] {
  const rng = random(seed);
  const pods: PodLike[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rng();
    // 80% restricted-compliant, 15% default (baseline), 5% needing host access.
    const hardened = roll < 0.8;
    const host = roll >= 0.95;
    const containers = [container('app', rng, hardened)];
    if (rng() < 0.3) containers.push(container('sidecar', rng, hardened));
    const volumes: Volume[] = [
      { name: 'config', configMap: { name: `app-${i}` } },
      { name: 'tmp', emptyDir: {} },
    ];
    if (rng() < 0.5) volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } });
    if (host) volumes.push({ name: 'host-logs', hostPath: { path: '/var/log', type: 'Directory' } });
    const pod: PodLike = {
      metadata: {
        labels: { 'app.kubernetes.io/name': `app-${i}`, 'app.kubernetes.io/part-of': 'shop' },
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' },
      },
      spec: {
        serviceAccountName: `app-${i}`,
        terminationGracePeriodSeconds: 30,
        containers,
        volumes,
        ...(rng() < 0.2 ? { initContainers: [container('migrate', rng, hardened)] } : {}),
        ...(hardened ? { securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } } } : {}),
        ...(host ? { hostNetwork: true } : {}),
      },
    };
    pods.push(pod);
  }
  return pods;
}

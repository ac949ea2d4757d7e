/**
 * Pod templates of the generated cluster: real images and the security settings those workloads really
 * ship with. Between them they exercise every Pod Security check family: privileged, host namespaces,
 * hostPath, capabilities, runAsNonRoot/runAsUser, seccomp, AppArmor annotations, SELinux, sysctls,
 * procMount, hostPorts and restricted volume types.
 */

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown> & { containers: Container[] };
}

export interface Container {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number; hostPort?: number; protocol: 'TCP' | 'UDP' }>;
  securityContext?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The strictest Pod Security level a shape passes. */
export type ShapeProfile = 'restricted' | 'baseline' | 'privileged';

export interface WorkloadShape {
  id: string;
  profile: ShapeProfile;
  /** Relative frequency among team workloads (0: system namespaces only). */
  weight: number;
  template(app: string): PodTemplate;
}

const restrictedContainer = (name: string, image: string, port?: number): Container => ({
  name,
  image,
  ...(port ? { ports: [{ name: 'http', containerPort: port, protocol: 'TCP' as const }] } : {}),
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
  securityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  },
});

const plainContainer = (name: string, image: string, port?: number): Container => ({
  name,
  image,
  ...(port ? { ports: [{ name: 'http', containerPort: port, protocol: 'TCP' as const }] } : {}),
  resources: { requests: { cpu: '100m', memory: '128Mi' } },
});

const labels = (app: string) => ({ 'app.kubernetes.io/name': app, app });

const restrictedPodSecurity = { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } };

export const TEAM_SHAPES: readonly WorkloadShape[] = [
  {
    id: 'restricted-web', profile: 'restricted', weight: 30,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        securityContext: restrictedPodSecurity,
        containers: [restrictedContainer(app, `ghcr.io/acme/${app}:1.14.2`, 8080)],
        volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'config', configMap: { name: `${app}-config` } }],
      },
    }),
  },
  {
    id: 'restricted-worker', profile: 'restricted', weight: 12,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        securityContext: { ...restrictedPodSecurity, seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/worker.json' } },
        containers: [restrictedContainer('worker', `ghcr.io/acme/${app}:2.3.0`)],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `${app}-data` } }, { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
      },
    }),
  },
  {
    id: 'defaults-only', profile: 'baseline', weight: 25,
    template: (app) => ({ metadata: { labels: labels(app) }, spec: { containers: [plainContainer(app, `docker.io/library/nginx:1.27`, 80)] } }),
  },
  {
    id: 'runs-as-root', profile: 'baseline', weight: 6,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ ...restrictedContainer(app, `docker.io/library/postgres:16`, 5432), securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: false } }],
      },
    }),
  },
  {
    id: 'nfs-share', profile: 'baseline', weight: 3,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        securityContext: restrictedPodSecurity,
        containers: [restrictedContainer(app, `ghcr.io/acme/${app}:0.9.1`)],
        volumes: [{ name: 'shared', nfs: { server: 'filer.internal', path: '/exports/shared' } }, { name: 'cache', emptyDir: {} }],
      },
    }),
  },
  {
    id: 'net-bind', profile: 'baseline', weight: 3,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        containers: [{ ...plainContainer(app, 'docker.io/library/haproxy:3.0', 443), securityContext: { capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } } }],
      },
    }),
  },
  {
    id: 'seccomp-unconfined', profile: 'privileged', weight: 2,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
        containers: [restrictedContainer(app, `ghcr.io/acme/${app}:3.1.0`, 9090)],
      },
    }),
  },
  {
    id: 'apparmor-unconfined', profile: 'privileged', weight: 2,
    template: (app) => ({
      metadata: { labels: labels(app), annotations: { [`container.apparmor.security.beta.kubernetes.io/${app}`]: 'unconfined' } },
      spec: { securityContext: restrictedPodSecurity, containers: [restrictedContainer(app, `ghcr.io/acme/${app}:1.0.4`)] },
    }),
  },
  {
    id: 'host-port', profile: 'privileged', weight: 2,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: { containers: [{ ...plainContainer(app, 'docker.io/library/envoy:v1.31', 8443), ports: [{ name: 'https', containerPort: 8443, hostPort: 8443, protocol: 'TCP' }] }] },
    }),
  },
  {
    id: 'net-admin', profile: 'privileged', weight: 2,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: { containers: [{ ...plainContainer(app, 'ghcr.io/acme/vpn-gateway:4.2'), securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } } }] },
    }),
  },
  {
    id: 'host-logs', profile: 'privileged', weight: 2,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        containers: [{ ...plainContainer(app, 'docker.io/fluent/fluent-bit:3.1'), volumeMounts: [{ name: 'varlog', mountPath: '/var/log', readOnly: true }] }],
        volumes: [{ name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } }],
      },
    }),
  },
  {
    id: 'docker-in-docker', profile: 'privileged', weight: 2,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        containers: [
          { ...plainContainer('runner', 'ghcr.io/actions/actions-runner:2.320.0') },
          { ...plainContainer('dind', 'docker.io/library/docker:27-dind'), securityContext: { privileged: true } },
        ],
        volumes: [{ name: 'work', emptyDir: {} }],
      },
    }),
  },
  {
    id: 'tuned-sysctls', profile: 'privileged', weight: 1,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'net.core.somaxconn', value: '4096' }, { name: 'kernel.msgmax', value: '65536' }] },
        containers: [plainContainer(app, 'docker.io/library/redis:7.4', 6379)],
      },
    }),
  },
  {
    id: 'unmasked-proc', profile: 'privileged', weight: 1,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        hostUsers: false,
        containers: [{ ...plainContainer('builder', 'quay.io/buildah/stable:v1.37'), securityContext: { procMount: 'Unmasked', runAsUser: 1000 } }],
      },
    }),
  },
  {
    id: 'selinux-spc', profile: 'privileged', weight: 1,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: {
        securityContext: { seLinuxOptions: { type: 'spc_t' } },
        containers: [plainContainer(app, 'registry.access.redhat.com/ubi9/ubi:9.4')],
      },
    }),
  },
  {
    id: 'selinux-user-only', profile: 'privileged', weight: 1,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: { containers: [{ ...plainContainer(app, 'registry.access.redhat.com/ubi9/ubi-minimal:9.4'), securityContext: { seLinuxOptions: { user: 'system_u', role: 'system_r' } } }] },
    }),
  },
  {
    id: 'host-network', profile: 'privileged', weight: 1,
    template: (app) => ({
      metadata: { labels: labels(app) },
      spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet', containers: [plainContainer(app, 'ghcr.io/acme/node-probe:1.2', 9100)] },
    }),
  },
];

/** System workloads, by the namespace they live in, with the settings their upstream charts ship. */
export const SYSTEM_SHAPES = {
  kubeProxy: (): PodTemplate => ({
    metadata: { labels: { 'k8s-app': 'kube-proxy' } },
    spec: {
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.4', securityContext: { privileged: true }, volumeMounts: [{ name: 'lib-modules', mountPath: '/lib/modules', readOnly: true }] }],
      volumes: [{ name: 'lib-modules', hostPath: { path: '/lib/modules' } }, { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } }],
    },
  }),
  cni: (): PodTemplate => ({
    metadata: { labels: { 'k8s-app': 'cilium' } },
    spec: {
      hostNetwork: true,
      hostPID: false,
      initContainers: [{ name: 'mount-cgroup', image: 'quay.io/cilium/cilium:v1.16.3', securityContext: { capabilities: { add: ['SYS_ADMIN', 'SYS_CHROOT', 'SYS_PTRACE'], drop: ['ALL'] }, seLinuxOptions: { type: 'spc_t', level: 's0' } } }],
      containers: [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.3', securityContext: { capabilities: { add: ['CHOWN', 'KILL', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'SYS_MODULE', 'SYS_ADMIN', 'SYS_RESOURCE'], drop: ['ALL'] }, seLinuxOptions: { type: 'spc_t', level: 's0' } } }],
      volumes: [{ name: 'bpf-maps', hostPath: { path: '/sys/fs/bpf', type: 'DirectoryOrCreate' } }, { name: 'cni-path', hostPath: { path: '/opt/cni/bin', type: 'DirectoryOrCreate' } }],
    },
  }),
  coredns: (): PodTemplate => ({
    metadata: { labels: { 'k8s-app': 'kube-dns' } },
    spec: {
      containers: [{
        name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3',
        ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
      }],
      volumes: [{ name: 'config-volume', configMap: { name: 'coredns' } }],
    },
  }),
  metricsServer: (): PodTemplate => ({
    metadata: { labels: { 'k8s-app': 'metrics-server' } },
    spec: {
      containers: [{ name: 'metrics-server', image: 'registry.k8s.io/metrics-server/metrics-server:v0.7.2', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } }],
      volumes: [{ name: 'tmp-dir', emptyDir: {} }],
    },
  }),
  ingressController: (): PodTemplate => ({
    metadata: { labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
    spec: {
      containers: [{
        name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.11.3',
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }, { name: 'https', containerPort: 443, protocol: 'TCP' }],
        securityContext: { allowPrivilegeEscalation: true, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 101, seccompProfile: { type: 'RuntimeDefault' } },
      }],
    },
  }),
  ingressAdmissionJob: (): PodTemplate => ({
    metadata: { labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'admission-webhook' } },
    spec: {
      restartPolicy: 'OnFailure',
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'create', image: 'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true } }],
    },
  }),
  istiod: (): PodTemplate => ({
    metadata: { labels: { app: 'istiod', istio: 'pilot' } },
    spec: {
      securityContext: { fsGroup: 1337 },
      containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.23.2', ports: [{ containerPort: 15010, protocol: 'TCP' }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1337 } }],
    },
  }),
  istioCni: (): PodTemplate => ({
    metadata: { labels: { 'k8s-app': 'istio-cni-node' } },
    spec: {
      hostNetwork: true,
      containers: [{ name: 'install-cni', image: 'docker.io/istio/install-cni:1.23.2', securityContext: { privileged: true, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false } }],
      volumes: [{ name: 'cni-bin-dir', hostPath: { path: '/opt/cni/bin' } }, { name: 'cni-net-dir', hostPath: { path: '/etc/cni/net.d' } }],
    },
  }),
  ingressGateway: (): PodTemplate => ({
    metadata: { labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1337, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
      containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.23.2', ports: [{ containerPort: 8080, protocol: 'TCP' }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true } }],
    },
  }),
  nodeExporter: (): PodTemplate => ({
    metadata: { labels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' } },
    spec: {
      hostNetwork: true,
      hostPID: true,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 },
      containers: [{
        name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2',
        ports: [{ name: 'metrics', containerPort: 9100, hostPort: 9100, protocol: 'TCP' }],
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
        volumeMounts: [{ name: 'proc', mountPath: '/host/proc', readOnly: true }, { name: 'sys', mountPath: '/host/sys', readOnly: true }, { name: 'root', mountPath: '/host/root', readOnly: true }],
      }],
      volumes: [{ name: 'proc', hostPath: { path: '/proc' } }, { name: 'sys', hostPath: { path: '/sys' } }, { name: 'root', hostPath: { path: '/' } }],
    },
  }),
  prometheus: (): PodTemplate => ({
    metadata: { labels: { 'app.kubernetes.io/name': 'prometheus' } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        { name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.54.1', ports: [{ name: 'web', containerPort: 9090, protocol: 'TCP' }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true } },
        { name: 'config-reloader', image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.77.1', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } },
      ],
      volumes: [{ name: 'prometheus-db', persistentVolumeClaim: { claimName: 'prometheus-db' } }],
    },
  }),
  grafana: (): PodTemplate => ({
    metadata: { labels: { 'app.kubernetes.io/name': 'grafana' } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 472, fsGroup: 472, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'grafana', image: 'docker.io/grafana/grafana:11.2.2', ports: [{ containerPort: 3000, protocol: 'TCP' }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      volumes: [{ name: 'storage', emptyDir: {} }],
    },
  }),
} as const;

/** The istio sidecar injector's additions: present in pods, absent from their templates. */
export const ISTIO_SIDECAR = {
  initContainer: (): Container => ({
    name: 'istio-init',
    image: 'docker.io/istio/proxyv2:1.23.2',
    args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337'],
    securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 },
  }),
  proxy: (): Container => ({
    name: 'istio-proxy',
    image: 'docker.io/istio/proxyv2:1.23.2',
    ports: [{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }],
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 },
  }),
};

/** `kubectl debug --profile=general`'s ephemeral container: it adds SYS_PTRACE. */
export function debugContainer(suffix: string, target: string): Container {
  return { name: `debugger-${suffix}`, image: 'docker.io/library/busybox:1.36', stdin: true, tty: true, targetContainerName: target, securityContext: { capabilities: { add: ['SYS_PTRACE'] } } };
}

/** The template a team ships after fixing a workload: every container hardened to restricted. */
export function hardenTemplate(template: PodTemplate): PodTemplate {
  const annotations = Object.fromEntries(
    Object.entries(template.metadata.annotations ?? {}).filter(([key]) => !key.startsWith('container.apparmor.security.beta.kubernetes.io/')),
  );
  const { hostNetwork: _n, hostPID: _p, hostIPC: _i, hostUsers: _u, securityContext: _sc, volumes, initContainers, containers, ...rest } = template.spec;
  const harden = (c: Container): Container => ({
    ...c,
    ...(c.ports ? { ports: c.ports.map(({ hostPort: _h, ...port }) => port) } : {}),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
  });
  const safeVolumes = ((volumes as Array<Record<string, unknown> & { name: string }> | undefined) ?? []).map((v) =>
    v.hostPath !== undefined || v.nfs !== undefined ? { name: v.name, emptyDir: {} } : v,
  );
  return {
    metadata: { labels: { ...template.metadata.labels }, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      ...rest,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      ...(initContainers ? { initContainers: (initContainers as Container[]).map(harden) } : {}),
      containers: containers.map(harden),
      ...(safeVolumes.length ? { volumes: safeVolumes } : {}),
    },
  };
}

/** Regressions teams introduce: each makes a compliant template fail baseline. */
export const REGRESSIONS: ReadonlyArray<{ id: string; apply(template: PodTemplate): PodTemplate }> = [
  { id: 'privileged', apply: (t) => mapFirstContainer(t, (c) => ({ ...c, securityContext: { ...(c.securityContext ?? {}), privileged: true } })) },
  { id: 'hostPath', apply: (t) => ({ ...t, spec: { ...t.spec, volumes: [...((t.spec.volumes as unknown[]) ?? []), { name: 'docker-sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } }] } }) },
  { id: 'capabilities', apply: (t) => mapFirstContainer(t, (c) => ({ ...c, securityContext: { ...(c.securityContext ?? {}), capabilities: { add: ['SYS_ADMIN'] } } })) },
  { id: 'hostNetwork', apply: (t) => ({ ...t, spec: { ...t.spec, hostNetwork: true } }) },
];

function mapFirstContainer(template: PodTemplate, map: (c: Container) => Container): PodTemplate {
  const [first, ...others] = template.spec.containers;
  return { ...template, spec: { ...template.spec, containers: [map(first!), ...others] } };
}

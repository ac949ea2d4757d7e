import { PssInputError } from '../api/level.js';
import type { PodLike } from '../api/pod.types.js';
import type { CheckId } from '../policy/check.types.js';
import { CHECK_IDS } from '../policy/registry.js';
import type { Remediation } from './remediation.types.js';

// Snippets sit at column 0 so that what is written here is exactly the YAML a reader copies.
const BY_CHECK: { readonly [Id in CheckId]: Remediation } = {
  appArmorProfile: {
    checkId: 'appArmorProfile',
    title: 'AppArmor',
    what:
      'Remove `appArmorProfile.type: Unconfined` from the pod and its containers and use `RuntimeDefault`, or ' +
      '`Localhost` with a profile loaded on every node. Replace legacy ' +
      '`container.apparmor.security.beta.kubernetes.io/<container>` annotations with the securityContext field.',
    why:
      'An unconfined container loses the mandatory access control that limits its file, mount and network access ' +
      'once it is compromised.',
    snippet: `spec:
  securityContext:
    appArmorProfile:
      type: RuntimeDefault
`,
    automatic: false,
  },
  capabilities_baseline: {
    checkId: 'capabilities_baseline',
    title: 'Capabilities (baseline)',
    what:
      'Remove from `capabilities.add` everything outside the runtime default set: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, ' +
      'FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT. Names match ' +
      'exactly: no `CAP_` prefix, upper case. A workload that really needs e.g. NET_ADMIN or SYS_ADMIN belongs in a ' +
      'namespace with a privileged policy.',
    why:
      'Capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE are close to root on the node: they allow mounts, ' +
      'network reconfiguration or tracing other processes.',
    snippet: `spec:
  containers:
    - name: app
      securityContext:
        capabilities:
          drop: [ALL]
          add: [NET_BIND_SERVICE]
`,
    automatic: false,
  },
  hostNamespaces: {
    checkId: 'hostNamespaces',
    title: 'Host Namespaces',
    what:
      'Remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to false). Reach the pod through a Service ' +
      'instead of the node network; node agents that need host namespaces belong in a namespace with a privileged ' +
      'policy.',
    why:
      "Host namespaces let the pod see and interfere with the node's processes, shared memory and network " +
      'traffic, including those of the kubelet and other pods.',
    snippet: `spec:
  hostNetwork: false
  hostPID: false
  hostIPC: false
`,
    automatic: false,
  },
  hostPathVolumes: {
    checkId: 'hostPathVolumes',
    title: 'HostPath Volumes',
    what:
      'Replace each `hostPath` volume: `emptyDir` for scratch space, a `persistentVolumeClaim` for data, ' +
      '`configMap`, `secret` or `projected` for configuration. Node agents that must read the host filesystem ' +
      'belong in a namespace with a privileged policy.',
    why:
      "A hostPath volume exposes the node's filesystem to the pod; a writable one, or one on the container " +
      'runtime socket, is a direct path to taking over the node.',
    snippet: `spec:
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: app-data
`,
    automatic: false,
  },
  hostPorts: {
    checkId: 'hostPorts',
    title: 'Host Ports',
    what:
      'Remove `hostPort` from container ports and reach the pod through a Service (NodePort or LoadBalancer if it ' +
      'must be reachable from outside the cluster).',
    why:
      "A hostPort binds the pod to a port on the node's address, outside the Service model, and allows only one " +
      'such pod per node.',
    snippet: `spec:
  containers:
    - name: app
      ports:
        - containerPort: 8080
`,
    automatic: false,
  },
  hostProbesAndHostLifecycle: {
    checkId: 'hostProbesAndHostLifecycle',
    title: 'Host Probes / Lifecycle Hooks',
    what:
      "Remove `host` from probe and lifecycle `httpGet` and `tcpSocket` handlers so the kubelet targets the pod's " +
      'own IP. A check that needs another endpoint belongs in the app, or in an `exec` or `grpc` probe.',
    why:
      'The kubelet sends probe and hook requests from the node, so a custom host lets a pod author reach addresses ' +
      'the pod itself cannot.',
    snippet: `spec:
  containers:
    - name: app
      livenessProbe:
        httpGet:
          path: /healthz
          port: 8080
`,
    automatic: false,
  },
  privileged: {
    checkId: 'privileged',
    title: 'Privileged Containers',
    what:
      'Remove `privileged: true`. Grant only what the app needs instead (a specific capability, a device through a ' +
      'device plugin), or move the workload (CNI, storage, device agents) to a namespace with a privileged policy.',
    why: 'A privileged container has every capability and all host devices; escaping to the node is trivial.',
    snippet: `spec:
  containers:
    - name: app
      securityContext:
        privileged: false
`,
    automatic: false,
  },
  procMount: {
    checkId: 'procMount',
    title: '/proc Mount Type',
    what:
      'Remove `procMount: Unmasked` or set `Default`. Only nested container runtimes need an unmasked /proc; from ' +
      'v1.35 baseline allows it in pods with `hostUsers: false`.',
    why: 'The default masks /proc paths that leak host information or let the container change kernel settings.',
    snippet: `spec:
  containers:
    - name: app
      securityContext:
        procMount: Default
`,
    automatic: false,
  },
  seLinuxOptions: {
    checkId: 'seLinuxOptions',
    title: 'SELinux',
    what:
      'Remove `seLinuxOptions.user` and `role`, and leave `type` unset or use `container_t`, `container_init_t`, ' +
      '`container_kvm_t` (or `container_engine_t` from v1.31). `level` (the MCS label) may stay.',
    why:
      'A custom SELinux user, role or type such as `spc_t` lifts the confinement that keeps a container away from ' +
      "the host's files and processes.",
    snippet: `spec:
  securityContext:
    seLinuxOptions:
      type: container_t
`,
    automatic: false,
  },
  seccompProfile_baseline: {
    checkId: 'seccompProfile_baseline',
    title: 'Seccomp (baseline)',
    what:
      'Do not set a seccomp profile of type `Unconfined`. Before v1.19 the check reads only the annotations ' +
      '`seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/<container>`, ' +
      'which must be `runtime/default`, `docker/default` or `localhost/<profile>`; from v1.19 it reads only the ' +
      'securityContext field.',
    why:
      'Unconfined seccomp lets the container make any system call, including the rarely used ones behind most ' +
      'kernel escapes.',
    snippet: `spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
`,
    automatic: false,
  },
  sysctls: {
    checkId: 'sysctls',
    title: 'Sysctls',
    what:
      'Remove sysctls outside the safe set (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, ' +
      'net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, and from later ' +
      'versions more net.ipv4 TCP settings). A kernel setting the workload truly needs is node configuration, not ' +
      'a pod field.',
    why:
      'Unsafe sysctls are either not namespaced, so they change the whole node, or can exhaust kernel resources ' +
      'shared with other pods.',
    snippet: `spec:
  securityContext:
    sysctls:
      - name: net.ipv4.ip_local_port_range
        value: "1024 65535"
`,
    automatic: false,
  },
  windowsHostProcess: {
    checkId: 'windowsHostProcess',
    title: 'HostProcess',
    what:
      'Remove `windowsOptions.hostProcess: true` from the pod and its containers. HostProcess containers are node ' +
      'agents (log shippers, CNI, storage) and belong in a namespace with a privileged policy.',
    why:
      "A HostProcess container runs directly on the Windows host with the host's network and filesystem: the " +
      'Windows equivalent of privileged.',
    snippet: `spec:
  securityContext:
    windowsOptions:
      hostProcess: false
`,
    automatic: false,
  },
  allowPrivilegeEscalation: {
    checkId: 'allowPrivilegeEscalation',
    title: 'Privilege Escalation',
    what:
      'Set `allowPrivilegeEscalation: false` on every container; unset counts as allowed. The API server rejects ' +
      'it together with `privileged: true` or an added `CAP_SYS_ADMIN`, so remove those first.',
    why:
      'It sets no_new_privs, so setuid binaries and file capabilities cannot give a process more privileges than ' +
      'it started with.',
    snippet: `spec:
  containers:
    - name: app
      securityContext:
        allowPrivilegeEscalation: false
`,
    automatic: true,
  },
  capabilities_restricted: {
    checkId: 'capabilities_restricted',
    title: 'Capabilities (restricted)',
    what:
      'Set `capabilities.drop: [ALL]` on every container. Restricted allows adding back only `NET_BIND_SERVICE`, ' +
      'but a non-root process normally cannot use it (Kubernetes sets no ambient capabilities): to serve a port ' +
      'below 1024, listen on a higher one and map it in the Service, or set the pod sysctl ' +
      '`net.ipv4.ip_unprivileged_port_start`.',
    why:
      'The runtime default set still includes CHOWN, DAC_OVERRIDE, SETUID and others; dropping them all leaves a ' +
      'compromised process nothing beyond ordinary file permissions.',
    snippet: `spec:
  containers:
    - name: app
      securityContext:
        capabilities:
          drop: [ALL]
`,
    automatic: true,
  },
  procMount_restricted: {
    checkId: 'procMount_restricted',
    title: '/proc Mount Type (restricted)',
    what:
      'Remove `procMount: Unmasked` or set `Default`. Unlike baseline, restricted makes no exception for pods ' +
      'with `hostUsers: false`.',
    why: 'The default masks /proc paths that leak host information or let the container change kernel settings.',
    snippet: `spec:
  containers:
    - name: app
      securityContext:
        procMount: Default
`,
    automatic: false,
  },
  restrictedVolumes: {
    checkId: 'restrictedVolumes',
    title: 'Volume Types',
    what:
      'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and ' +
      'secret volumes. Put network and cloud disks (nfs, iscsi, awsElasticBlockStore, ...) behind a ' +
      'PersistentVolume and mount the claim; replace gitRepo with an init container that clones into an emptyDir.',
    why:
      'Inline volume sources let the pod author choose what storage or host path gets mounted; a claim leaves ' +
      "that to the cluster's PersistentVolumes and StorageClasses.",
    snippet: `spec:
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: app-data
`,
    automatic: false,
  },
  runAsNonRoot: {
    checkId: 'runAsNonRoot',
    title: 'Running as Non-root',
    what:
      'Set `runAsNonRoot: true` in the pod securityContext and remove any `runAsNonRoot: false`. The image must ' +
      'run as a numeric non-zero uid (`USER 1000` in the Dockerfile, or `runAsUser: 1000`), otherwise the kubelet ' +
      'refuses to start it. A non-root process cannot write root-owned paths: mount `emptyDir` volumes at `/tmp`, ' +
      '`/var/cache` and `/var/run` if the app writes there. From v1.35 a pod with `hostUsers: false` passes ' +
      'without it.',
    why: "Root in a container is root on the node's kernel, so any escape or writable host mount starts with full privileges.",
    snippet: `spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
`,
    automatic: true,
  },
  runAsUser: {
    checkId: 'runAsUser',
    title: 'Running as Non-root user',
    what:
      'Remove `runAsUser: 0` from the pod and its containers and pick a non-zero uid the image can run as, e.g. ' +
      '`runAsUser: 1000` matching `USER 1000` in the Dockerfile; use `fsGroup` so it can write its volumes. From ' +
      'v1.35 a pod with `hostUsers: false` may run as uid 0.',
    why: "uid 0 is root on the node's kernel unless the pod runs in a user namespace.",
    snippet: `spec:
  securityContext:
    runAsUser: 1000
    runAsGroup: 1000
    fsGroup: 1000
`,
    automatic: false,
  },
  seccompProfile_restricted: {
    checkId: 'seccompProfile_restricted',
    title: 'Seccomp (restricted)',
    what:
      'Set `seccompProfile.type: RuntimeDefault` in the pod securityContext (or `Localhost` with a profile ' +
      'installed on every node) and remove `Unconfined` from containers.',
    why:
      'RuntimeDefault blocks the system calls containers rarely need and most kernel exploits use, at negligible ' +
      'cost.',
    snippet: `spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
`,
    automatic: true,
  },
};

// hostPorts of a pod with `hostNetwork: true`: the API server fills in every hostPort from containerPort
// (defaultHostNetworkPorts), so removing hostPort, which the manifest may not even have, changes nothing.
const HOST_NETWORK_PORTS: Remediation = {
  ...BY_CHECK.hostPorts,
  what:
    'Drop `hostNetwork: true`: with it, every container port is a host port (the API server sets `hostPort` to ' +
    '`containerPort`), whether or not the manifest writes one. Then reach the pod through a Service (NodePort or ' +
    'LoadBalancer if it must be reachable from outside the cluster).',
  snippet: `spec:
  hostNetwork: false
  containers:
    - name: app
      ports:
        - containerPort: 8080
`,
};

/** One remediation per Pod Security check, in upstream's result order. */
export const REMEDIATIONS: readonly Remediation[] = CHECK_IDS.map((id) => BY_CHECK[id]);

/**
 * The remediation for a check; throws PssInputError for a string that is not a check ID. Given the failing
 * pod, it fits the advice to it: hostPorts of a pod with `hostNetwork: true` are fixed by dropping
 * hostNetwork, not hostPort.
 */
export function remediationFor(checkId: CheckId, pod?: PodLike): Remediation {
  // Callers outside TypeScript (CLI arguments, query strings) can pass any string.
  if (!Object.hasOwn(BY_CHECK, checkId)) throw new PssInputError(`unknown check ID ${JSON.stringify(checkId)}`);
  if (checkId === 'hostPorts' && pod?.spec?.hostNetwork === true) return HOST_NETWORK_PORTS;
  return BY_CHECK[checkId];
}

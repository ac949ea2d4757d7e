import type { CheckId } from '../policy/check.types.js';

/** Checks suggestPatch never changes; the ones it can fix describe their own exceptions. */
export type ManualOnlyCheckId = Exclude<
  CheckId,
  'allowPrivilegeEscalation' | 'capabilities_restricted' | 'runAsNonRoot' | 'seccompProfile_restricted'
>;

/** Why a failure of each manual-only check needs someone who knows the workload. */
export const MANUAL_REASONS: { readonly [Id in ManualOnlyCheckId]: string } = {
  appArmorProfile:
    'The AppArmor profile was set on purpose; only the workload owner can say whether RuntimeDefault is enough.',
  capabilities_baseline:
    'Only the app owner knows whether it uses these capabilities; removing one it needs breaks it at runtime.',
  hostNamespaces:
    'Host namespaces are a design choice (node agent, host networking); removing them changes how the pod is ' +
    'reached and what it can observe.',
  hostPathVolumes:
    'The replacement depends on what the data is: scratch space, persistent data or configuration.',
  hostPorts: "Clients that reach the pod on the node's address must move to a Service first.",
  hostProbesAndHostLifecycle:
    'The probe or hook must target the pod itself or change type, which depends on what it is checking.',
  privileged:
    'Privileged containers usually need device or kernel access; what to grant instead depends on the app, or it ' +
    'belongs in a namespace with a privileged policy.',
  procMount: 'An unmasked /proc is needed by nested container runtimes; removing it may break the workload.',
  seLinuxOptions:
    'The SELinux user, role or type was set on purpose; which confined type works depends on the workload and the ' +
    "nodes' policy.",
  seccompProfile_baseline:
    'An unconfined seccomp profile was set explicitly; someone must confirm the app runs under RuntimeDefault.',
  sysctls:
    'The app was tuned with these sysctls; whether it works without them, or they belong in node configuration, is ' +
    'for its owner to decide.',
  windowsHostProcess:
    'HostProcess containers are node agents by design; they need a namespace with a privileged policy, not a patch.',
  procMount_restricted:
    'An unmasked /proc is needed by nested container runtimes; removing it may break the workload.',
  runAsUser:
    'uid 0 was set explicitly; pick a non-zero uid the image can run as (e.g. `runAsUser: 1000`) and make sure it ' +
    'can write what it needs.',
  restrictedVolumes:
    'Moving to a PersistentVolumeClaim or another allowed type needs a storage decision (PersistentVolume, ' +
    'StorageClass, data migration).',
};

/** Why suggestPatch left part of a check it can usually fix to a human. */
export const EXCEPTION_REASONS = {
  windowsPod: (field: string) =>
    `spec.os.name is windows and the API server rejects ${field} on Windows pods; Pod Security exempts Windows ` +
    'pods from this check from v1.25, so evaluate at v1.25 or later.',
  escalationExplicit:
    '`allowPrivilegeEscalation: true` was set explicitly; some images need it (a non-root process that gains a ' +
    'file capability, such as an ingress controller binding ports 80 and 443). Confirm the image runs without ' +
    'it, then set it to false.',
  escalationForced:
    '`privileged: true` or an added CAP_SYS_ADMIN always allows privilege escalation, and the API server rejects ' +
    '`allowPrivilegeEscalation: false` next to them; remove those first.',
  capabilityAdded:
    'Restricted allows only NET_BIND_SERVICE in `capabilities.add`; only the app owner knows whether it uses the ' +
    'others, and removing one it needs breaks it at runtime.',
  runAsNonRootFalse:
    '`runAsNonRoot: false` was set explicitly; confirm the image runs as a non-zero numeric uid, then set it to ' +
    'true or remove it.',
  rootUid:
    'A container that `runAsNonRoot: true` would cover runs with `runAsUser: 0`, so the kubelet would refuse to ' +
    'start it; pick a non-zero uid first (e.g. `runAsUser: 1000`).',
  hostNetworkPorts:
    '`hostNetwork: true` makes every container port a host port: the API server sets `hostPort` to ' +
    '`containerPort` when the pod is created, so removing `hostPort` changes nothing. The fix is to drop ' +
    '`hostNetwork`, once nothing needs the node\'s network namespace.',
  livePod:
    'This pod is running: it has ephemeral containers, which only a running pod can have. Neither an ephemeral ' +
    'container nor a running pod\'s securityContext can be changed, so no patch applies: recreate the pod from a ' +
    'fixed manifest (ephemeral containers are not recreated with it), and debug with `kubectl debug ' +
    '--profile=restricted`, which adds an ephemeral container that restricted admits.',
  seccompExplicit:
    'A seccomp profile type other than RuntimeDefault or Localhost was set explicitly; confirm the app runs under ' +
    'RuntimeDefault before changing it.',
} as const;

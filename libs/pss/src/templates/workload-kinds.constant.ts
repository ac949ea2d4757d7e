/** Where a built-in kind keeps the pod Pod Security evaluates, and the API groups that kind lives in. */
export interface PodBearingKind {
  /** Path segments from the object to the pod template; empty for a Pod itself. */
  templatePath: readonly string[];
  /** API groups ("" is core) whose kind of this name is the built-in one. */
  groups: readonly string[];
}

// Upstream DefaultPodSpecExtractor: the resources PSA evaluates as pod controllers, plus Pod. The extensions
// group served Deployment, ReplicaSet and DaemonSet before apps did; old manifests still name it.
export const POD_BEARING_KINDS: ReadonlyMap<string, PodBearingKind> = new Map([
  ['Pod', { templatePath: [], groups: [''] }],
  ['PodTemplate', { templatePath: ['template'], groups: [''] }],
  ['ReplicationController', { templatePath: ['spec', 'template'], groups: [''] }],
  ['Deployment', { templatePath: ['spec', 'template'], groups: ['apps', 'extensions'] }],
  ['ReplicaSet', { templatePath: ['spec', 'template'], groups: ['apps', 'extensions'] }],
  ['DaemonSet', { templatePath: ['spec', 'template'], groups: ['apps', 'extensions'] }],
  ['StatefulSet', { templatePath: ['spec', 'template'], groups: ['apps'] }],
  ['Job', { templatePath: ['spec', 'template'], groups: ['batch'] }],
  ['CronJob', { templatePath: ['spec', 'jobTemplate', 'spec', 'template'], groups: ['batch'] }],
]);

// Built-in kinds that never hold a pod, by API group. The group matters: Knative's serving.knative.dev
// Service does hold a pod template, so it must come out as unknown, not skipped.
const POD_LESS_KINDS_BY_GROUP: Readonly<Record<string, readonly string[]>> = {
  '': [
    'Binding', 'ComponentStatus', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node',
    'PersistentVolume', 'PersistentVolumeClaim', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount',
  ],
  'admissionregistration.k8s.io': [
    'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration',
  ],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  apps: ['ControllerRevision'],
  autoscaling: ['HorizontalPodAutoscaler'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'coordination.k8s.io': ['Lease'],
  'discovery.k8s.io': ['EndpointSlice'],
  'events.k8s.io': ['Event'],
  extensions: ['Ingress', 'NetworkPolicy', 'PodSecurityPolicy'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io': ['IPAddress', 'Ingress', 'IngressClass', 'NetworkPolicy', 'ServiceCIDR'],
  'node.k8s.io': ['RuntimeClass'],
  policy: ['PodDisruptionBudget', 'PodSecurityPolicy'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'resource.k8s.io': ['DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'],
  'scheduling.k8s.io': ['PriorityClass'],
  'storage.k8s.io': [
    'CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment', 'VolumeAttributesClass',
  ],
};

/** `group/kind` for every built-in pod-less kind. */
export const POD_LESS_KINDS: ReadonlySet<string> = new Set(
  Object.entries(POD_LESS_KINDS_BY_GROUP).flatMap(([group, kinds]) => kinds.map((kind) => `${group}/${kind}`)),
);

/** Pod-less kind names in any group, for objects that omit apiVersion. */
export const POD_LESS_KIND_NAMES: ReadonlySet<string> = new Set(Object.values(POD_LESS_KINDS_BY_GROUP).flat());

import { describe, expect, it } from '@jest/globals';

import type { PodLike } from '../api/pod.types.js';
import { evaluatePod } from '../policy/evaluate.js';
import { extractPodTemplates as sut } from './extract-pod-templates.js';

const podSpec = () => ({ containers: [{ name: 'app', image: 'nginx:1.27' }] });
const template = () => ({ metadata: { labels: { app: 'web' } }, spec: podSpec() });

describe('extractPodTemplates', () => {
  it('returns a Pod itself, without its status', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'payments' },
      spec: podSpec(),
      status: { phase: 'Running' },
    };

    expect(sut(pod)).toEqual({
      templates: [
        {
          kind: 'Pod',
          apiVersion: 'v1',
          name: 'web',
          namespace: 'payments',
          templatePath: '',
          pod: { metadata: { name: 'web', namespace: 'payments' }, spec: podSpec() },
        },
      ],
      skipped: [],
      unknown: [],
      problems: [],
    });
  });

  it.each([
    ['PodTemplate', 'v1', 'template'],
    ['ReplicationController', 'v1', 'spec.template'],
    ['Deployment', 'apps/v1', 'spec.template'],
    ['Deployment', 'extensions/v1beta1', 'spec.template'],
    ['ReplicaSet', 'apps/v1', 'spec.template'],
    ['StatefulSet', 'apps/v1', 'spec.template'],
    ['DaemonSet', 'apps/v1', 'spec.template'],
    ['Job', 'batch/v1', 'spec.template'],
    ['CronJob', 'batch/v1', 'spec.jobTemplate.spec.template'],
  ])('reads the pod template of a %s (%s) at %s', (kind, apiVersion, templatePath) => {
    const object: Record<string, unknown> = { apiVersion, kind, metadata: { name: 'web', namespace: 'payments' } };
    const path = templatePath.split('.');
    let node = object;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = { ...template(), status: 'ignored' };

    const result = sut(object);

    expect(result).toEqual({
      templates: [{ kind, apiVersion, name: 'web', namespace: 'payments', templatePath, pod: template() }],
      skipped: [],
      unknown: [],
      problems: [],
    });
  });

  it('names an object by generateName when it has no name, and omits a missing namespace', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'migrate-' }, spec: { template: template() } };

    const [extracted] = sut(job).templates;

    expect(extracted?.name).toBe('migrate-');
    expect(extracted).not.toHaveProperty('namespace');
  });

  it('reads every item of a List, and of the typed lists kubectl prints', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: template() } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } },
        { apiVersion: 'v1', kind: 'PodList', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' }, spec: podSpec() }] },
      ],
    };

    const result = sut(list);

    expect(result.templates.map(({ kind, name, itemPath }) => ({ kind, name, itemPath }))).toEqual([
      { kind: 'Deployment', name: 'web', itemPath: 'items[0]' },
      { kind: 'Pod', name: 'web-1', itemPath: 'items[2].items[0]' },
    ]);
    expect(result.skipped).toEqual([
      { kind: 'Service', apiVersion: 'v1', name: 'web', itemPath: 'items[1]', reason: 'Service does not run pods' },
    ]);
  });

  it('reads nested Lists, and treats a List with no items as empty', () => {
    const nested = {
      kind: 'List',
      items: [
        { kind: 'List', items: [{ kind: 'List', items: [{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { jobTemplate: { spec: { template: template() } } } }] }] },
        { kind: 'List', items: null },
        { kind: 'List' },
      ],
    };

    const result = sut(nested);

    expect(result.templates).toHaveLength(1);
    expect(result.templates[0]).toMatchObject({ kind: 'CronJob', itemPath: 'items[0].items[0].items[0]', templatePath: 'spec.jobTemplate.spec.template' });
    expect(result.problems).toEqual([]);
  });

  it('reports a List whose items are not a list, and items that are not objects', () => {
    const result = sut({ kind: 'List', items: [42, { kind: 'List', items: 'oops' }] });

    expect(result.problems).toEqual([
      { kind: '', apiVersion: '', name: '', itemPath: 'items[0]', message: 'items[0] is not a Kubernetes object (expected a mapping with apiVersion and kind)' },
      { kind: 'List', apiVersion: '', name: '', itemPath: 'items[1]', message: 'List: items must be a list' },
    ]);
  });

  it.each([
    ['v1', 'Service'], ['v1', 'ConfigMap'], ['v1', 'Secret'], ['v1', 'Namespace'], ['v1', 'ServiceAccount'],
    ['v1', 'PersistentVolumeClaim'], ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    ['networking.k8s.io/v1', 'Ingress'], ['networking.k8s.io/v1', 'NetworkPolicy'], ['autoscaling/v2', 'HorizontalPodAutoscaler'],
    ['policy/v1', 'PodDisruptionBudget'], ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
  ])('skips %s %s, which holds no pod', (apiVersion, kind) => {
    expect(sut({ apiVersion, kind, metadata: { name: 'x' } })).toEqual({
      templates: [],
      skipped: [{ kind, apiVersion, name: 'x', reason: `${kind} does not run pods` }],
      unknown: [],
      problems: [],
    });
  });

  it.each([
    ['argoproj.io/v1alpha1', 'Rollout'],
    ['serving.knative.dev/v1', 'Service'],
    ['example.com/v1', 'Deployment'],
    ['v1', 'Deploymnet'],
  ])('reports %s %s as unknown rather than guessing', (apiVersion, kind) => {
    const result = sut({ apiVersion, kind, metadata: { name: 'web' }, spec: { template: template() } });

    expect(result.templates).toEqual([]);
    expect(result.unknown).toEqual([
      {
        kind,
        apiVersion,
        name: 'web',
        message:
          `unknown kind ${kind} (${apiVersion}): not a built-in pod controller, so no pod template was read from it; ` +
          'Pod Security still checks the pods it creates when they are created',
      },
    ]);
  });

  it('accepts a workload that omits apiVersion, matching by kind alone', () => {
    expect(sut({ kind: 'Deployment', metadata: { name: 'web' }, spec: { template: template() } }).templates).toHaveLength(1);
    expect(sut({ kind: 'Secret', metadata: { name: 'token' } }).skipped).toHaveLength(1);
  });

  it.each([
    [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1 } }, 'Deployment "web" has no spec.template, so it has no pod template'],
    [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' } }, 'StatefulSet "db" has no spec, so it has no pod template'],
    [{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { jobTemplate: { spec: {} } } }, 'CronJob "nightly" has no spec.jobTemplate.spec.template, so it has no pod template'],
    [{ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't' }, template: null }, 'PodTemplate "t" has no template, so it has no pod template'],
    [{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { template: 'web' } }, 'DaemonSet "agent": spec.template must be an object'],
    [{ apiVersion: 'batch/v1', kind: 'Job', spec: [] }, 'Job: spec must be an object'],
  ])('reports a workload without a usable template: %j', (object, message) => {
    const result = sut(object);

    expect(result.templates).toEqual([]);
    expect(result.problems.map((problem) => problem.message)).toEqual([message]);
  });

  it('reports an object with no kind, and a document that is not an object', () => {
    expect(sut({ metadata: { name: 'x' } }).problems).toEqual([
      { kind: '', apiVersion: '', name: 'x', message: 'object has no kind, so it is not a Kubernetes object' },
    ]);
    expect(sut('hello').problems.map((problem) => problem.message)).toEqual([
      'the document is not a Kubernetes object (expected a mapping with apiVersion and kind)',
    ]);
  });

  describe('hostPort defaulting', () => {
    const hostNetworkSpec = () => ({
      hostNetwork: true,
      initContainers: [{ name: 'init', ports: [{ containerPort: 9000 }] }],
      containers: [
        { name: 'app', ports: [{ containerPort: 8080 }, { containerPort: 8443, hostPort: 0 }, { containerPort: 53, hostPort: 5353 }] },
        { name: 'sidecar' },
      ],
    });

    it('gives a Pod on the host network hostPort = containerPort, as the API server does', () => {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: hostNetworkSpec() };
      const before = structuredClone(pod);

      const [extracted] = sut(pod).templates;

      expect(extracted?.pod.spec).toEqual({
        hostNetwork: true,
        initContainers: [{ name: 'init', ports: [{ containerPort: 9000, hostPort: 9000 }] }],
        containers: [
          {
            name: 'app',
            ports: [{ containerPort: 8080, hostPort: 8080 }, { containerPort: 8443, hostPort: 8443 }, { containerPort: 53, hostPort: 5353 }],
          },
          { name: 'sidecar' },
        ],
      });
      expect(pod).toEqual(before);
      expect(evaluatePod(extracted!.pod, 'baseline', 'latest').forbiddenDetail).toBe(
        'host namespaces (hostNetwork=true), hostPort (containers "init", "app" use hostPorts 5353, 8080, 8443, 9000)',
      );
    });

    it.each(['Deployment', 'StatefulSet', 'DaemonSet'])('leaves a %s template alone: templates are not defaulted', (kind) => {
      const object = { apiVersion: 'apps/v1', kind, metadata: { name: 'web' }, spec: { template: { spec: hostNetworkSpec() } } };

      const [extracted] = sut(object).templates;

      expect(extracted?.pod.spec).toEqual(hostNetworkSpec());
    });

    it('leaves a Pod off the host network alone', () => {
      const pod: PodLike = { kind: 'Pod', metadata: { name: 'web' }, spec: { ...hostNetworkSpec(), hostNetwork: false } };

      const [extracted] = sut(pod).templates;

      expect(extracted?.pod.spec).toBe(pod.spec);
    });
  });
});

import { describe, expect, it } from '@jest/globals';

import { PssInputError } from '../api/level.js';
import { parseManifests as sut } from './parse-manifests.js';

const DEPLOYMENT_AND_SERVICE = `# Source: web/templates/deployment.yaml
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the storefront
  namespace: shop
spec:
  replicas: 2
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: "nginx:1.27"
          securityContext:
            allowPrivilegeEscalation: false
---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
---
# an empty document, then a trailing separator
---
`;

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('parseManifests', () => {
  it('returns each document of a multi-document file with the line its object starts on', () => {
    const documents = sut(DEPLOYMENT_AND_SERVICE, 'web.yaml');

    expect(documents.map(({ source, line, object }) => ({ source, line, kind: object.kind }))).toEqual([
      { source: 'web.yaml', line: 3, kind: 'Deployment' },
      { source: 'web.yaml', line: 21, kind: 'Service' },
    ]);
    expect(documents[0]?.object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        replicas: 2,
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { allowPrivilegeEscalation: false } }] },
        },
      },
    });
  });

  it('reads a document without separators, and ignores a file of comments', () => {
    expect(sut('kind: Pod\nmetadata:\n  name: web\n', 'pod.yaml')).toEqual([
      { source: 'pod.yaml', line: 1, object: { kind: 'Pod', metadata: { name: 'web' } } },
    ]);
    expect(sut('# nothing here\n---\n# nor here\n', 'empty.yaml')).toEqual([]);
    expect(sut('', 'empty.yaml')).toEqual([]);
  });

  it('reads a List as one document', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: { name: a }
  - apiVersion: v1
    kind: Pod
    metadata: { name: b }
`;

    const [list] = sut(text, 'list.yaml');

    expect(list?.object.kind).toBe('List');
    expect(list?.object.items).toHaveLength(2);
  });

  it('reads JSON, as kubectl get -o json prints it', () => {
    const json = JSON.stringify(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { hostNetwork: true, containers: [{ name: 'web', ports: [{ containerPort: 8080 }] }] } },
      null,
      2,
    );

    expect(sut(`\n${json}\n`, 'pod.json')).toEqual([{ source: 'pod.json', line: 2, object: JSON.parse(json) }]);
  });

  it('reads scalars as kubectl does (YAML 1.1): yes and on are true, timestamps stay strings', () => {
    const text = 'kind: Pod\nspec:\n  hostNetwork: yes\n  hostPID: on\n  hostIPC: no\nmetadata:\n  annotations:\n    at: 2026-07-01\n    ratio: 1:30\n';

    const [document] = sut(text, 'pod.yaml');

    expect(document?.object).toEqual({
      kind: 'Pod',
      spec: { hostNetwork: true, hostPID: true, hostIPC: false },
      metadata: { annotations: { at: '2026-07-01', ratio: '1:30' } },
    });
  });

  it('expands anchors and aliases', () => {
    const text = 'kind: Pod\nspec:\n  containers:\n    - &c { name: a, image: x }\n  initContainers:\n    - *c\n';

    expect(sut(text, 'pod.yaml')[0]?.object.spec).toEqual({ containers: [{ name: 'a', image: 'x' }], initContainers: [{ name: 'a', image: 'x' }] });
  });

  it.each([
    ['bad indentation', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n   namespace: shop\n', 'pod.yaml:4:9: Nested mappings are not allowed in compact mappings'],
    ['an unclosed quote', 'kind: Pod\nmetadata:\n  name: "web\nspec: {}\n', 'pod.yaml:5:1: Missing closing "quote'],
    ['a tab as indentation', 'kind: Pod\nmetadata:\n\tname: web\n', 'pod.yaml:3:1: Tabs are not allowed as indentation'],
    ['a duplicate key', 'kind: Pod\nkind: Service\n', 'pod.yaml:2:1: Map keys must be unique'],
    ['a scalar document', 'kind: Pod\n---\nhello world\n', 'pod.yaml:3:1: expected a mapping (a Kubernetes object), got the scalar "hello world"'],
    ['a sequence document', '- kind: Pod\n- kind: Service\n', 'pod.yaml:1:1: expected a mapping (a Kubernetes object), got a sequence'],
    ['broken JSON', '{"kind": "Pod",\n "spec": {"hostNetwork": true}\n', 'pod.yaml:3:1: Flow map must end with a }'],
  ])('rejects %s with source:line:column', (_problem, text, message) => {
    const error = thrownBy(() => sut(text, 'pod.yaml'));

    expect(error).toBeInstanceOf(PssInputError);
    expect((error as Error).message).toBe(message);
  });

  it('rejects a document that expands aliases without bound (billion laughs)', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (const [previous, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e']] as const) {
      levels.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(',')}]`);
    }

    expect(() => sut(`kind: Pod\n${levels.join('\n')}\n`, 'bomb.yaml')).toThrow(
      new PssInputError('bomb.yaml:1:1: Excessive alias count indicates a resource exhaustion attack'),
    );
  });
});

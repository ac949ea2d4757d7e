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
      { source: 'pod.yaml', line: 1, object: { kind: 'Pod', metadata: { name: 'web' } }, itemLines: new Map() },
    ]);
    expect(sut('# nothing here\n---\n# nor here\n', 'empty.yaml')).toEqual([]);
    expect(sut('', 'empty.yaml')).toEqual([]);
  });

  it('reads a List as one document, with the line each item starts on', () => {
    const text = `# kubectl get pods -o yaml
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: { name: a }
  -   &b
    apiVersion: v1
    kind: Pod
    metadata: { name: b }
  - { apiVersion: v1, kind: List, items: [
      { kind: Pod, metadata: { name: c } },
      *b ] }
`;

    const [list] = sut(text, 'list.yaml');

    expect(list?.line).toBe(2);
    expect(list?.object.kind).toBe('List');
    expect(list?.object.items).toHaveLength(3);
    expect([...(list?.itemLines ?? [])]).toEqual([
      ['items[0]', 5],
      ['items[1]', 8],
      ['items[2]', 12],
      ['items[2].items[0]', 13],
      ['items[2].items[1]', 14],
    ]);
  });

  it('gives the line of each item of a JSON List, strings with braces and escaped quotes notwithstanding', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { note: 'a "quoted" } ] { [ \\' },
      items: [
        { kind: 'Pod', metadata: { name: 'a', annotations: { items: '[1, 2]' } }, spec: { items: [{ x: 1 }] } },
        { kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'b' } }, 'not an object', 12] },
      ],
    };
    const text = `\n${JSON.stringify(list, null, 4)}\n`;
    const lineOf = (needle: string, from = 0) => text.slice(0, text.indexOf(needle, from)).split('\n').length;

    const [document] = sut(text, 'list.json');

    expect(document?.object).toEqual(list);
    expect(document?.line).toBe(2);
    expect([...(document?.itemLines ?? [])]).toEqual([
      ['items[0]', lineOf('"kind": "Pod"') - 1],
      ['items[1]', lineOf('"kind": "List"', text.indexOf('"items"')) - 1],
      ['items[1].items[0]', lineOf('"name": "b"') - 3],
      ['items[1].items[1]', lineOf('"not an object"')],
      ['items[1].items[2]', lineOf('12\n')],
    ]);
  });

  it('reads JSON, as kubectl get -o json prints it', () => {
    const json = JSON.stringify(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { hostNetwork: true, containers: [{ name: 'web', ports: [{ containerPort: 8080 }] }] } },
      null,
      2,
    );

    expect(sut(`\n${json}\n`, 'pod.json')).toEqual([{ source: 'pod.json', line: 2, object: JSON.parse(json), itemLines: new Map() }]);
  });

  it('reads scalars as kubectl does (go-yaml v2\'s YAML 1.1): yes and on are true, timestamps stay strings', () => {
    const text =
      'kind: Pod\nspec:\n  hostNetwork: yes\n  hostPID: on\n  hostIPC: no\n  priority: 0755\n  a: 1e3\n  b: 08\n  c: 0x1F\n' +
      'metadata:\n  annotations:\n    at: 2026-07-01\n    stamp: 2026-07-01T10:00:00Z\n    ratio: 1:30\n';

    const [document] = sut(text, 'pod.yaml');

    expect(document?.object).toEqual({
      kind: 'Pod',
      // go-yaml v2: 0755 is octal, 1e3 and 08 match its float pattern; no base-60 numbers, no timestamps.
      spec: { hostNetwork: true, hostPID: true, hostIPC: false, priority: 493, a: 1000, b: 8, c: 31 },
      metadata: { annotations: { at: '2026-07-01', stamp: '2026-07-01T10:00:00Z', ratio: '1:30' } },
    });
  });

  it('expands anchors and aliases', () => {
    const text = 'kind: Pod\nspec:\n  containers:\n    - &c { name: a, image: x }\n  initContainers:\n    - *c\n';

    expect(sut(text, 'pod.yaml')[0]?.object.spec).toEqual({ containers: [{ name: 'a', image: 'x' }], initContainers: [{ name: 'a', image: 'x' }] });
  });

  it.each([
    // The column is the offending token's, wherever it is indented.
    ['bad indentation', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n   namespace: shop\n', 'pod.yaml:5:4: bad indentation of a mapping entry'],
    ['an indented key out of line', 'kind: Pod\nspec:\n    hostNetwork: true\n  hostPID: true\n', 'pod.yaml:4:3: bad indentation of a mapping entry'],
    ['a key under a sequence item', 'kind: Pod\nspec:\n  containers:\n    - name: a\n    image: x\n', 'pod.yaml:5:5: bad indentation of a mapping entry'],
    ['a flow collection without its comma', 'kind: Pod\nspec:\n  containers: [ {name: a}, {name: b ]\n', 'pod.yaml:3:37: missed comma between flow collection entries'],
    ['an unclosed quote', 'kind: Pod\nmetadata:\n  name: "web\nspec: {}\n', 'pod.yaml:4:1: deficient indentation'],
    ['a tab as indentation', 'kind: Pod\nmetadata:\n\tname: web\n', 'pod.yaml:3:1: tab characters must not be used in indentation'],
    ['a duplicate key', 'kind: Pod\nkind: Service\n', 'pod.yaml:2:1: duplicated mapping key'],
    ['an indented duplicate key', 'kind: Pod\nmetadata:\n  name: a\n  name: b\n', 'pod.yaml:4:3: duplicated mapping key'],
    ['an unknown alias', 'kind: Pod\nspec:\n  hostNetwork: *yes\n', 'pod.yaml:3:17: unidentified alias "yes"'],
    ['a scalar document', 'kind: Pod\n---\nhello world\n', 'pod.yaml:3:1: expected a mapping (a Kubernetes object), got the scalar "hello world"'],
    ['a sequence document', '- kind: Pod\n- kind: Service\n', 'pod.yaml:1:1: expected a mapping (a Kubernetes object), got a sequence'],
    ['an indented sequence document', 'kind: Pod\n---\n  - kind: Service\n', 'pod.yaml:3:3: expected a mapping (a Kubernetes object), got a sequence'],
    ['broken JSON', '{"kind": "Pod",\n "spec": {"hostNetwork": true}\n', 'pod.yaml:3:1: unexpected end of the stream within a flow collection'],
    ['broken JSON, indented', '{\n    "kind": "Pod",\n    "spec": {"hostNetwork": true,}\n    "x": 1\n}\n', 'pod.yaml:4:5: missed comma between flow collection entries'],
  ])('rejects %s with source:line:column', (_problem, text, message) => {
    const error = thrownBy(() => sut(text, 'pod.yaml'));

    expect(error).toBeInstanceOf(PssInputError);
    expect((error as Error).message).toBe(message);
  });

  it('rejects a document with more than 100 aliases (billion laughs), as go-yaml rejects excessive aliasing', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x","x","x"]'];
    const names = 'abcdefghij';
    for (let level = 1; level < names.length; level++) {
      levels.push(`${names[level]}: &${names[level]} [${Array.from({ length: 12 }, () => `*${names[level - 1]}`).join(',')}]`);
    }

    const error = thrownBy(() => sut(`kind: Pod\n${levels.join('\n')}\n`, 'bomb.yaml'));

    expect(error).toBeInstanceOf(PssInputError);
    expect((error as Error).message).toMatch(/^bomb\.yaml:11:\d+: aliases exceeded maxAliases \(100\)$/);
  });
});

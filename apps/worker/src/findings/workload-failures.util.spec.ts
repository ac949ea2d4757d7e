import { describe, expect, it } from '@jest/globals';
import type { PodLike } from '@ratchet/pss';

import type { VerdictIndex } from '../evaluation/evaluation.service.js';
import { evaluateProjection, verdictKey } from '../evaluation/evaluation.service.js';
import { injectedContainerNames, workloadFailures } from './workload-failures.util.js';

describe('injectedContainerNames', () => {
  it.each([
    [['app'], ['app', 'istio-proxy'], ['istio-proxy']],
    [['app'], ['app'], []],
    [['app', 'init'], ['init', 'app', 'debugger-x7', 'debugger-x7'], ['debugger-x7']],
    [[], ['app'], ['app']],
  ])('template %j, pod %j → %j', (template, pod, expected) => {
    expect(injectedContainerNames(template, pod)).toEqual(expected);
  });
});

describe('workloadFailures with injected containers', () => {
  const template: PodLike = { metadata: {}, spec: { containers: [{ name: 'app', image: 'app:1' }] } };
  const pod: PodLike = {
    metadata: {},
    spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'linkerd-proxy', image: 'proxy:1', securityContext: { privileged: true } }] },
  };
  // Verdicts as the worker stores them, from libs/pss itself.
  const verdicts: VerdictIndex = new Map(
    Object.entries({ t: template, p: pod }).map(([id, subject]) => [id, new Map([[verdictKey('baseline', 'v1.31'), evaluateProjection(id, subject, 'baseline', 'v1.31')]])]),
  );
  const containers = new Map([
    ['t', ['app']],
    ['p', ['app', 'linkerd-proxy']],
  ]);

  it('names the injected container a check fails on, so the fix is aimed at the injector', () => {
    const [privileged] = workloadFailures({ templateProjectionId: 't', pods: [{ name: 'web-0', projectionId: 'p' }] }, verdicts, 'baseline', 'latest', 'v1.31', containers);
    expect(privileged).toMatchObject({ checkId: 'privileged', detail: { template: false, pods: ['web-0'], injectedContainers: ['linkerd-proxy'] } });
  });

  it('names none when the container names are unknown', () => {
    const [privileged] = workloadFailures({ templateProjectionId: 't', pods: [{ name: 'web-0', projectionId: 'p' }] }, verdicts, 'baseline', 'latest', 'v1.31');
    expect((privileged!.detail as { injectedContainers: string[] }).injectedContainers).toEqual([]);
  });
});

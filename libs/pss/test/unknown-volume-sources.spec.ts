import { describe, expect, it } from '@jest/globals';

import { evaluatePod, evaluatePodAllLevels, projectPod, projectionHash } from '../src/index.js';
import { createRestrictedPod } from './support/pod.factory.js';

const sut = evaluatePod;

// A source this evaluator does not know, as a newer Kubernetes might add one.
const futureVolume = { name: 'v', futureSource: { driver: 'example' } };

describe('restricted volume types', () => {
  it('reports a volume whose source it does not recognise as type "unknown", as upstream does', () => {
    const pod = createRestrictedPod({ volumes: [futureVolume] });

    const evaluation = sut(pod, 'restricted', 'latest');

    expect(evaluation.forbiddenDetail).toBe('restricted volume types (volume "v" uses restricted volume type "unknown")');
  });

  it('defaults a volume with no source at all to emptyDir, as the API server does, so it passes', () => {
    const pod = createRestrictedPod({ volumes: [{ name: 'v' }, { name: 'w', futureSource: null }] });

    expect(sut(pod, 'restricted', 'latest').allowed).toBe(true);
  });

  it('names a known restricted source before "unknown", and lists each type once', () => {
    const pod = createRestrictedPod({
      volumes: [
        { name: 'a', futureSource: {}, nfs: { server: 'x' } },
        futureVolume,
        { name: 'c', otherFuture: {} },
        { name: 'd', configMap: { name: 'cm' } },
      ],
    });

    expect(sut(pod, 'restricted', 'v1.30').forbiddenDetail).toBe(
      'restricted volume types (volumes "a", "v", "c" use restricted volume types "nfs", "unknown")',
    );
  });

  it('still passes baseline: the unknown type is a restricted check only', () => {
    expect(sut(createRestrictedPod({ volumes: [futureVolume] }), 'baseline', 'latest').allowed).toBe(true);
  });
});

describe('restricted volume types through the security projection', () => {
  const pod = createRestrictedPod({ volumes: [futureVolume, { name: 'data', emptyDir: {} }] });

  it('carries an unknown source by name, without its contents', () => {
    expect(projectPod(pod).spec.volumes).toEqual([{ name: 'v', unknownSources: ['futureSource'] }, { name: 'data', emptyDir: {} }]);
  });

  it('gives the projection the verdict of the pod at every level', () => {
    const projected = evaluatePodAllLevels(projectPod(pod), 'latest');

    expect(projected).toEqual(evaluatePodAllLevels(pod, 'latest'));
    expect(projected.restricted.forbiddenDetail).toBe('restricted volume types (volume "v" uses restricted volume type "unknown")');
  });

  it('hashes an unknown source, so a pod that gains one is sent again', () => {
    const plain = createRestrictedPod({ volumes: [{ name: 'v', emptyDir: {} }] });

    expect(projectionHash(projectPod(pod))).not.toBe(projectionHash(projectPod(plain)));
  });

  it('refuses a key that cannot be a field name, naming it', () => {
    const bad = createRestrictedPod({ volumes: [{ name: 'v', 'not a source': {} }] });

    expect(() => projectPod(bad)).toThrow('spec.volumes[0].not a source: not a volume source');
  });
});

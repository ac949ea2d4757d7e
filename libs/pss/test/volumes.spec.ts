import { describe, expect, it } from '@jest/globals';

import type { Volume } from '../src/index.js';
import { evaluatePod } from '../src/index.js';
import { createRestrictedPod } from './support/pod.factory.js';

const sut = evaluatePod;
const withVolumes = (...volumes: Volume[]) => createRestrictedPod({ volumes });
const nfs = { server: 'nfs.example', path: '/exports' };

describe('volumes', () => {
  it.each(['v1.0', 'latest'])('treats a volume with no source as the emptyDir the API server defaults it to, at %s', (version) => {
    expect(sut(withVolumes({ name: 'scratch' }, { name: 'nulled', hostPath: null }), 'restricted', version).allowed).toBe(true);
  });

  it('allows every permitted source at every version, with no gating by when it appeared', () => {
    const pod = withVolumes(
      { name: 'config', configMap: { name: 'config' } },
      { name: 'csi', csi: { driver: 'csi.example' } },
      { name: 'downward', downwardAPI: { items: [] } },
      { name: 'scratch', emptyDir: {} },
      { name: 'ephemeral', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'image', image: { reference: 'registry.example/data:1' } },
      { name: 'claim', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'projected', projected: { sources: [] } },
      { name: 'secret', secret: { secretName: 'tls' } },
    );

    expect(sut(pod, 'restricted', 'v1.0').allowed).toBe(true);
  });

  it('uses the singular for one restricted volume', () => {
    expect(sut(withVolumes({ name: 'share', nfs }), 'restricted', 'latest').forbiddenDetail).toBe(
      'restricted volume types (volume "share" uses restricted volume type "nfs")',
    );
  });

  it('lists restricted volumes in spec order and their types as a sorted set', () => {
    const pod = withVolumes(
      { name: 'repo', gitRepo: { repository: 'https://git.example/repo' } },
      { name: 'share', nfs },
      { name: 'scratch', emptyDir: {} },
      { name: 'backup', nfs },
      { name: 'host', hostPath: { path: '/var/log' } },
    );

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'restricted volume types (volumes "repo", "share", "backup", "host" use restricted volume types "gitRepo", "hostPath", "nfs")',
    );
    expect(sut(pod, 'baseline', 'latest').forbiddenDetail).toBe('hostPath volumes (volume "host")');
  });

  it('uses the singular type for several volumes of one type', () => {
    expect(sut(withVolumes({ name: 'a', nfs }, { name: 'b', nfs }), 'restricted', 'latest').forbiddenDetail).toBe(
      'restricted volume types (volumes "a", "b" use restricted volume type "nfs")',
    );
  });

  it('names the first restricted source upstream tests for when several are set', () => {
    const pod = withVolumes({ name: 'odd', nfs, gitRepo: { repository: 'https://git.example/repo' } });

    expect(sut(pod, 'restricted', 'latest').forbiddenDetail).toBe(
      'restricted volume types (volume "odd" uses restricted volume type "gitRepo")',
    );
  });
});

import { describe, expect, it } from '@jest/globals';

import { ObjectStore } from './object-store.js';

const job = (uid: string) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { namespace: 'ops', name: 'report-1', uid, creationTimestamp: '2026-11-30T00:00:00Z' } });

describe('ObjectStore', () => {
  it('replacing an object by a new one of the same name is a deletion and an addition, as watchers keyed by uid need', () => {
    const sut = new ObjectStore(100);
    sut.put('jobs', job('uid-a'));
    const from = sut.resourceVersion;
    sut.put('jobs', job('uid-b'));
    sut.put('jobs', { ...job('uid-b'), status: { succeeded: 1 } });
    const events = sut.changesSince('jobs', undefined, from).map((e) => `${e.type} ${e.object.metadata.uid}`);
    expect(events).toEqual(['DELETED uid-a', 'ADDED uid-b', 'MODIFIED uid-b']);
  });
});

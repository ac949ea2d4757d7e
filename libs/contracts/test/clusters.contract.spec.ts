import { describe, expect, it } from '@jest/globals';

import { ClusterCreated, CreateClusterRequest, UpdateClusterRequest } from '../src/index.js';
import { issuePaths } from './support/issues.util.js';

describe('clusters', () => {
  it('names a cluster with an RFC 1123 label', () => {
    expect(CreateClusterRequest.parse({ name: 'prod-eu-1', description: ' Frankfurt ' })).toEqual({
      name: 'prod-eu-1',
      description: 'Frankfurt',
    });
    expect(issuePaths(CreateClusterRequest, { name: 'Prod EU' })).toEqual(['name']);
  });

  it('updates at least one field', () => {
    expect(UpdateClusterRequest.safeParse({ description: null }).success).toBe(true);
    expect(issuePaths(UpdateClusterRequest, {})).toEqual(['']);
  });

  it('returns the agent token and the Helm install snippet with the new cluster', () => {
    const created = {
      cluster: {
        id: '6f1c9c52-2d0e-4f3b-9a7e-0c1d2e3f4a5b',
        name: 'prod-eu-1',
        description: null,
        createdAt: '2026-07-01T12:00:00Z',
        lastSeenAt: null,
        agent: { status: 'pending', version: null, kubernetesVersion: null, startedAt: null },
        counts: { namespaces: 0, workloads: 0, pods: 0, openFindings: 0 },
      },
      agentToken: 'rat_agent_'.padEnd(48, 'z'),
      install: {
        helmValues: 'ratchet:\n  apiUrl: https://ratchet.example.com\n  agentToken: rat_agent_zzz\n',
        helmCommand: 'helm upgrade --install ratchet-agent ratchet/agent -n ratchet --create-namespace -f values.yaml',
      },
    };
    expect(ClusterCreated.parse(created)).toEqual(created);
    expect(issuePaths(ClusterCreated, { ...created, agentToken: undefined })).toEqual(['agentToken']);
  });
});

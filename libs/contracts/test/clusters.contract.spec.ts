import { describe, expect, it } from '@jest/globals';

import {
  PsaConfiguration,
  AgentTokenIssued,
  AgentTokenParams,
  ClusterCreated,
  ClusterParams,
  CreateClusterRequest,
  IssueAgentTokenRequest,
  UpdateClusterRequest,
} from '../src/index.js';
import { issuePaths } from './support/issues.util.js';

const CLUSTER_ID = '6f1c9c52-2d0e-4f3b-9a7e-0c1d2e3f4a5b';
const TOKEN_ID = '0b5e8a4c-3f2d-4e1a-8b7c-6d5e4f3a2b1c';
const SECRET = 'rag_'.padEnd(47, 'z');

const install = {
  helmValues: 'apiUrl: https://ratchet.example.com\nclusterName: prod-eu-1\nagent:\n  token: rag_zzz\n',
  helmCommand: 'helm upgrade --install ratchet-agent oci://example/ratchet-agent -n ratchet-system --create-namespace -f values.yaml',
  kubectlSecretCommand: 'kubectl create secret generic ratchet-agent-token -n ratchet-system --from-literal=token=rag_zzz',
};

describe('clusters', () => {
  it('names a cluster with an RFC 1123 label and nothing else', () => {
    expect(CreateClusterRequest.parse({ name: 'prod-eu-1' })).toEqual({ name: 'prod-eu-1' });
    expect(issuePaths(CreateClusterRequest, { name: 'Prod EU' })).toEqual(['name']);
    expect(issuePaths(CreateClusterRequest, { name: `a${'b'.repeat(63)}` })).toEqual(['name']);
    expect(issuePaths(CreateClusterRequest, { name: 'prod', region: 'eu' })).toEqual(['region']);
  });

  it('renames with a valid name only', () => {
    expect(UpdateClusterRequest.parse({ name: 'staging' })).toEqual({ name: 'staging' });
    expect(issuePaths(UpdateClusterRequest, {})).toEqual(['name']);
    expect(issuePaths(UpdateClusterRequest, { name: '-staging' })).toEqual(['name']);
  });

  it('takes ids in paths as UUIDs', () => {
    expect(ClusterParams.parse({ clusterId: CLUSTER_ID })).toEqual({ clusterId: CLUSTER_ID });
    expect(issuePaths(ClusterParams, { clusterId: 'prod' })).toEqual(['clusterId']);
    expect(issuePaths(AgentTokenParams, { clusterId: CLUSTER_ID, tokenId: '42' })).toEqual(['tokenId']);
  });

  it('returns the agent token and the install snippet with the new cluster', () => {
    const created = {
      cluster: {
        id: CLUSTER_ID,
        name: 'prod-eu-1',
        createdAt: '2026-07-01T12:00:00Z',
        lastSeenAt: null,
        agent: { status: 'never', version: null, kubernetesVersion: null, auditSource: null },
        psaConfiguration: null,
        psaConfigurationOverride: null,
        effectivePsaConfiguration: { source: 'upstream', configuration: PsaConfiguration.parse({}) },
        psaContradictions: [],
        counts: { namespaces: 0, workloads: 0, pods: 0, openFindings: 0 },
      },
      agentToken: SECRET,
      install,
    };
    expect(ClusterCreated.parse(created)).toEqual(created);
    expect(issuePaths(ClusterCreated, { ...created, agentToken: undefined })).toEqual(['agentToken']);
    expect(issuePaths(ClusterCreated, { ...created, install: { ...install, kubectlSecretCommand: '' } })).toEqual([
      'install.kubectlSecretCommand',
    ]);
  });

  it('issues an additional agent token, optionally named', () => {
    expect(IssueAgentTokenRequest.parse(undefined)).toEqual({});
    expect(IssueAgentTokenRequest.parse({ name: ' rotation ' })).toEqual({ name: 'rotation' });
    expect(issuePaths(IssueAgentTokenRequest, { name: '' })).toEqual(['name']);
    const token = {
      id: TOKEN_ID,
      clusterId: CLUSTER_ID,
      name: 'rotation',
      prefix: 'rag_abcdef',
      createdAt: '2026-07-01T12:00:00Z',
      lastUsedAt: null,
      revokedAt: null,
    };
    expect(AgentTokenIssued.parse({ token, agentToken: SECRET, install })).toEqual({ token, agentToken: SECRET, install });
    expect(issuePaths(AgentTokenIssued, { token: { ...token, secret: SECRET }, agentToken: SECRET, install })).toEqual(['token.secret']);
  });
});

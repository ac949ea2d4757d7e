import { describe, expect, it } from '@jest/globals';

import {
  AuditEventsExportQuery,
  AuditEventsQuery,
  ClustersPage,
  Finding,
  FindingsExportQuery,
  FindingsQuery,
  NamespaceSummary,
  NamespacesQuery,
  WorkloadsQuery,
} from '../src/index.js';
import { issuePaths } from './support/issues.util.js';

const CLUSTER_ID = '6f1c9c52-2d0e-4f3b-9a7e-0c1d2e3f4a5b';

describe('FindingsQuery', () => {
  it('applies defaults to an empty query string', () => {
    expect(FindingsQuery.parse({})).toEqual({ status: 'open', sort: 'lastSeenAt', order: 'desc', limit: 50 });
  });

  it('parses every filter from query-string values', () => {
    const query = { clusterId: CLUSTER_ID, namespace: 'demo', level: 'restricted', checkId: 'runAsNonRoot', status: 'resolved', sort: 'namespace', order: 'asc', limit: '10', cursor: 'abc' };
    expect(FindingsQuery.parse(query)).toEqual({ ...query, limit: 10 });
  });

  it('rejects bad filters and unknown parameters by name', () => {
    const query = { clusterId: 'prod', level: 'privileged', checkId: 'runAsRoot', sort: 'severity', limit: '1000', lvl: 'baseline' };
    expect(issuePaths(FindingsQuery, query)).toEqual(['clusterId', 'level', 'checkId', 'sort', 'limit', 'lvl']);
  });

  it('rejects a repeated parameter, which arrives as an array', () => {
    expect(issuePaths(FindingsQuery, { level: ['baseline', 'restricted'] })).toEqual(['level']);
  });

  it('does not paginate the CSV export', () => {
    expect(issuePaths(FindingsExportQuery, { level: 'baseline', limit: '10' })).toEqual(['limit']);
  });
});

describe('AuditEventsQuery', () => {
  it('filters by time range, namespace, user and check', () => {
    const query = { from: '2026-07-01T00:00:00Z', to: '2026-07-02T00:00:00.000000Z', namespace: 'demo', user: 'system:serviceaccount:ci:deployer', checkId: 'hostPorts' };
    expect(AuditEventsQuery.parse(query)).toEqual({ ...query, order: 'desc', limit: 50 });
  });

  it('rejects a range that ends before it starts, in the list and the export', () => {
    const range = { from: '2026-07-02T00:00:00Z', to: '2026-07-01T00:00:00+02:00' };
    expect(issuePaths(AuditEventsQuery, range)).toEqual(['to']);
    expect(issuePaths(AuditEventsExportQuery, range)).toEqual(['to']);
  });

  it('rejects a time without an offset', () => {
    expect(issuePaths(AuditEventsQuery, { from: '2026-07-01T00:00:00' })).toEqual(['from']);
  });
});

describe('NamespacesQuery and WorkloadsQuery', () => {
  it('needs a level to filter by readiness', () => {
    expect(issuePaths(NamespacesQuery, { readiness: 'blocked' })).toEqual(['readiness']);
    expect(NamespacesQuery.parse({ readiness: 'at-risk', level: 'restricted' }).readiness).toBe('at-risk');
  });

  it('rejects an unknown workload kind', () => {
    expect(issuePaths(WorkloadsQuery, { kind: 'Rollout' })).toEqual(['kind']);
  });
});

describe('response items', () => {
  const readiness = { status: 'blocked', version: 'v1.30', blockingWorkloads: 2, computedAt: '2026-07-01T12:00:00Z' };
  const namespace = {
    clusterId: CLUSTER_ID,
    clusterName: 'prod-eu-1',
    name: 'demo',
    uid: '0f8f2b6e-3c1d-4c55-9a51-7d0f4f3e2a10',
    labels: { enforce: 'baseline', enforceVersion: 'v1.30', audit: 'restrcted' },
    invalidLabels: [{ label: 'audit', value: 'restrcted', message: 'must be one of privileged, baseline, restricted' }],
    readiness: { baseline: { ...readiness, status: 'ready', blockingWorkloads: 0 }, restricted: readiness },
    counts: { workloads: 4, pods: 9, openFindings: 3 },
    createdAt: '2026-06-01T00:00:00Z',
    lastSeenAt: '2026-07-01T12:00:00Z',
  };

  it('describes a namespace with readiness per level', () => {
    expect(NamespaceSummary.parse(namespace)).toEqual(namespace);
    const bad = { ...namespace, readiness: { ...namespace.readiness, restricted: { ...readiness, status: 'maybe' } } };
    expect(issuePaths(NamespaceSummary, bad)).toEqual(['readiness.restricted.status']);
  });

  it('names invalid labels by their PSA label key', () => {
    const bad = { ...namespace, invalidLabels: [{ ...namespace.invalidLabels[0], label: 'team' }] };
    expect(issuePaths(NamespaceSummary, bad)).toEqual(['invalidLabels[0].label']);
  });

  it('describes a finding', () => {
    const finding = {
      id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
      clusterId: CLUSTER_ID,
      clusterName: 'prod-eu-1',
      namespace: 'demo',
      workload: { kind: 'Deployment', name: 'web', uid: '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d' },
      level: 'restricted',
      version: 'latest',
      checkId: 'runAsNonRoot',
      status: 'open',
      reason: 'runAsNonRoot != true',
      detail: 'pod or container "web" must set securityContext.runAsNonRoot=true',
      remediation: null,
      podCount: 2,
      firstSeenAt: '2026-06-01T00:00:00Z',
      lastSeenAt: '2026-07-01T12:00:00Z',
      resolvedAt: null,
    };
    expect(Finding.parse(finding)).toEqual(finding);
    expect(issuePaths(Finding, { ...finding, level: 'privileged', resolvedAt: undefined })).toEqual(['level', 'resolvedAt']);
  });

  it('pages clusters with their agent status', () => {
    const cluster = {
      id: CLUSTER_ID,
      name: 'prod-eu-1',
      description: null,
      createdAt: '2026-06-01T00:00:00Z',
      lastSeenAt: null,
      agent: { status: 'pending', version: null, kubernetesVersion: null, startedAt: null },
      counts: { namespaces: 0, workloads: 0, pods: 0, openFindings: 0 },
    };
    expect(ClustersPage.parse({ items: [cluster], nextCursor: null }).items).toHaveLength(1);
    const bad = { ...cluster, agent: { ...cluster.agent, status: 'connected' } };
    expect(issuePaths(ClustersPage, { items: [bad], nextCursor: null })).toEqual(['items[0].agent.status']);
  });
});

import { describe, expect, it } from '@jest/globals';

import {
  auditEventsRangeIssues,
  PsaConfiguration,
  AUDIT_EVENTS_MAX_RANGE_DAYS,
  AuditEventSummary,
  AuditEventsExportQuery,
  AuditEventsQuery,
  ClustersPage,
  ClustersQuery,
  Finding,
  FindingDetailRecord,
  FindingsExportQuery,
  FindingsQuery,
  NamespaceSummary,
  NamespacesQuery,
  WorkloadDetail,
  WorkloadsQuery,
  auditEventsTimeRange,
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

  it('filters by version and workload kind and name', () => {
    const query = { version: 'v1.30', workloadKind: 'StatefulSet', workloadName: 'db-0.primary' };
    expect(FindingsQuery.parse(query)).toMatchObject(query);
    expect(issuePaths(FindingsQuery, { version: 'v1.01', workloadKind: 'Rollout', workloadName: 'Web' })).toEqual([
      'version',
      'workloadKind',
      'workloadName',
    ]);
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

  it('accepts a range of exactly 90 days and rejects a longer one, in the list and the export', () => {
    const from = '2026-01-01T00:00:00Z';
    expect(AUDIT_EVENTS_MAX_RANGE_DAYS).toBe(90);
    expect(issuePaths(AuditEventsQuery, { from, to: '2026-04-01T00:00:00Z' })).toEqual([]);
    expect(issuePaths(AuditEventsQuery, { from, to: '2026-04-01T00:00:00.001Z' })).toEqual(['from']);
    expect(issuePaths(AuditEventsExportQuery, { from, to: '2026-04-02T00:00:00Z' })).toEqual(['from']);
  });

  it('measures a range without `to` from the `now` it is given (the API its clock), so an old `from` alone is too long and a future one is refused', () => {
    const now = new Date('2026-07-10T00:00:00Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
    expect(auditEventsRangeIssues({ from: daysAgo(30) }, now)).toEqual([]);
    expect(auditEventsRangeIssues({ from: daysAgo(91) }, now)).toEqual([
      { path: 'from', message: 'the range from..to spans more than 90 days (to defaults to now); query several shorter ranges' },
    ]);
    expect(auditEventsRangeIssues({ from: daysAgo(-1) }, now)).toEqual([{ path: 'from', message: 'must be in the past (to defaults to now)' }]);
    expect(auditEventsRangeIssues({ from: daysAgo(1), to: daysAgo(2) }, now)).toEqual([{ path: 'to', message: 'must be after from' }]);
    // The contract has no clock: it leaves a range without `to` to the API, and checks one with it.
    expect(issuePaths(AuditEventsQuery, { from: '2000-01-01T00:00:00Z' })).toEqual([]);
    expect(issuePaths(AuditEventsQuery, { from: '2000-01-01T00:00:00Z', to: '2000-06-01T00:00:00Z' })).toEqual(['from']);
  });

  it('defaults to the 7 days before `to`, which defaults to now', () => {
    const now = new Date('2026-07-10T00:00:00Z');
    expect(auditEventsTimeRange({}, now)).toEqual({ from: new Date('2026-07-03T00:00:00Z'), to: now });
    expect(auditEventsTimeRange({ to: '2026-07-05T00:00:00Z' }, now)).toEqual({
      from: new Date('2026-06-28T00:00:00Z'),
      to: new Date('2026-07-05T00:00:00Z'),
    });
    expect(auditEventsTimeRange({ from: '2026-07-01T00:00:00+02:00' }, now)).toEqual({ from: new Date('2026-06-30T22:00:00Z'), to: now });
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

  it('lists live workloads unless deleted=true', () => {
    expect(WorkloadsQuery.parse({}).deleted).toBe(false);
    expect(WorkloadsQuery.parse({ deleted: 'true' }).deleted).toBe(true);
    expect(WorkloadsQuery.parse({ deleted: 'false' }).deleted).toBe(false);
    expect(issuePaths(WorkloadsQuery, { deleted: 'yes' })).toEqual(['deleted']);
  });
});

describe('response items', () => {
  const readiness = {
    status: 'blocked',
    version: 'v1.30',
    blockingWorkloads: 2,
    computedAt: '2026-07-01T12:00:00Z',
    provisional: false,
    observedSince: '2026-06-01T00:00:00Z',
    auditSource: 'webhook',
    exempt: false,
  };
  const namespace = {
    id: '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
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
    deletedAt: null,
  };

  it('describes a namespace with readiness per level', () => {
    expect(NamespaceSummary.parse(namespace)).toEqual(namespace);
    expect(NamespaceSummary.parse({ ...namespace, uid: null }).uid).toBeNull();
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
      injectedContainers: [],
      remediation: null,
      podCount: 2,
      firstSeenAt: '2026-06-01T00:00:00Z',
      lastSeenAt: '2026-07-01T12:00:00Z',
      resolvedAt: null,
    };
    expect(Finding.parse(finding)).toEqual(finding);
    expect(issuePaths(Finding, { ...finding, level: 'privileged', resolvedAt: undefined })).toEqual(['level', 'resolvedAt']);

    const workload = {
      id: '8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e',
      clusterId: CLUSTER_ID,
      clusterName: 'prod-eu-1',
      namespaceId: '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
      namespace: 'demo',
      kind: 'Deployment',
      name: 'web',
      uid: finding.workload.uid,
      replicas: 2,
      podCount: 2,
      projectionHash: 'a'.repeat(64),
      openFindings: { baseline: 0, restricted: 1 },
      firstSeenAt: '2026-06-01T00:00:00Z',
      lastSeenAt: '2026-07-01T12:00:00Z',
      deletedAt: null,
      ownerChain: [],
      findings: [finding],
    };
    expect(WorkloadDetail.parse(workload)).toEqual(workload);
    expect(issuePaths(WorkloadDetail, { ...workload, findings: [{ ...finding, status: 'gone' }] })).toEqual(['findings[0].status']);
  });

  it('reads the finding detail the worker stores', () => {
    expect(FindingDetailRecord.parse({ detail: 'container "web" must not run as root', pods: ['web-1'] }).pods).toEqual(['web-1']);
    expect(issuePaths(FindingDetailRecord, { detail: 3, pods: ['Web'] })).toEqual(['detail', 'pods[0]']);
  });

  it('describes an audit event with its cluster name', () => {
    const event = {
      id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
      clusterId: CLUSTER_ID,
      clusterName: 'prod-eu-1',
      auditId: '5f0c6a8e-1b2c-4d3e-8f4a-5b6c7d8e9f0a',
      stage: 'ResponseComplete',
      time: '2026-07-01T12:00:00.123Z',
      receivedAt: '2026-07-01T12:00:01Z',
      verb: 'create',
      user: { username: 'alice', groups: ['system:authenticated'] },
      impersonatedUser: null,
      objectRef: { resource: 'pods', namespace: 'demo', name: 'web', apiVersion: 'v1' },
      namespace: 'demo',
      dryRun: false,
      level: 'restricted',
      version: 'latest',
      checks: [{ id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: 'pod must set runAsNonRoot=true' }],
      unparsed: false,
      parseError: null,
      auditViolations: 'would violate PodSecurity "restricted:latest": runAsNonRoot != true (pod must set runAsNonRoot=true)',
      annotationKeyPrefix: null,
      enforcePolicy: null,
      responseCode: 201,
    };
    expect(AuditEventSummary.parse(event)).toEqual(event);
    expect(issuePaths(AuditEventSummary, { ...event, stage: 'Done', dryRun: 'no' })).toEqual(['stage', 'dryRun']);
    // An unparsed event whose policy prefix was unreadable has no level, version nor checks.
    const unparsed = { ...event, level: null, version: null, checks: [], unparsed: true, parseError: 'not a Pod Security violation' };
    expect(AuditEventSummary.parse(unparsed)).toEqual(unparsed);
  });

  it('filters audit events by the dry-run, unparsed and impersonation fields', () => {
    const query = AuditEventsQuery.parse({ dryRun: 'true', unparsed: 'false', impersonatedUser: 'bob', resource: 'deployments' });
    expect(query).toMatchObject({ dryRun: true, unparsed: false, impersonatedUser: 'bob', resource: 'deployments' });
    expect(issuePaths(AuditEventsQuery, { dryRun: 'yes', unparsed: '1', impersonatedUser: '', resource: 'Pods' })).toEqual([
      'impersonatedUser',
      'resource',
      'dryRun',
      'unparsed',
    ]);
  });

  it('pages clusters with their agent status', () => {
    const cluster = {
      id: CLUSTER_ID,
      name: 'prod-eu-1',
      createdAt: '2026-06-01T00:00:00Z',
      lastSeenAt: null,
      agent: { status: 'never', version: null, kubernetesVersion: null, auditSource: null },
      psaConfiguration: null,
      psaConfigurationOverride: null,
      effectivePsaConfiguration: { source: 'upstream', configuration: PsaConfiguration.parse({}) },
      psaContradictions: [],
      counts: { namespaces: 0, workloads: 0, pods: 0, openFindings: 0 },
    };
    expect(ClustersPage.parse({ items: [cluster], nextCursor: null }).items).toHaveLength(1);
    const bad = { ...cluster, agent: { ...cluster.agent, status: 'online' }, description: 'x' };
    expect(issuePaths(ClustersPage, { items: [bad], nextCursor: null })).toEqual(['items[0].agent.status', 'items[0].description']);
  });

  it('filters clusters by agent status and refuses unknown parameters', () => {
    expect(ClustersQuery.parse({ agentStatus: 'stale', limit: '5' })).toEqual({ agentStatus: 'stale', limit: 5 });
    expect(issuePaths(ClustersQuery, { agentStatus: 'pending', status: 'connected' })).toEqual(['agentStatus', 'status']);
  });
});

import { describe, expect, it } from '@jest/globals';

import {
  EvaluateProjectionsJob,
  IngestAuditEventsJob,
  JOB_NAMES,
  JOB_PAYLOADS,
  JOB_PAYLOAD_VERSION,
  JOB_QUEUE,
  RecomputeReadinessJob,
  batchJobId,
} from '../src/index.js';
import { issuePaths } from './support/issues.util.js';

const ORG_ID = '0b5e8a4c-3f2d-4e1a-8b7c-6d5e4f3a2b1c';
const CLUSTER_ID = '6f1c9c52-2d0e-4f3b-9a7e-0c1d2e3f4a5b';
const BATCH_ID = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const base = { version: JOB_PAYLOAD_VERSION, orgId: ORG_ID, clusterId: CLUSTER_ID };
const audit = { ...base, batchId: BATCH_ID };

describe('jobs', () => {
  it('names one queue BullMQ accepts, and a schema for every job name', () => {
    expect(JOB_QUEUE).not.toContain(':');
    expect(Object.keys(JOB_PAYLOADS).sort()).toEqual(Object.values(JOB_NAMES).sort());
  });

  it('parses each payload with its tenant and cluster, and the audit job with its batch', () => {
    expect(EvaluateProjectionsJob.parse(base)).toEqual(base);
    expect(RecomputeReadinessJob.parse(base)).toEqual(base);
    expect(IngestAuditEventsJob.parse({ ...audit, namespaces: ['demo', 'web'] }).namespaces).toEqual(['demo', 'web']);
  });

  it('refuses a payload without a tenant, of another version, or with unknown fields', () => {
    const { orgId: _orgId, ...withoutOrg } = base;
    expect(issuePaths(EvaluateProjectionsJob, withoutOrg)).toEqual(['orgId']);
    expect(issuePaths(EvaluateProjectionsJob, { ...base, version: 1 })).toEqual(['version']);
    expect(issuePaths(RecomputeReadinessJob, { ...base, clusterId: 'prod', extra: true })).toEqual(['clusterId', 'extra']);
    // The inventory jobs name a cluster; what changed is in inventory_marks, not in the payload.
    expect(issuePaths(RecomputeReadinessJob, { ...base, namespaces: ['demo'] })).toEqual(['namespaces']);
    expect(issuePaths(EvaluateProjectionsJob, audit)).toEqual(['batchId']);
  });

  it('refuses audit jobs without namespaces and namespaces that are not names', () => {
    expect(issuePaths(IngestAuditEventsJob, audit)).toEqual(['namespaces']);
    expect(issuePaths(IngestAuditEventsJob, { ...audit, namespaces: [] })).toEqual(['namespaces']);
    expect(issuePaths(IngestAuditEventsJob, { ...audit, namespaces: ['Demo'] })).toEqual(['namespaces[0]']);
    expect(issuePaths(IngestAuditEventsJob, { ...base, namespaces: ['demo'] })).toEqual(['batchId']);
  });

  it('derives one job id per job and batch, without the ":" BullMQ refuses', () => {
    const id = batchJobId(JOB_NAMES.ingestAuditEvents, BATCH_ID);
    expect(id).toBe(`ingest-audit-events.${BATCH_ID}`);
    expect(id).not.toContain(':');
    expect(batchJobId(JOB_NAMES.evaluateProjections, BATCH_ID)).not.toBe(id);
  });
});

import { describe, expect, it } from '@jest/globals';

import { JOB_NAMES, JOB_PAYLOAD_VERSION } from '@ratchet/contracts';

import { JobPayloadError, parseJobPayload, prepareJob } from './job.js';

const ORG_ID = '0b5e8a4c-3f2d-4e1a-8b7c-6d5e4f3a2b1c';
const CLUSTER_ID = '6f1c9c52-2d0e-4f3b-9a7e-0c1d2e3f4a5b';
const BATCH_ID = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const cluster = { version: JOB_PAYLOAD_VERSION, orgId: ORG_ID, clusterId: CLUSTER_ID } as const;

describe('prepareJob', () => {
  it('collapses the inventory jobs per organization, cluster and job, keeping one follow-up of a running one', () => {
    const sut = prepareJob(JOB_NAMES.evaluateProjections, cluster);
    expect(sut).toEqual({
      name: 'evaluate-projections',
      payload: cluster,
      options: { deduplication: { id: `evaluate-projections.${ORG_ID}.${CLUSTER_ID}`, keepLastIfActive: true } },
    });
    expect(prepareJob(JOB_NAMES.recomputeReadiness, cluster).options.deduplication?.id).toBe(`recompute-readiness.${ORG_ID}.${CLUSTER_ID}`);
  });

  it('gives the audit job its batch id, so only a repeat of the same batch collapses', () => {
    const sut = prepareJob(JOB_NAMES.ingestAuditEvents, { ...cluster, batchId: BATCH_ID, namespaces: ['shop'] });
    expect(sut.options).toEqual({ jobId: `ingest-audit-events.${BATCH_ID}` });
  });

  it('collapses evaluate-versions per cluster and version set, whatever the order the versions come in', () => {
    const sut = prepareJob(JOB_NAMES.evaluateVersions, { ...cluster, versions: ['v1.33', 'v1.31'] });
    expect(sut.options).toEqual({ deduplication: { id: `evaluate-versions.${ORG_ID}.${CLUSTER_ID}.v1.31_v1.33` } });
    expect(prepareJob(JOB_NAMES.evaluateVersions, { ...cluster, versions: ['v1.31', 'v1.33'] }).options).toEqual(sut.options);
    expect(() => prepareJob(JOB_NAMES.evaluateVersions, { ...cluster, versions: ['latest'] })).toThrow(/versions\.0: must be a concrete version/);
  });

  it('refuses a payload its contract refuses before anything is written, naming the field', () => {
    expect(() => prepareJob(JOB_NAMES.ingestAuditEvents, { ...cluster, batchId: BATCH_ID, namespaces: [] })).toThrow(
      new JobPayloadError('ingest-audit-events', [{ path: 'namespaces', message: 'Too small: expected array to have >=1 items' }]),
    );
    expect(() => prepareJob(JOB_NAMES.recomputeReadiness, { ...cluster, orgId: 'acme' })).toThrow(/invalid recompute-readiness payload: orgId: /);
    expect(() => parseJobPayload('send-fax', cluster)).toThrow('invalid send-fax payload: (payload): is not a job of ratchet-evaluate');
  });
});

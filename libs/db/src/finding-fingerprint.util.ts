import { createHash } from 'node:crypto';

import type { PssLevel, WorkloadKind } from './generated/prisma/client.js';

/** What identifies a finding across evaluations, versions and recreations of its workload. */
export interface FindingIdentity {
  clusterId: string;
  namespace: string;
  workloadKind: WorkloadKind;
  workloadName: string;
  level: PssLevel;
  checkId: string;
}

/**
 * The stable fingerprint of a finding (`findings.fingerprint`): sha256 hex of (cluster, namespace, kind, name,
 * level, check). The parts are JSON-encoded as an array so no two identities can run together.
 */
export function findingFingerprint(identity: FindingIdentity): string {
  const parts = [
    identity.clusterId,
    identity.namespace,
    identity.workloadKind,
    identity.workloadName,
    identity.level,
    identity.checkId,
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

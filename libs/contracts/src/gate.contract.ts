import { z } from 'zod';

import { CheckId, Count, EnforceableLevel, Id, NamespaceName, ObjectName, PsaVersion } from './common.contract.js';
import { WorkloadKind } from './ingest.contract.js';

/**
 * Query of `GET /api/v1/clusters/:clusterId/gate`: may `namespaces` (comma-separated; all live ones when omitted)
 * enforce `level` at `version`?
 */
export const GateQuery = z.strictObject({
  level: EnforceableLevel,
  version: PsaVersion.default('latest'),
  namespaces: z
    .string()
    .max(64 * 1024)
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const names = [...new Set(value.split(',').map((name) => name.trim()))];
      for (const name of names) {
        const parsed = NamespaceName.safeParse(name);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: `${JSON.stringify(name)} is not a namespace name: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
          return z.NEVER;
        }
      }
      return names;
    })
    .meta({ description: 'Comma-separated namespace names; omitted: every live namespace of the cluster.' }),
});
export type GateQuery = z.output<typeof GateQuery>;

/** Why the gate is closed for one namespace. */
export const GateBlocker = z.strictObject({
  namespace: NamespaceName,
  workloads: z.array(z.strictObject({ kind: WorkloadKind, name: ObjectName, checks: z.array(CheckId).min(1), warning: z.string() })).meta({ description: 'Workloads whose template or pods would be rejected, with their failing checks.' }),
  auditViolations: Count.meta({ description: 'Audit-mode violations of the level recorded within the readiness window (dry runs excluded; unparsed ones count).' }),
});
export type GateBlocker = z.infer<typeof GateBlocker>;

/** The gate's verdict: `ready` exactly when `blockers` and `unknownNamespaces` are empty. */
export const GateResult = z.strictObject({
  clusterId: Id,
  level: EnforceableLevel,
  version: PsaVersion,
  evaluatedVersion: z.string(),
  verdict: z.enum(['ready', 'not_ready']),
  windowDays: Count.meta({ description: "The organization's readiness window in days: audit violations this recent block." }),
  namespacesChecked: Count,
  unknownNamespaces: z.array(NamespaceName).meta({ description: 'Named namespaces the agent has not reported: the gate cannot vouch for them, so it stays closed.' }),
  blockers: z.array(GateBlocker),
  reasons: z.array(z.string()).min(1).meta({ description: 'Why, in words, one line each: what a pipeline log shows.' }),
});
export type GateResult = z.infer<typeof GateResult>;

import type { PssLevel, TenantScope, Transaction } from '@ratchet/db';
import { evaluatePod, type PodLike } from '@ratchet/pss';

import {
  clusterGitVersions,
  insertVerdicts,
  markProjectionsEvaluated,
  pendingProjections,
  pinnedVersionLabels,
  readProjections,
  readVerdicts,
  type ProjectionVerdict,
} from './evaluation.repository.js';
import { clusterReleaseVersion, concreteVersion, versionLabel } from './policy-version.util.js';

/** The levels readiness and findings are computed for (privileged admits everything). */
export const EVALUATED_LEVELS: readonly PssLevel[] = ['baseline', 'restricted'];

/** Verdicts by projection id, then `<level>@<version>`. */
export type VerdictIndex = Map<string, Map<string, ProjectionVerdict>>;

export function verdictKey(level: PssLevel, version: string): string {
  return `${level}@${version}`;
}

/** Evaluates a stored projection at one level and concrete version with libs/pss. */
export function evaluateProjection(projectionId: string, projection: unknown, level: PssLevel, version: string): ProjectionVerdict {
  const evaluation = evaluatePod(projection as PodLike, level, version);
  return {
    projectionId,
    level,
    version,
    allowed: evaluation.allowed,
    checks: evaluation.checks.map((check) => ({ id: check.id, reason: check.reason, detail: check.detail })),
  };
}

/**
 * The concrete versions that matter to an organization now: every version a live namespace pins (enforce, audit,
 * warn; `latest` excluded) and each cluster's own release (its `latest`).
 */
export async function organizationVersions(tx: Transaction, scope: TenantScope): Promise<string[]> {
  const versions = new Set<string>();
  for (const label of await pinnedVersionLabels(tx, scope)) {
    const keyed = versionLabel(label);
    if (keyed !== 'latest') versions.add(concreteVersion(keyed, null)!);
  }
  for (const gitVersion of await clusterGitVersions(tx, scope)) {
    const release = clusterReleaseVersion(gitVersion);
    if (release !== null) versions.add(release);
  }
  return [...versions].sort();
}

/**
 * Evaluates up to `limit` projections waiting for evaluation at every level and organization version, stores the
 * verdicts and sets their evaluated_at. Returns how many projections it took (fewer than `limit`: none left).
 */
export async function evaluatePendingProjections(tx: Transaction, scope: TenantScope, limit: number, now: Date): Promise<number> {
  const pending = await pendingProjections(tx, scope, limit);
  if (pending.length === 0) return 0;
  const versions = await organizationVersions(tx, scope);
  const verdicts = pending.flatMap((p) => versions.flatMap((version) => EVALUATED_LEVELS.map((level) => evaluateProjection(p.id, p.projection, level, version))));
  await insertVerdicts(tx, scope, verdicts, now);
  await markProjectionsEvaluated(tx, scope, pending.map((p) => p.id), now);
  return pending.length;
}

/**
 * The verdicts of these projections at every level and these concrete versions, evaluating (and storing) the ones
 * not stored yet: a namespace pinning a new version, or a cluster upgraded, needs verdicts no earlier run made.
 */
export async function ensureVerdicts(
  tx: Transaction,
  scope: TenantScope,
  projectionIds: readonly string[],
  versions: readonly string[],
  now: Date,
): Promise<VerdictIndex> {
  const ids = [...new Set(projectionIds)];
  const wanted = [...new Set(versions)];
  const index: VerdictIndex = new Map();
  const put = (verdict: ProjectionVerdict) => {
    let byKey = index.get(verdict.projectionId);
    if (!byKey) index.set(verdict.projectionId, (byKey = new Map<string, ProjectionVerdict>()));
    byKey.set(verdictKey(verdict.level, verdict.version), verdict);
  };
  (await readVerdicts(tx, scope, ids, wanted)).forEach(put);
  const missing = ids.filter((id) => wanted.some((version) => EVALUATED_LEVELS.some((level) => !index.get(id)?.has(verdictKey(level, version)))));
  if (missing.length > 0) {
    const fresh: ProjectionVerdict[] = [];
    for (const projection of await readProjections(tx, scope, missing)) {
      for (const version of wanted) {
        for (const level of EVALUATED_LEVELS) {
          if (!index.get(projection.id)?.has(verdictKey(level, version))) fresh.push(evaluateProjection(projection.id, projection.projection, level, version));
        }
      }
    }
    await insertVerdicts(tx, scope, fresh, now);
    fresh.forEach(put);
  }
  return index;
}

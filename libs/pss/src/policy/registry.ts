import { MAX_MINOR } from '../api/version.js';
import { DEFAULT_CHECKS } from '../checks/index.js';
import type { CheckDefinition, CheckFn, CheckId } from './check.types.js';
import { compareGo } from './format.util.js';

/** One check as it runs at one version. */
export interface ActiveCheck {
  id: CheckId;
  check: CheckFn;
}

/** The checks each level runs at each minor, in result order; built once (upstream `populate`). */
export interface CheckTable {
  baseline: readonly (readonly ActiveCheck[])[];
  restricted: readonly (readonly ActiveCheck[])[];
  /** Checks run by either level, each once, in result order: for evaluating all levels in one pass. */
  union: readonly (readonly ActiveCheck[])[];
  /** Per minor, the IDs each level runs, to split a union result into levels. */
  baselineIds: readonly ReadonlySet<CheckId>[];
  restrictedIds: readonly ReadonlySet<CheckId>[];
}

function implementationAt(definition: CheckDefinition, minor: number) {
  let active;
  for (const versioned of definition.versions) {
    if (versioned.minVersion <= minor) active = versioned;
  }
  return active;
}

export function buildCheckTable(checks: readonly CheckDefinition[], maxMinor: number): CheckTable {
  // Baseline IDs sorted bytewise, then restricted IDs sorted bytewise.
  const byLevel = (level: CheckDefinition['level']) =>
    checks.filter((c) => c.level === level).sort((a, b) => compareGo(a.id, b.id));
  const ordered = [...byLevel('baseline'), ...byLevel('restricted')];

  const baseline: ActiveCheck[][] = [];
  const restricted: ActiveCheck[][] = [];
  const union: ActiveCheck[][] = [];
  for (let minor = 0; minor <= maxMinor; minor++) {
    const overridden = new Set<CheckId>();
    for (const definition of ordered) {
      if (definition.level !== 'restricted') continue;
      for (const id of implementationAt(definition, minor)?.overrides ?? []) overridden.add(id);
    }
    const atBaseline: ActiveCheck[] = [];
    const atRestricted: ActiveCheck[] = [];
    for (const definition of ordered) {
      const versioned = implementationAt(definition, minor);
      if (!versioned) continue;
      const active = { id: definition.id, check: versioned.check };
      if (definition.level === 'baseline') {
        atBaseline.push(active);
        if (!overridden.has(definition.id)) atRestricted.push(active);
      } else {
        atRestricted.push(active);
      }
    }
    baseline.push(atBaseline);
    restricted.push(atRestricted);
    union.push(ordered.flatMap((d) => {
      const hit = atBaseline.find((a) => a.id === d.id) ?? atRestricted.find((a) => a.id === d.id);
      return hit ? [hit] : [];
    }));
  }
  const ids = (table: ActiveCheck[][]) => table.map((active) => new Set(active.map((a) => a.id)));
  return { baseline, restricted, union, baselineIds: ids(baseline), restrictedIds: ids(restricted) };
}

export const DEFAULT_CHECK_TABLE: CheckTable = buildCheckTable(DEFAULT_CHECKS, MAX_MINOR);

/** The check IDs in upstream's result order. */
export const CHECK_IDS: readonly CheckId[] = DEFAULT_CHECK_TABLE.union[MAX_MINOR]!.map((c) => c.id);

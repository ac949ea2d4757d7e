import type { EnforceableLevel } from '@ratchet/contracts';

export interface WhatIfChoice {
  level: EnforceableLevel;
  version: string;
  namespaces: string[] | 'all';
}

const VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

/** The what-if choices from the URL (`level`, `version`, repeated `ns`), defaults for what is absent or malformed. */
export function parseWhatIfParams(query: Record<string, string | string[] | undefined>): WhatIfChoice {
  const one = (key: string) => (Array.isArray(query[key]) ? query[key][0] : query[key]);
  const level = one('level') === 'baseline' ? 'baseline' : 'restricted';
  const rawVersion = one('version') ?? 'latest';
  const version = VERSION.test(rawVersion) ? rawVersion : 'latest';
  const raw = query['ns'];
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((value) => value.split(',')).filter((name) => name !== '' && name !== 'all');
  return { level, version, namespaces: list.length === 0 ? 'all' : [...new Set(list)].sort() };
}

/** Versions to offer: latest, then v1.22 (the first with Pod Security admission) up to the cluster's minor, newest first. */
export function versionChoices(kubernetesVersion: string | null, current: string): string[] {
  const minor = Number(/^v?1\.(\d+)/.exec(kubernetesVersion ?? '')?.[1] ?? 35);
  const versions = ['latest'];
  for (let m = Math.max(minor, 22); m >= 22; m -= 1) versions.push(`v1.${m}`);
  if (!versions.includes(current)) versions.push(current);
  return versions;
}

import { readFileSync } from 'node:fs';

import { parse } from 'yaml';

import type { PodLike } from '../../src/index.js';

/** One upstream conformance fixture, as listed in the bundle's manifest. */
export interface FixtureEntry {
  file: string;
  level: 'baseline' | 'restricted';
  version: string;
  expect: 'allow' | 'deny';
  check: string | null;
  index?: number;
  reportedBy?: string;
  expectErrorSubstring?: string;
  sha256: string;
}

export interface Fixture extends FixtureEntry {
  text: string;
  pod: PodLike;
}

export interface FixtureBundle {
  source: Record<string, string>;
  fixtures: FixtureEntry[];
  blobs: Record<string, string>;
}

const BUNDLE_PATH = new URL('../conformance/pss-fixtures.json', import.meta.url);

let cached: Fixture[] | undefined;

export function readFixtureBundle(): FixtureBundle {
  return JSON.parse(readFileSync(BUNDLE_PATH, 'utf8')) as FixtureBundle;
}

/** Every fixture with its YAML text and parsed pod; parsed once per test file. */
export function loadFixtures(): Fixture[] {
  if (cached) return cached;
  const bundle = readFixtureBundle();
  const pods = new Map<string, PodLike>();
  cached = bundle.fixtures.map((entry) => {
    const text = bundle.blobs[entry.sha256];
    if (text === undefined) throw new Error(`fixture bundle has no blob for ${entry.file}`);
    let pod = pods.get(entry.sha256);
    if (!pod) {
      pod = parse(text) as PodLike;
      pods.set(entry.sha256, pod);
    }
    // Each fixture gets its own copy so a test that mutates a pod cannot leak into another.
    return { ...entry, text, pod: structuredClone(pod) };
  });
  return cached;
}

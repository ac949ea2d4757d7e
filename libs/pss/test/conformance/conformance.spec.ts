import { createHash } from 'node:crypto';
import { basename } from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { evaluatePod, violationMessage } from '../../src/index.js';
import type { Fixture } from '../support/fixtures.util.js';
import { loadFixtures, readFixtureBundle } from '../support/fixtures.util.js';

// Upstream test/run.go fails any denial whose message carries this placeholder.
const UNKNOWN_FORBIDDEN_REASON = 'unknown forbidden reason';
// The newest registered check version: `latest` and anything newer must behave exactly like it.
const NEWEST_FIXTURE_VERSION = 'v1.37';

const fixtures = loadFixtures();

function groupByDirectory(all: readonly Fixture[]): [string, Fixture[]][] {
  const groups = new Map<string, Fixture[]>();
  for (const fixture of all) {
    const key = `${fixture.level} ${fixture.version}`;
    const group = groups.get(key);
    if (group) group.push(fixture);
    else groups.set(key, [fixture]);
  }
  return [...groups];
}

describe('fixture bundle', () => {
  const bundle = readFixtureBundle();

  it('stores every blob under the sha256 of its bytes', () => {
    const mismatched = Object.entries(bundle.blobs)
      .filter(([digest, text]) => createHash('sha256').update(text, 'utf8').digest('hex') !== digest)
      .map(([digest]) => digest);
    expect(mismatched).toEqual([]);
  });

  it('lists 4,537 distinct files, each with a blob, and no unused blob', () => {
    expect(bundle.fixtures).toHaveLength(4537);
    expect(new Set(bundle.fixtures.map((f) => f.file)).size).toBe(4537);
    expect(bundle.fixtures.filter((f) => bundle.blobs[f.sha256] === undefined)).toEqual([]);
    expect(new Set(bundle.fixtures.map((f) => f.sha256))).toEqual(new Set(Object.keys(bundle.blobs)));
  });

  it('has upstream counts per level and expectation', () => {
    const counts: Record<string, number> = {};
    for (const { level, expect: verdict } of bundle.fixtures) {
      counts[`${level} ${verdict}`] = (counts[`${level} ${verdict}`] ?? 0) + 1;
    }
    expect(counts).toEqual({
      'baseline allow': 433,
      'baseline deny': 1122,
      'restricted allow': 618,
      'restricted deny': 2364,
    });
  });

  it('files each fixture under its level, version and verdict, with its stem as the pod name', () => {
    const misfiled = fixtures.filter((f) => {
      const directory = `testdata/${f.level}/${f.version}/${f.expect === 'allow' ? 'pass' : 'fail'}/`;
      return !f.file.startsWith(directory) || f.pod.metadata?.name !== basename(f.file, '.yaml');
    });
    expect(misfiled.map((f) => f.file)).toEqual([]);
  });

  it('gives every deny fixture the check that reports it and the substring upstream asserts', () => {
    const incomplete = fixtures.filter((f) => f.expect === 'deny' && (!f.reportedBy || !f.expectErrorSubstring));
    expect(incomplete.map((f) => f.file)).toEqual([]);
  });
});

describe.each(groupByDirectory(fixtures))('%s', (_directory, group) => {
  it.each(group)('$file', (fixture) => {
    const evaluation = evaluatePod(fixture.pod, fixture.level, fixture.version);

    expect(evaluation.level).toBe(fixture.level);
    expect(evaluation.version).toBe(fixture.version);
    if (fixture.expect === 'allow') {
      expect({ allowed: evaluation.allowed, detail: evaluation.forbiddenDetail }).toEqual({ allowed: true, detail: '' });
      expect(evaluation.checks).toEqual([]);
      return;
    }
    expect(evaluation.allowed).toBe(false);
    expect(evaluation.forbiddenDetail).toContain(fixture.expectErrorSubstring);
    expect(evaluation.checks.map((c) => c.id)).toContain(fixture.reportedBy);
    expect(evaluation.forbiddenDetail).not.toContain(UNKNOWN_FORBIDDEN_REASON);
  });
});

describe.each(['latest', 'v1.40'])(`${NEWEST_FIXTURE_VERSION} fixtures at %s`, (requested) => {
  const newest = fixtures.filter((f) => f.version === NEWEST_FIXTURE_VERSION);

  it('covers every v1.37 directory', () => {
    expect(newest).toHaveLength(148);
  });

  it.each(newest)('$file', (fixture) => {
    const reference = evaluatePod(fixture.pod, fixture.level, NEWEST_FIXTURE_VERSION);
    const evaluation = evaluatePod(fixture.pod, fixture.level, requested);

    expect(evaluation.allowed).toBe(fixture.expect === 'allow');
    expect(evaluation.checks).toEqual(reference.checks);
    expect(evaluation.forbiddenReason).toBe(reference.forbiddenReason);
    expect(evaluation.forbiddenDetail).toBe(reference.forbiddenDetail);
    expect(evaluation.version).toBe(requested);
    expect(violationMessage(evaluation)).toBe(
      `would violate PodSecurity "${fixture.level}:${requested}": ${reference.forbiddenDetail}`,
    );
  });
});

import { isDeepStrictEqual } from 'node:util';

import { describe, expect, it } from '@jest/globals';

import { evaluatePod, evaluatePodAllLevels } from '../src/index.js';
import { loadFixtures } from './support/fixtures.util.js';

const sut = evaluatePodAllLevels;
const fixtures = loadFixtures();

// v1.0 and latest, the minors where restricted gains an override or relaxation (v1.19, v1.22, v1.25, v1.35)
// or a check appears (v1.34), and v1.18, the last minor before the first override.
const VERSIONS = ['v1.0', 'v1.18', 'v1.19', 'v1.22', 'v1.25', 'v1.34', 'v1.35', 'latest'];

describe('evaluatePodAllLevels', () => {
  it.each(['its own version', ...VERSIONS])('equals three evaluatePod calls on every fixture at %s', (requested) => {
    const mismatched: string[] = [];
    for (const fixture of fixtures) {
      const version = requested === 'its own version' ? fixture.version : requested;
      const expected = {
        privileged: evaluatePod(fixture.pod, 'privileged', version),
        baseline: evaluatePod(fixture.pod, 'baseline', version),
        restricted: evaluatePod(fixture.pod, 'restricted', version),
      };
      if (!isDeepStrictEqual(sut(fixture.pod, version), expected)) mismatched.push(fixture.file);
    }

    expect(mismatched).toEqual([]);
  });

  it('finds failures at both levels on the fixtures, so the comparison is not vacuous', () => {
    const results = fixtures.map((f) => sut(f.pod, f.version));

    expect(results.filter((r) => !r.baseline.allowed).length).toBeGreaterThan(1000);
    expect(results.filter((r) => r.baseline.allowed && !r.restricted.allowed).length).toBeGreaterThan(1000);
  });
});

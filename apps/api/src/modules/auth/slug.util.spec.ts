import { describe, expect, it } from '@jest/globals';

import { organizationSlug, slugCandidate } from './slug.util.js';

describe('organizationSlug', () => {
  it.each([
    ['Acme Platform Team', 'acme-platform-team'],
    ['  Ünïcode & Co.  ', 'unicode-co'],
    ['Crème Brûlée GmbH', 'creme-brulee-gmbh'],
    ['---', 'org'],
    ['日本', 'org'],
    ['a'.repeat(60), 'a'.repeat(48)],
    [`${'a'.repeat(47)} b`, 'a'.repeat(47)],
  ])('%j → %j', (name, slug) => {
    expect(organizationSlug(name)).toBe(slug);
  });
});

describe('slugCandidate', () => {
  it('tries the plain slug first, then random suffixes', () => {
    expect(slugCandidate('Acme', 0)).toBe('acme');
    const retries = new Set([1, 2, 3].map((attempt) => slugCandidate('Acme', attempt)));
    for (const retry of retries) expect(retry).toMatch(/^acme-[0-9a-f]{6}$/);
    expect(retries.size).toBe(3);
  });
});

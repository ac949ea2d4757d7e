import { describe, expect, it } from '@jest/globals';

import { z } from 'zod';

import { formatZodIssues } from '../src/index.js';

const sut = formatZodIssues;

const Batch = z.strictObject({
  events: z.array(z.strictObject({ auditId: z.string(), labels: z.record(z.string(), z.string()).optional() })),
});

function issuesFor(input: unknown) {
  const result = Batch.safeParse(input);
  if (result.success) throw new Error('expected the input to be rejected');
  return sut(result.error);
}

describe('formatZodIssues', () => {
  it('writes paths with dots and indexes', () => {
    const events = [{ auditId: 'a' }, { auditId: 'b' }, { auditId: 'c' }, { auditId: 4 }];
    expect(issuesFor({ events })).toEqual([{ path: 'events[3].auditId', message: 'Invalid input: expected string, received number' }]);
  });

  it('gives each unknown field its own path', () => {
    expect(issuesFor({ events: [{ auditId: 'a', verb: 'x', user: 'y' }], extra: 1 })).toEqual([
      { path: 'events[0].verb', message: 'unknown field' },
      { path: 'events[0].user', message: 'unknown field' },
      { path: 'extra', message: 'unknown field' },
    ]);
  });

  it('quotes map keys that are not identifiers', () => {
    const events = [{ auditId: 'a', labels: { 'pod-security.kubernetes.io/enforce': 1 } }];
    expect(issuesFor({ events }).map((issue) => issue.path)).toEqual(['events[0].labels["pod-security.kubernetes.io/enforce"]']);
  });

  it('gives an empty path to an issue about the whole input', () => {
    expect(issuesFor('not an object')).toEqual([{ path: '', message: 'Invalid input: expected object, received string' }]);
  });
});

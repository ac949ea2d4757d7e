import { describe, expect, it } from '@jest/globals';

import { TrendsQuery, trendsRangeIssues, trendsTimeRange } from '../src/index.js';

const now = new Date('2026-07-10T00:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

describe('TrendsQuery ranges', () => {
  it('defaults to the last 2 days of hours or 90 days of days before `to`, which defaults to now', () => {
    expect(trendsTimeRange({ granularity: 'hour' }, now)).toEqual({ from: new Date(daysAgo(2)), to: now });
    expect(trendsTimeRange({ granularity: 'day', to: daysAgo(10) }, now)).toEqual({ from: new Date(daysAgo(100)), to: new Date(daysAgo(10)) });
  });

  it('measures a range without `to` from the `now` it is given (the API its clock)', () => {
    expect(trendsRangeIssues({ granularity: 'hour', from: daysAgo(31) }, now)).toEqual([]);
    expect(trendsRangeIssues({ granularity: 'hour', from: daysAgo(32) }, now)).toEqual([
      { path: 'from', message: 'the range from..to spans more than 31 days at granularity hour (to defaults to now)' },
    ]);
    expect(trendsRangeIssues({ granularity: 'day', from: daysAgo(-1) }, now)).toEqual([{ path: 'from', message: 'must be in the past (to defaults to now)' }]);
    expect(trendsRangeIssues({ granularity: 'day', from: daysAgo(1), to: daysAgo(2) }, now)).toEqual([{ path: 'to', message: 'must be after from' }]);
  });

  it('checks a range that gives `to`, and leaves one without it to the API (the contract has no clock)', () => {
    const paths = (query: unknown) => (TrendsQuery.safeParse(query).error?.issues ?? []).map((issue) => issue.path.join('.'));
    expect(paths({ granularity: 'hour', from: '2000-01-01T00:00:00Z' })).toEqual([]);
    expect(paths({ granularity: 'hour', from: '2000-01-01T00:00:00Z', to: '2000-03-01T00:00:00Z' })).toEqual(['from']);
    expect(paths({ from: '2000-01-02T00:00:00Z', to: '2000-01-01T00:00:00Z' })).toEqual(['to']);
    expect(paths({ from: 'yesterday' })).toEqual(['from']);
  });
});

import { describe, expect, it } from '@jest/globals';

import { ROLLUP_CATCH_UP, bucketStart, bucketsToBuild } from './rollup-buckets.util.js';

const iso = (d: Date) => d.toISOString();

describe('bucketsToBuild', () => {
  const now = new Date('2026-11-30T10:20:00.000Z');

  it('rebuilds the previous hour and the hour in progress, as of now', () => {
    const sut = bucketsToBuild('hour', new Date('2026-11-30T10:00:00.000Z'), now);
    expect(sut.map((b) => [iso(b.start), iso(b.end), iso(b.asOf)])).toEqual([
      ['2026-11-30T09:00:00.000Z', '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.000Z'],
      ['2026-11-30T10:00:00.000Z', '2026-11-30T11:00:00.000Z', '2026-11-30T10:20:00.000Z'],
    ]);
  });

  it('catches up the hours missed since the newest stored one, at most ROLLUP_CATCH_UP back', () => {
    expect(bucketsToBuild('hour', new Date('2026-11-30T06:00:00.000Z'), now).map((b) => b.start.getUTCHours())).toEqual([6, 7, 8, 9, 10]);
    expect(bucketsToBuild('hour', new Date('2026-01-01T00:00:00.000Z'), now)).toHaveLength(ROLLUP_CATCH_UP.hour + 1);
    expect(bucketsToBuild('hour', null, now)).toHaveLength(2);
  });

  it('builds only UTC days that have ended: yesterday, and any missed', () => {
    expect(bucketsToBuild('day', null, now).map((b) => [iso(b.start), iso(b.asOf)])).toEqual([
      ['2026-11-29T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ]);
    expect(bucketsToBuild('day', new Date('2026-11-27T00:00:00.000Z'), now).map((b) => b.start.getUTCDate())).toEqual([27, 28, 29]);
    expect(bucketsToBuild('day', new Date('2025-01-01T00:00:00.000Z'), now)).toHaveLength(ROLLUP_CATCH_UP.day);
  });

  it("starts an organization's first rollup at its oldest data, at most ROLLUP_CATCH_UP back", () => {
    // A history replayed or spooled from three days back: hourly is capped at 48 hours, daily starts at its day.
    const threeDaysAgo = new Date('2026-11-27T07:40:00.000Z');
    const hourly = bucketsToBuild('hour', null, now, threeDaysAgo);
    expect(hourly).toHaveLength(ROLLUP_CATCH_UP.hour + 1);
    expect([iso(hourly[0]!.start), iso(hourly.at(-1)!.start)]).toEqual(['2026-11-28T10:00:00.000Z', '2026-11-30T10:00:00.000Z']);
    expect(bucketsToBuild('day', null, now, threeDaysAgo).map((b) => b.start.getUTCDate())).toEqual([27, 28, 29]);
    // Five hours back: from its hour, not further.
    expect(bucketsToBuild('hour', null, now, new Date('2026-11-30T05:59:59.999Z')).map((b) => b.start.getUTCHours())).toEqual([5, 6, 7, 8, 9, 10]);
    // Data from this very hour: still the previous and the current one, as without any.
    expect(bucketsToBuild('hour', null, now, new Date('2026-11-30T10:05:00.000Z')).map((b) => b.start.getUTCHours())).toEqual([9, 10]);
    expect(bucketsToBuild('day', null, now, new Date('2026-11-30T10:05:00.000Z')).map((b) => b.start.getUTCDate())).toEqual([29]);
    // A stored bucket wins: later rollups continue from the newest one, whatever the oldest data.
    expect(bucketsToBuild('hour', new Date('2026-11-30T08:00:00.000Z'), now, threeDaysAgo).map((b) => b.start.getUTCHours())).toEqual([8, 9, 10]);
    expect(bucketsToBuild('day', new Date('2025-01-01T00:00:00.000Z'), now, threeDaysAgo)).toHaveLength(ROLLUP_CATCH_UP.day);
  });

  it('truncates to UTC hours and days', () => {
    expect(iso(bucketStart('hour', now))).toBe('2026-11-30T10:00:00.000Z');
    expect(iso(bucketStart('day', now))).toBe('2026-11-30T00:00:00.000Z');
  });
});

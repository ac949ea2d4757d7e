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

  it('truncates to UTC hours and days', () => {
    expect(iso(bucketStart('hour', now))).toBe('2026-11-30T10:00:00.000Z');
    expect(iso(bucketStart('day', now))).toBe('2026-11-30T00:00:00.000Z');
  });
});

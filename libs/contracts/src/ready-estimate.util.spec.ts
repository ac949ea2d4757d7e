import { describe, expect, it } from '@jest/globals';

import { READY_ESTIMATE_MIN_POINTS, estimateReadyDate, type DailyViolations } from './ready-estimate.util.js';
import { ReadyEstimate } from './trends.contract.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-30T10:00:00.000Z');
const TODAY = Date.parse('2026-11-30T00:00:00.000Z');

/** Daily buckets ending with today's, oldest first: `counts[i]` is the figure of day `today - (n-1-i)`. */
function days(...counts: number[]): DailyViolations[] {
  return counts.map((failingWorkloads, i) => ({ bucketStart: new Date(TODAY - (counts.length - 1 - i) * DAY), failingWorkloads }));
}

describe('estimateReadyDate', () => {
  it('is ready when the newest bucket shows no violating workload, whatever came before', () => {
    expect(estimateReadyDate(days(9, 4, 0), NOW)).toEqual({ status: 'ready', basedOnDays: 3 });
    expect(estimateReadyDate(days(0), NOW)).toEqual({ status: 'ready', basedOnDays: 1 });
  });

  it('fits a falling line and dates the day it reaches zero: 10, 8, 6 reaches 0 three days after the last', () => {
    const sut = estimateReadyDate(days(10, 8, 6), NOW);
    // Day ends: 28th 24:00 = 10, 29th 24:00 = 8, 30th 24:00 = 6; -2/day reaches 0 at Dec 3rd 24:00.
    expect(sut).toEqual({ status: 'on-track', estimatedReadyAt: '2026-12-04T00:00:00.000Z', workloadsPerDay: 2, basedOnDays: 3 });
    expect(ReadyEstimate.parse(sut)).toEqual(sut);
  });

  it('rounds a fractional crossing up to the next UTC midnight', () => {
    // 7, 6, 5, 4 at -1/day reaches 0 four days after the 30th ends.
    expect(estimateReadyDate(days(7, 6, 5, 4), NOW)).toMatchObject({ status: 'on-track', estimatedReadyAt: '2026-12-05T00:00:00.000Z' });
    // 8, 6, 5: the line 7.83 - 1.5x crosses zero 5.22 days after the 28th ends (Dec 4th, 05:20), so Dec 5th.
    expect(estimateReadyDate(days(8, 6, 5), NOW)).toMatchObject({ status: 'on-track', estimatedReadyAt: '2026-12-05T00:00:00.000Z', workloadsPerDay: 1.5 });
  });

  it('never dates readiness before the newest bucket: a late rise projects from its count at the fitted rate', () => {
    // 20, 1, 1, 5: the line crosses zero before the last bucket, which still has 5.
    const sut = estimateReadyDate(days(20, 1, 1, 5), NOW);
    expect(sut.status).toBe('on-track');
    if (sut.status !== 'on-track') return;
    expect(Date.parse(sut.estimatedReadyAt)).toBeGreaterThan(TODAY + DAY);
    expect(Date.parse(sut.estimatedReadyAt)).toBe(Math.ceil((TODAY + DAY + (5 / sut.workloadsPerDay) * DAY) / DAY) * DAY);
  });

  it('says no-progress, never a date, when the trend is flat or rising', () => {
    expect(estimateReadyDate(days(5, 5, 5, 5), NOW)).toEqual({ status: 'no-progress', workloadsPerDay: 0, basedOnDays: 4 });
    expect(estimateReadyDate(days(3, 4, 6), NOW)).toEqual({ status: 'no-progress', workloadsPerDay: -1.5, basedOnDays: 3 });
    // One workload fixed yesterday after two flat weeks fits 0.03 a day: below the rate that counts as progress.
    const slow = days(...Array.from({ length: 14 }, (_, i) => (i < 13 ? 40 : 39)));
    expect(estimateReadyDate(slow, NOW).status).toBe('no-progress');
  });

  it('says no-progress when the date would be years away', () => {
    expect(estimateReadyDate(days(3000, 2999, 2998), NOW)).toMatchObject({ status: 'no-progress' });
  });

  it('needs enough daily buckets in the last two weeks', () => {
    expect(estimateReadyDate([], NOW)).toEqual({ status: 'insufficient-data', basedOnDays: 0 });
    expect(estimateReadyDate(days(9, 8), NOW)).toEqual({ status: 'insufficient-data', basedOnDays: READY_ESTIMATE_MIN_POINTS - 1 });
    // Buckets older than the window, or after now, are left out.
    const old = days(30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15).slice(0, 2);
    expect(estimateReadyDate(old, NOW)).toEqual({ status: 'insufficient-data', basedOnDays: 0 });
    const future = [{ bucketStart: new Date(TODAY + DAY), failingWorkloads: 0 }];
    expect(estimateReadyDate([...days(9, 8), ...future], NOW)).toEqual({ status: 'insufficient-data', basedOnDays: 2 });
  });

  it('reads the series in any order and skips missing days', () => {
    const gappy = [days(10, 8, 6)[2]!, { bucketStart: new Date(TODAY - 4 * DAY), failingWorkloads: 14 }, days(10, 8, 6)[0]!];
    // 14 at day -4, 10 at day -2, 6 at day 0: -2/day, zero 3 days after today ends.
    expect(estimateReadyDate(gappy, NOW)).toEqual({ status: 'on-track', estimatedReadyAt: '2026-12-04T00:00:00.000Z', workloadsPerDay: 2, basedOnDays: 3 });
  });
});

import { describe, expect, it } from '@jest/globals';

import { JobPayloadError } from './job.js';
import { SCHEDULED_JOB_NAMES, SCHEDULE_INTERVALS, parseScheduledJob, schedulerId } from './schedules.js';

describe('scheduled jobs', () => {
  it('names each scheduler schedule:<job-name>, and runs rollups hourly, retention every 6 hours, readiness expiry every 15 minutes', () => {
    expect(Object.values(SCHEDULED_JOB_NAMES).map(schedulerId)).toEqual([
      'schedule:rollup-hourly',
      'schedule:rollup-daily',
      'schedule:retention',
      'schedule:readiness-expiry',
    ]);
    expect(SCHEDULE_INTERVALS).toEqual({ 'rollup-hourly': 3_600_000, 'rollup-daily': 3_600_000, retention: 21_600_000, 'readiness-expiry': 900_000 });
  });

  it('parses a scheduled job, and refuses an unknown name or payload naming the fault', () => {
    expect(parseScheduledJob('retention', { version: 1 })).toEqual({ name: 'retention', payload: { version: 1 } });
    expect(() => parseScheduledJob('send-fax', { version: 1 })).toThrow(new JobPayloadError('send-fax', [{ path: '', message: 'is not a job of ratchet-schedule' }]));
    expect(() => parseScheduledJob('rollup-daily', { version: 2 })).toThrow(/invalid rollup-daily payload: version: /);
    expect(() => parseScheduledJob('rollup-daily', { version: 1, orgId: 'x' })).toThrow('invalid rollup-daily payload: (payload): Unrecognized key: "orgId"');
    // A one-off rebuild names where it starts, as an RFC 3339 time.
    expect(parseScheduledJob('rollup-hourly', { version: 1, rebuildFrom: '2026-11-23T00:00:00Z' }).payload).toEqual({ version: 1, rebuildFrom: '2026-11-23T00:00:00Z' });
    expect(() => parseScheduledJob('rollup-hourly', { version: 1, rebuildFrom: 'last week' })).toThrow(/invalid rollup-hourly payload: rebuildFrom: /);
  });
});

import type { PrismaClient } from '@ratchet/db';
import { JobProducer, SCHEDULE_QUEUE, upsertSchedules, type ScheduledJobName } from '@ratchet/jobs';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

import type { WorkerMetrics } from '../infra/metrics.js';
import { ReadinessExpiryService } from '../readiness/readiness-expiry.service.js';
import { DEFAULT_RETENTION, RetentionService, type AuditRetentionReader, type RetentionPolicy } from '../retention/retention.service.js';
import { RollupsService } from '../rollups/rollups.service.js';
import { createScheduleProcessor } from './schedule.processor.js';

export interface ScheduleRuntimeOptions {
  prisma: PrismaClient;
  /** The Redis connection (`maxRetriesPerRequest: null`); its owner closes it. */
  connection: Redis;
  logger: Logger;
  metrics: WorkerMetrics;
  /** BullMQ key prefix (default `bull`); tests use their own on the shared Redis. */
  prefix?: string;
  /** The clock the jobs read (tests drive it). */
  now?: () => Date;
  /** Overrides of SCHEDULE_INTERVALS in ms (tests tick fast). */
  intervals?: Partial<Record<ScheduledJobName, number>>;
  retention?: RetentionPolicy;
  retentionDaysOf?: AuditRetentionReader;
}

function readyWithin(connection: Redis, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.off('ready', onReady);
      reject(new Error(`redis not ready within ${ms} ms (${connection.status})`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    connection.once('ready', onReady);
  });
}

export interface ScheduleRuntime {
  worker: Worker;
  queue: Queue;
  /** Waits for the running scheduled job, then closes the worker and the queue (the schedulers stay in Redis). */
  close(): Promise<void>;
}

/**
 * Upserts the job schedulers (`schedule:<job-name>`) and runs one scheduled job at a time on SCHEDULE_QUEUE. Any
 * number of processes may do this: each tick is one job, taken by one of them.
 */
export async function startScheduleRuntime(options: ScheduleRuntimeOptions): Promise<ScheduleRuntime> {
  const prefix = options.prefix === undefined ? {} : { prefix: options.prefix };
  const queue = new Queue(SCHEDULE_QUEUE, { connection: options.connection, ...prefix });
  queue.on('error', (error) => options.logger.warn({ err: error }, 'schedule queue error'));
  // readiness-expiry queues per-cluster jobs on JOB_QUEUE; the producer owns (and closes) its own connection.
  const producerConnection = options.connection.duplicate();
  producerConnection.on('error', (error) => options.logger.warn({ err: error }, 'schedule producer connection error'));
  const producer = new JobProducer(producerConnection, prefix);
  await upsertSchedules(queue, options.intervals);
  const services = {
    readinessExpiry: new ReadinessExpiryService(
      options.prisma,
      async (jobs) => {
        if (jobs.length === 0) return;
        // Bounded: with Redis away the tick fails and BullMQ retries it; the marks stay, and the rows stay due.
        if (producerConnection.status !== 'ready') await readyWithin(producerConnection, 5000);
        await producer.add(jobs);
      },
      options.now,
    ),
    rollups: new RollupsService(options.prisma, options.now),
    retention: new RetentionService(options.prisma, options.now, options.retention ?? DEFAULT_RETENTION, options.retentionDaysOf),
  };
  // One at a time per process: the jobs are heavy, sweep every tenant, and two of them gain nothing from overlapping.
  const worker = new Worker(SCHEDULE_QUEUE, createScheduleProcessor(services, options.logger, options.metrics), {
    connection: options.connection,
    concurrency: 1,
    ...prefix,
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'schedule worker error'));
  return {
    worker,
    queue,
    async close() {
      await worker.close();
      await queue.close();
      await producer.close();
    },
  };
}

import type { PrismaClient } from '@ratchet/db';
import { JOB_QUEUE } from '@ratchet/jobs';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

import type { WorkerMetrics } from './infra/metrics.js';
import { ClusterJobsService, DEFAULT_CHUNKS, type ChunkSizes } from './processors/cluster-jobs.service.js';
import { createJobProcessor } from './processors/job.processor.js';
import type { ClusterChangedHook } from './processors/job.processor.js';

export interface WorkerRuntimeOptions {
  prisma: PrismaClient;
  /** The Redis connection BullMQ's Worker uses (`maxRetriesPerRequest: null`); its owner closes it. */
  connection: Redis;
  logger: Logger;
  metrics: WorkerMetrics;
  concurrency: number;
  /** BullMQ key prefix (default `bull`); tests use their own on the shared Redis. */
  prefix?: string;
  now?: () => Date;
  chunks?: ChunkSizes;
  /** After each job that may change a cluster's findings or readiness (alerts evaluate then). */
  onClusterChanged?: ClusterChangedHook;
  /** BullMQ's lockDuration and stalledInterval (ms; default BullMQ's 30 s): how soon a dead worker's job is retried. */
  lockMs?: number;
}

/** A BullMQ Worker on JOB_QUEUE running the processors; `close()` waits for the running jobs to end. */
export function startWorkerRuntime(options: WorkerRuntimeOptions): Worker {
  const service = new ClusterJobsService(options.prisma, options.now, options.chunks ?? DEFAULT_CHUNKS);
  const worker = new Worker(JOB_QUEUE, createJobProcessor(service, options.logger, options.metrics, options.onClusterChanged), {
    connection: options.connection,
    concurrency: options.concurrency,
    ...(options.lockMs === undefined ? {} : { lockDuration: options.lockMs, stalledInterval: options.lockMs }),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'worker error'));
  return worker;
}

import type { HostResolver } from '@ratchet/alerts';
import { outboundPolicy, systemResolver } from '@ratchet/alerts';
import type { PrismaClient } from '@ratchet/db';
import { ALERT_QUEUE, AlertJobProducer } from '@ratchet/jobs';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

import { AlertDeliveryService } from './alert-delivery.service.js';
import { AlertEvaluationService } from './alert-evaluation.service.js';
import { createAlertJobProcessor } from './alert-jobs.processor.js';

export interface AlertRuntimeOptions {
  prisma: PrismaClient;
  /** For BullMQ's Worker (`maxRetriesPerRequest: null`); its owner closes it. */
  connection: Redis;
  logger: Logger;
  concurrency: number;
  /** RATCHET_ALERT_ALLOWED_HOSTS, parsed. */
  allowedHosts: readonly string[];
  prefix?: string;
  now?: () => Date;
  resolver?: HostResolver;
  /** First retry delay of a delivery (tests shorten it). */
  deliveryBackoffMs?: number;
  deliveryAttempts?: number;
  deliveryTimeoutMs?: number;
  /** Register the `schedule:alert-agent-silence` job scheduler (default true). */
  scheduleSilenceCheck?: boolean;
}

export interface AlertRuntime {
  worker: Worker;
  producer: AlertJobProducer;
  evaluation: AlertEvaluationService;
  close(): Promise<void>;
}

/**
 * The alert side of the worker: a BullMQ Worker on ALERT_QUEUE (evaluation, deliveries, the silence check), the
 * producer other jobs use to ask for an evaluation, and the silence check's job scheduler.
 */
export async function startAlertRuntime(options: AlertRuntimeOptions): Promise<AlertRuntime> {
  const now = options.now ?? (() => new Date());
  const producer = new AlertJobProducer(options.connection, {
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.deliveryBackoffMs === undefined ? {} : { deliveryBackoffMs: options.deliveryBackoffMs }),
    ...(options.deliveryAttempts === undefined ? {} : { deliveryAttempts: options.deliveryAttempts }),
  });
  const evaluation = new AlertEvaluationService(options.prisma, now);
  const delivery = new AlertDeliveryService(options.prisma, outboundPolicy(options.allowedHosts, options.resolver ?? systemResolver), now, options.deliveryTimeoutMs);
  const worker = new Worker(ALERT_QUEUE, createAlertJobProcessor(evaluation, delivery, producer, options.logger, now), {
    connection: options.connection,
    concurrency: options.concurrency,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'alert worker error'));
  if (options.scheduleSilenceCheck !== false) await producer.scheduleAgentSilence();
  return {
    worker,
    producer,
    evaluation,
    async close() {
      await worker.close();
      await producer.close();
    },
  };
}

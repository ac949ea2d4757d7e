import { createPrismaClient } from '@ratchet/db';
import { Redis } from 'ioredis';
import { pino } from 'pino';

import { startAlertRuntime } from './alerts/alert.runtime.js';
import { parseWorkerConfig } from './config/worker-config.js';
import { WorkerMetrics, startMetricsServer } from './infra/metrics.js';
import { startScheduleRuntime } from './schedules/schedule.runtime.js';
import { startWorkerRuntime } from './worker.runtime.js';

// The worker process: config parsed once, then Postgres, Redis, the metrics port and the BullMQ Workers (jobs and
// schedules). SIGTERM and SIGINT close the Workers first (running jobs finish, no new ones start), then Redis, Prisma
// and the metrics port.
async function main(): Promise<void> {
  const config = parseWorkerConfig(process.env);
  const logger = pino({ level: config.logLevel, base: { service: 'ratchet-worker' } });
  const prisma = createPrismaClient({ connectionString: config.databaseUrl, poolSize: config.concurrency + 2 });
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const metrics = new WorkerMetrics();
  const alerts = await startAlertRuntime({ prisma, connection, logger, concurrency: config.concurrency, allowedHosts: config.alertAllowedHosts });
  const worker = startWorkerRuntime({
    prisma,
    connection,
    logger,
    metrics,
    concurrency: config.concurrency,
    lockMs: config.lockMs,
    onClusterChanged: (scope) => alerts.producer.evaluate(scope.orgId, scope.clusterId),
  });
  // Rollups and retention: job schedulers every worker upserts; each tick runs once, in one of them.
  const schedules = config.schedules ? await startScheduleRuntime({ prisma, connection, logger, metrics }) : undefined;
  const { server, port } = await startMetricsServer(metrics, config.metricsPort, () => connection.status === 'ready' && worker.isRunning());
  logger.info({ metricsPort: port, concurrency: config.concurrency, schedules: config.schedules }, 'worker started');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'worker shutting down');
    try {
      await worker.close();
      await schedules?.close();
      await alerts.close();
      await connection.quit().catch(() => connection.disconnect());
      await prisma.$disconnect();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      logger.info('worker stopped');
      process.exitCode = 0;
    } catch (error) {
      logger.error({ err: error }, 'worker shutdown failed');
      process.exitCode = 1;
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Before the logger exists (bad config) the message goes to stderr as is.
  process.stderr.write(`ratchet worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

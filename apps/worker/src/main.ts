import { createPrismaClient } from '@ratchet/db';
import { Redis } from 'ioredis';
import { pino } from 'pino';

import { parseWorkerConfig } from './config/worker-config.js';
import { WorkerMetrics, startMetricsServer } from './infra/metrics.js';
import { startWorkerRuntime } from './worker.runtime.js';

// The worker process: config parsed once, then Postgres, Redis, the metrics port and the BullMQ Worker. SIGTERM and
// SIGINT close the Worker first (running jobs finish, no new ones start), then Redis, Prisma and the metrics port.
async function main(): Promise<void> {
  const config = parseWorkerConfig(process.env);
  const logger = pino({ level: config.logLevel, base: { service: 'ratchet-worker' } });
  const prisma = createPrismaClient({ connectionString: config.databaseUrl, poolSize: config.concurrency + 1 });
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const metrics = new WorkerMetrics();
  const worker = startWorkerRuntime({ prisma, connection, logger, metrics, concurrency: config.concurrency, lockMs: config.lockMs });
  const { server, port } = await startMetricsServer(metrics, config.metricsPort, () => connection.status === 'ready' && worker.isRunning());
  logger.info({ metricsPort: port, concurrency: config.concurrency }, 'worker started');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'worker shutting down');
    try {
      await worker.close();
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

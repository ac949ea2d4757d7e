import { readFileSync } from 'node:fs';

import { Agent } from './agent.js';
import { systemClock } from './common/clock.js';
import { createLogger } from './common/logger.js';
import { AgentMetrics } from './common/metrics.js';
import { ConfigError, parseAgentEnv } from './config/agent-env.schema.js';
import { loadKubeConnection } from './kube/kube-config.util.js';

let config;
try {
  config = parseAgentEnv(process.env, (path) => readFileSync(path, 'utf8'));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG: a bad environment is not worth restarting for.
  }
  throw error;
}
const log = createLogger(config.RATCHET_LOG_LEVEL);
const agent = new Agent({ config, kubeConnection: await loadKubeConnection(config.KUBECONFIG), clock: systemClock, log, metrics: new AgentMetrics(true) });
await agent.start();

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: spooling what is pending');
    agent.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: (error as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

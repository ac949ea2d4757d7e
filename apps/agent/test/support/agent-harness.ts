import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pino } from 'pino';

import { Agent } from '../../src/agent.js';
import { systemClock } from '../../src/common/clock.js';
import type { Clock } from '../../src/common/clock.js';
import { parseAgentEnv } from '../../src/config/agent-env.schema.js';
import { loadKubeConnection } from '../../src/kube/kube-config.util.js';
import type { FakeKubeApiServer } from './fake-kube-apiserver.js';

export interface AgentHarnessOptions {
  /** The Kubernetes API: the in-process fake, or the kubeconfig of a running cluster simulator. */
  kube: FakeKubeApiServer | { kubeconfig: string };
  apiUrl: string;
  token: string;
  spoolDir?: string;
  clock?: Clock;
  env?: Record<string, string>;
  random?: () => number;
}

/** A temp directory for one test. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}-`));
}

/** An agent wired to the fake Kubernetes API and the real Ratchet API, configured through its real env parsing. */
export async function createAgent(options: AgentHarnessOptions): Promise<{ agent: Agent; spoolDir: string }> {
  const dir = await tempDir('ratchet-agent');
  let kubeconfig: string;
  if ('kubeconfig' in options.kube) kubeconfig = options.kube.kubeconfig;
  else {
    kubeconfig = join(dir, 'kubeconfig');
    await options.kube.writeKubeconfig(kubeconfig);
  }
  const spoolDir = options.spoolDir ?? join(dir, 'spool');
  const config = parseAgentEnv(
    {
      RATCHET_API_URL: options.apiUrl,
      RATCHET_AGENT_TOKEN: options.token,
      RATCHET_CLUSTER_NAME: 'test-cluster',
      RATCHET_SPOOL_DIR: spoolDir,
      RATCHET_DELTA_WINDOW_MS: '50',
      RATCHET_HEALTH_LISTEN: '127.0.0.1:0',
      KUBECONFIG: kubeconfig,
      RATCHET_LOG_LEVEL: 'silent',
      ...options.env,
    },
    () => {
      throw new Error('no token file in tests');
    },
  );
  const agent = new Agent({
    config,
    kubeConnection: await loadKubeConnection(config.KUBECONFIG),
    clock: options.clock ?? systemClock,
    log: pino({ level: process.env.RATCHET_TEST_LOG_LEVEL ?? 'silent' }),
    listPageSize: 4,
    auditLogPollMs: 50,
    ...(options.random ? { random: options.random } : {}),
  });
  return { agent, spoolDir };
}

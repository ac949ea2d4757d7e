import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cp, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import getPort from 'get-port';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';

import type { Agent } from '../../src/agent.js';
import { createAgent, tempDir } from '../support/agent-harness.js';
import { auditEvent, eventList } from '../support/audit-events.js';
import { PATHS, deployment, namespace, pod, seedCluster } from '../support/cluster-fixtures.js';
import { apiMatchesCluster } from '../support/cluster-state.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver.js';
import { ManualClock, until } from '../support/manual-clock.js';
import { RatchetApiProcess } from '../support/ratchet-api.process.js';
import type { RegisteredCluster } from '../support/ratchet-api.process.js';

// The API and agents run as real processes on a shared, loaded machine: allow them time, not the logic.
jest.setTimeout(120_000);

const AGENT_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

const counter = async (agent: Agent, name: 'batchesSent', labels: Record<string, string>) =>
  (await agent.metrics[name].get()).values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k as never] === l)).reduce((sum, v) => sum + v.value, 0);

describe('agent faults', () => {
  let api: RatchetApiProcess;
  let kube: FakeKubeApiServer;
  let cluster: RegisteredCluster;

  beforeAll(async () => {
    api = new RatchetApiProcess();
    await api.start();
  });
  afterAll(async () => {
    await api.stop();
  });
  afterEach(async () => {
    await api.startApi().catch(() => undefined);
    await kube?.stop();
  });

  async function freshCluster() {
    kube = new FakeKubeApiServer();
    await kube.start();
    seedCluster(kube);
    cluster = await api.registerCluster(`c-${Math.random().toString(36).slice(2, 8)}`);
  }
  const matches = () => apiMatchesCluster(api, cluster.clusterId, kube);

  it('loses nothing while the API is down, retrying with exponential backoff and jitter on the injected clock', async () => {
    await freshCluster();
    const clock = new ManualClock();
    // Jitter fixed at the middle: each delay is 3/4 of its doubling ceiling.
    const { agent } = await createAgent({ kube, apiUrl: api.url, token: cluster.agentToken, clock, random: () => 0.5 });
    await agent.start();
    try {
      await until(matches, { clock, what: 'the first sync' });

      await api.stopApi();
      namespace(kube, 'during-outage');
      const rollout = deployment(kube, 'during-outage', 'api', 5);
      kube.delete(PATHS.pods, rollout.pods[0]!.metadata.uid);
      await until(async () => (await counter(agent, 'batchesSent', { result: 'failed' })) >= 1, { clock, stepMs: 50, what: 'a failed send' });

      // Each retry fails at once (connection refused); only the clock decides when the next one comes.
      for (let retry = 0; retry < 8; retry++) {
        const failures = await counter(agent, 'batchesSent', { result: 'failed' });
        clock.advance(10 * 60_000);
        await until(async () => (await counter(agent, 'batchesSent', { result: 'failed' })) > failures, { what: `retry ${retry}` });
      }
      // Other sleeps on the clock: the delta window (50 ms), heartbeats (30 s) and resyncs (1 h).
      const backoff = clock.requested.filter((ms) => ![50, 30_000, 3_600_000].includes(ms));
      expect(backoff.slice(0, 9)).toEqual([750, 1500, 3000, 6000, 12000, 24000, 48000, 96000, 192000]);
      expect(agent.synced).toBe(true);
      expect((await matches())).toBe(false);

      await api.startApi();
      clock.advance(10 * 60_000);
      await until(matches, { clock, stepMs: 1000, what: 'the spooled changes to arrive' });
      expect((await agent.delivery.idle(), true)).toBe(true);
    } finally {
      await agent.stop(0);
    }
  });

  it('resumes a non-empty spool after being killed: nothing lost, and a replayed batch is not duplicated', async () => {
    await freshCluster();
    const dir = await tempDir('ratchet-kill');
    const spoolDir = join(dir, 'spool');
    const kubeconfig = join(dir, 'kubeconfig');
    await kube.writeKubeconfig(kubeconfig);
    const webhookPort = await getPort();
    const spawnAgent = async () => {
      const child = spawn(process.execPath, [AGENT_MAIN], {
        env: {
          PATH: process.env.PATH,
          RATCHET_API_URL: api.url,
          RATCHET_AGENT_TOKEN: cluster.agentToken,
          RATCHET_CLUSTER_NAME: 'killed',
          RATCHET_SPOOL_DIR: spoolDir,
          RATCHET_DELTA_WINDOW_MS: '50',
          RATCHET_HEALTH_LISTEN: `127.0.0.1:${await getPort()}`,
          RATCHET_AUDIT_WEBHOOK_LISTEN: `127.0.0.1:${webhookPort}`,
          KUBECONFIG: kubeconfig,
          RATCHET_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await until(
        async () => {
          if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}: ${stderr}`);
          return (await fetch(`http://127.0.0.1:${webhookPort}/`).catch(() => undefined))?.status === 405;
        },
        { what: 'the agent to listen' },
      );
      return child;
    };
    const spooled = async () => (await readdir(spoolDir).catch(() => [])).filter((f) => f.endsWith('.json'));
    const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

    await api.stopApi();
    let agent = await spawnAgent();
    const events = ['k1', 'k2', 'k3'].map((auditID) => auditEvent({ auditID }));
    const posted = await fetch(`http://127.0.0.1:${webhookPort}/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(eventList(events)) });
    expect(posted.status).toBe(200);
    await until(async () => (await spooled()).some((f) => f.includes('.resync.')), { what: 'the resync to be spooled' });
    agent.kill('SIGKILL');
    await exited(agent);
    const left = await spooled();
    expect(left.some((f) => f.includes('.audit.'))).toBe(true);
    const copies = join(dir, 'copies');
    await mkdir(copies);
    for (const file of left) await cp(join(spoolDir, file), join(copies, file));
    const keys = await Promise.all(left.map(async (f) => (JSON.parse(await readFile(join(spoolDir, f), 'utf8')) as { idempotencyKey: string }).idempotencyKey));

    await api.startApi();
    agent = await spawnAgent();
    await until(async () => (await matches()) && (await spooled()).length === 0, { what: 'the spool to drain' });
    const auditCount = async () => (await api.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE cluster_id = $1', [cluster.clusterId]))[0]!.n;
    expect(await auditCount()).toBe(3);
    agent.kill('SIGTERM');
    await exited(agent);

    // As if the agent had died after the API accepted these batches but before it removed them: they are
    // replayed with their keys, and the API stores nothing twice.
    for (const file of left) await cp(join(copies, file), join(spoolDir, file));
    agent = await spawnAgent();
    await until(async () => (await spooled()).length === 0, { what: 'the replay' });
    agent.kill('SIGTERM');
    await exited(agent);
    expect(await auditCount()).toBe(3);
    const batches = await api.query<{ idempotency_key: string; n: number }>(
      'SELECT idempotency_key, count(*)::int AS n FROM ingest_batches WHERE cluster_id = $1 AND idempotency_key = ANY($2) GROUP BY idempotency_key',
      [cluster.clusterId, keys],
    );
    expect(batches.map((b) => b.n)).toEqual(keys.map(() => 1));
    expect(await matches()).toBe(true);
  });

  it('stops sending and says so when the API refuses the token (401)', async () => {
    await freshCluster();
    const { agent } = await createAgent({ kube, apiUrl: api.url, token: 'rat_agent_revoked_0000000000000000' });
    const ports = await agent.start();
    try {
      await until(() => agent.token.rejected, { what: 'the 401' });
      const sent = await counter(agent, 'batchesSent', {});
      pod(kube, 'payments', 'after-revocation');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await counter(agent, 'batchesSent', {})).toBe(sent);
      const ready = await fetch(`http://127.0.0.1:${ports.health}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ tokenRejected: true });
      expect(await (await fetch(`http://127.0.0.1:${ports.health}/metrics`)).text()).toContain('ratchet_agent_token_rejected 1');
    } finally {
      await agent.stop(0);
    }
  });
});

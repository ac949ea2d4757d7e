import { appendFile, rename, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import type { Agent } from '../../src/agent.js';
import { createAgent, tempDir } from '../support/agent-harness.js';
import { auditEvent, eventList, requestReceived } from '../support/audit-events.js';
import { namespace } from '../support/cluster-fixtures.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver.js';
import { until } from '../support/manual-clock.js';
import { RatchetApiProcess } from '../support/ratchet-api.process.js';
import type { RegisteredCluster } from '../support/ratchet-api.process.js';
import { selfSignedCert } from '../support/self-signed-cert.js';

/** POSTs to the agent's TLS webhook, trusting its self-signed certificate, as the apiserver's webhook backend would. */
function post(port: number, ca: string, body: string | Buffer, contentType = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/audit', method: 'POST', ca, headers: { 'Content-Type': contentType } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// The API and agents run as real processes on a shared, loaded machine: allow them time, not the logic.
jest.setTimeout(120_000);

describe('agent audit sources against the real Ratchet API', () => {
  let api: RatchetApiProcess;
  let kube: FakeKubeApiServer;
  let cluster: RegisteredCluster;
  let agent: Agent;
  let webhookPort: number;
  let healthPort: number;
  let cert: { cert: string; key: string };
  let logPath: string;

  beforeAll(async () => {
    api = new RatchetApiProcess();
    await api.start();
    kube = new FakeKubeApiServer();
    await kube.start();
    namespace(kube, 'payments');
    cluster = await api.registerCluster('audit-cluster');
    const dir = await tempDir('ratchet-audit');
    cert = await selfSignedCert();
    await writeFile(join(dir, 'tls.crt'), cert.cert);
    await writeFile(join(dir, 'tls.key'), cert.key);
    logPath = join(dir, 'audit.log');
    await writeFile(logPath, `${JSON.stringify(auditEvent({ auditID: 'history-before-start' }))}\n`);
    ({ agent } = await createAgent({
      kube,
      apiUrl: api.url,
      token: cluster.agentToken,
      env: {
        RATCHET_AUDIT_WEBHOOK_LISTEN: '127.0.0.1:0',
        RATCHET_AUDIT_WEBHOOK_TLS_CERT_FILE: join(dir, 'tls.crt'),
        RATCHET_AUDIT_WEBHOOK_TLS_KEY_FILE: join(dir, 'tls.key'),
        RATCHET_AUDIT_WEBHOOK_MAX_BYTES: '65536',
        RATCHET_AUDIT_LOG_PATH: logPath,
      },
    }));
    const ports = await agent.start();
    webhookPort = ports.auditWebhook!;
    healthPort = ports.health;
  });
  afterAll(async () => {
    await agent.stop(1000);
    await kube.stop();
    await api.stop();
  });

  const stored = () =>
    api.query<{ audit_id: string; object_resource: string; object_name: string | null; response_code: number | null; level: string }>(
      'SELECT audit_id, object_resource, object_name, response_code, level::text FROM audit_events WHERE cluster_id = $1 ORDER BY audit_id',
      [cluster.clusterId],
    );

  it('forwards what the apiserver webhook posts: once per request, controllers, generateName, 403, dry runs, impersonation, the webhook build', async () => {
    const pod = auditEvent({ auditID: 'pod-create' });
    const items = [
      requestReceived(pod),
      pod,
      auditEvent({ auditID: 'deploy', objectRef: { resource: 'deployments', namespace: 'payments', name: 'web', apiGroup: 'apps', apiVersion: 'v1' } }),
      auditEvent({ auditID: 'generate-name', objectRef: { resource: 'pods', namespace: 'payments', apiVersion: 'v1' } }),
      auditEvent({ auditID: 'denied', responseStatus: { code: 403, reason: 'Forbidden', status: 'Failure' } }),
      auditEvent({ auditID: 'dry-run', requestURI: '/api/v1/namespaces/payments/pods?dryRun=All' }),
      auditEvent({ auditID: 'impersonated', impersonatedUser: { username: 'system:serviceaccount:ci:deployer', groups: [] } }),
      auditEvent({ auditID: 'webhook-build' }, { 'pod-security-webhook.kubernetes.io/audit-violations': (pod.annotations as Record<string, string>)['pod-security.kubernetes.io/audit-violations']! }),
      auditEvent({ auditID: 'no-psa' }, { 'authorization.k8s.io/decision': 'allow' }),
    ];
    const answer = await post(webhookPort, cert.cert, JSON.stringify(eventList(items)));
    expect(answer.status).toBe(200);
    // The apiserver retries a batch it thinks failed: the repeat is counted once.
    expect((await post(webhookPort, cert.cert, JSON.stringify(eventList([pod])))).status).toBe(200);

    await until(async () => (await stored()).length === 7, { what: 'the audit events' });
    const events = await stored();
    expect(events.map((e) => e.audit_id)).toEqual(['denied', 'deploy', 'dry-run', 'generate-name', 'impersonated', 'pod-create', 'webhook-build']);
    expect(events.find((e) => e.audit_id === 'deploy')?.object_resource).toBe('deployments');
    expect(events.find((e) => e.audit_id === 'generate-name')?.object_name).toBeNull();
    expect(events.find((e) => e.audit_id === 'denied')?.response_code).toBe(403);
    expect(events.every((e) => e.level === 'restricted')).toBe(true);
  });

  it('forwards Pod Security decisions without violations (exempt, enforce-policy) counted per key, each request once', async () => {
    const psa = (annotations: Record<string, string>, overrides: Record<string, unknown> = {}) =>
      auditEvent({ objectRef: { resource: 'pods', namespace: 'payments', apiVersion: 'v1' }, ...overrides }, { 'authorization.k8s.io/decision': 'allow', ...annotations });
    const evaluated = [1, 2, 3].map((i) => psa({ 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' }, { auditID: `evaluated-${i}` }));
    const exemptByUser = psa({ 'pod-security.kubernetes.io/exempt': 'user' }, { auditID: 'exempt-user', impersonatedUser: { username: 'ci-bot', groups: [] } });
    const items = [
      ...evaluated,
      requestReceived(evaluated[0]!),
      exemptByUser,
      psa({ 'pod-security.kubernetes.io/exempt': 'namespace' }, { auditID: 'exempt-ns', objectRef: { resource: 'deployments', namespace: 'payments', apiGroup: 'apps', apiVersion: 'v1' } }),
      psa({ 'pod-security-webhook.kubernetes.io/exempt': 'runtimeClass' }, { auditID: 'exempt-webhook' }),
      // Another admission webhook's `exempt` is not Pod Security's.
      psa({ 'example.com/exempt': 'true' }, { auditID: 'not-psa' }),
    ];
    expect((await post(webhookPort, cert.cert, JSON.stringify(eventList(items)))).status).toBe(200);
    // A retried delivery counts nothing twice.
    expect((await post(webhookPort, cert.cert, JSON.stringify(eventList([evaluated[1]!, exemptByUser])))).status).toBe(200);

    const decisions = () =>
      api.query<{ resource: string; exempt: string; enforce_policy: string; username: string; key_prefix: string; count: number }>(
        'SELECT resource, exempt, enforce_policy, username, key_prefix, count FROM admission_decisions WHERE cluster_id = $1 ORDER BY exempt, resource',
        [cluster.clusterId],
      );
    await until(async () => (await decisions()).length === 4, { what: 'the admission decisions' });
    expect(await decisions()).toEqual([
      { resource: 'pods', exempt: '', enforce_policy: 'baseline:latest', username: 'kubernetes-admin', key_prefix: 'pod-security.kubernetes.io', count: 3 },
      { resource: 'deployments', exempt: 'namespace', enforce_policy: '', username: 'kubernetes-admin', key_prefix: 'pod-security.kubernetes.io', count: 1 },
      { resource: 'pods', exempt: 'runtimeClass', enforce_policy: '', username: 'kubernetes-admin', key_prefix: 'pod-security-webhook.kubernetes.io', count: 1 },
      { resource: 'pods', exempt: 'user', enforce_policy: '', username: 'ci-bot', key_prefix: 'pod-security.kubernetes.io', count: 1 },
    ]);
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(metrics).toMatch(/ratchet_agent_audit_events_total\{source="webhook",outcome="decision"\} 6/);
  });

  it('answers malformed webhook bodies with a 4xx, counts them, and stays healthy', async () => {
    const before = (await agent.metrics.malformedAudit.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect((await post(webhookPort, cert.cert, '{"kind":"EventList",')).status).toBe(400);
    expect((await post(webhookPort, cert.cert, JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [] }))).status).toBe(400);
    expect((await post(webhookPort, cert.cert, JSON.stringify(eventList('nope' as never)))).status).toBe(400);
    expect((await post(webhookPort, cert.cert, 'kind=EventList', 'text/plain')).status).toBe(415);
    expect((await post(webhookPort, cert.cert, Buffer.alloc(70_000, 32))).status).toBe(413);
    // One bad item among good ones costs only itself.
    const mixed = await post(webhookPort, cert.cert, JSON.stringify(eventList([{ auditID: 42 }, auditEvent({ auditID: 'after-garbage' })])));
    expect(mixed).toMatchObject({ status: 200 });
    expect(JSON.parse(mixed.body)).toEqual({ received: 2, malformed: 1 });

    const after = (await agent.metrics.malformedAudit.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(after - before).toBe(6);
    await until(async () => (await stored()).some((e) => e.audit_id === 'after-garbage'), { what: 'the good event' });
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(metrics).toMatch(/ratchet_agent_audit_malformed_total\{source="webhook"\} \d+/);
  });

  it('follows the audit log file through rotation, from where it started, skipping bad lines', async () => {
    await appendFile(logPath, `${JSON.stringify(auditEvent({ auditID: 'file-1' }))}\nnot json at all\n`);
    await agent.readAuditLog();
    await rename(logPath, `${logPath}.1`);
    await appendFile(`${logPath}.1`, `${JSON.stringify(auditEvent({ auditID: 'file-2-late-in-old-file' }))}\n`);
    await writeFile(logPath, `${JSON.stringify(auditEvent({ auditID: 'file-3-new-file' }))}\n`);
    await agent.readAuditLog();
    await until(async () => (await stored()).filter((e) => e.audit_id.startsWith('file-')).length === 3, { what: 'the file events' });
    // The log's history before the agent started is not replayed.
    expect((await stored()).some((e) => e.audit_id === 'history-before-start')).toBe(false);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- audit JSON read for assertions. */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from '@jest/globals';
import { evaluatePod, parseAuditViolations } from '@ratchet/pss';

import { SPECIAL_CASES, startClusterSimulator, type AuditEvent, type ClusterSimulator } from '../src/index.js';
import { generateCertificates } from '../src/tls/certificates.js';

interface Receiver {
  url: string;
  bodies: any[];
  headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

async function startReceiver(tls?: { cert: string; key: string }): Promise<Receiver> {
  const bodies: any[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      headers.push(req.headers);
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end();
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/audit`,
    bodies,
    headers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const violationsOf = (e: AuditEvent) =>
  Object.entries(e.annotations ?? {}).find(([k]) => k.endsWith('/audit-violations'))?.[1];

describe('cluster-sim: audit events', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function simWith(options: Parameters<typeof startClusterSimulator>[0]): Promise<ClusterSimulator> {
    const sim = await startClusterSimulator({ seed: 3, namespaces: 20, pods: 150, startTime: '2026-11-30T00:00:00Z', ...options });
    cleanups.push(() => sim.stop());
    return sim;
  }

  it('POSTs audit.k8s.io/v1 EventLists over HTTPS (verified with the given CA): both stages of each request, every special case', async () => {
    const certs = await generateCertificates();
    const receiver = await startReceiver({ cert: certs.serverCert, key: certs.serverKey });
    cleanups.push(() => receiver.close());
    const sim = await simWith({ apiserverVersion: 'v1.34.2', auditWebhook: { url: receiver.url, caCert: certs.caCert, batchMaxSize: 50 } });
    const result = await sim.advance(SPECIAL_CASES.length * 30_000);
    expect(result.steps).toBe(SPECIAL_CASES.length);
    expect(result.auditEventsPosted).toBeGreaterThan(0);
    expect(receiver.headers[0]!['content-type']).toBe('application/json');
    for (const body of receiver.bodies) {
      expect(body).toMatchObject({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1' });
      expect(body.items.length).toBeLessThanOrEqual(50);
    }
    const events: AuditEvent[] = receiver.bodies.flatMap((b: { items: AuditEvent[] }) => b.items);
    expect(events).toHaveLength(result.auditEventsPosted);
    const byId = new Map<string, AuditEvent[]>();
    for (const e of events) byId.set(e.auditID, [...(byId.get(e.auditID) ?? []), e]);
    for (const pair of byId.values()) {
      expect(pair.map((e) => e.stage)).toEqual(['RequestReceived', 'ResponseComplete']);
      expect(pair[0]!.annotations).toBeUndefined();
      expect(pair[1]!.responseStatus?.code).toBeGreaterThanOrEqual(200);
    }

    const records = sim.auditRecords();
    const cases = new Set(records.map((r) => r.case));
    for (const c of ['pod', 'controller', 'dry-run', 'denied', 'impersonated', 'webhook-prefixed', 'unparseable', 'exempt', 'recorded']) expect(cases).toContain(c);
    const complete = (c: string) => records.find((r) => r.case === c)!.events[1];

    expect(complete('dry-run').requestURI).toContain('dryRun=All');
    expect(complete('denied')).toMatchObject({ responseStatus: { code: 403, reason: 'Forbidden', message: expect.stringMatching(/^pods "denied-\w+" is forbidden: violates PodSecurity "restricted:latest": /) } });
    expect(complete('denied').annotations!['pod-security.kubernetes.io/enforce-policy']).toBe('restricted:latest');
    expect(complete('impersonated').impersonatedUser?.username).toMatch(/^system:serviceaccount:[\w-]+:deployer$/);
    expect(Object.keys(complete('webhook-prefixed').annotations!)).toContain('pod-security-webhook.kubernetes.io/audit-violations');
    expect(Object.keys(complete('webhook-prefixed').annotations!).filter((k) => k.startsWith('pod-security.kubernetes.io/'))).toEqual([]);
    expect(complete('exempt').annotations!['pod-security.kubernetes.io/exempt']).toBe('user');
    const controller = records.find((r) => r.case === 'controller' && violationsOf(r.events[1]))!.events[1];
    expect(['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicationcontrollers']).toContain(controller.objectRef.resource);
    expect(controller.level).toBe('Metadata');
    expect(complete('pod')).toMatchObject({ level: 'Request', objectRef: { resource: 'pods', apiVersion: 'v1' }, requestObject: { kind: 'Pod' } });
  }, 30_000);

  it('exempts as upstream does (namespace, then user, then runtime class after the privileged short-circuit) and writes privileged:latest for fully privileged namespaces', async () => {
    const sim = await simWith({
      apiserverVersion: 'v1.34.2',
      psa: { exemptions: { usernames: ['system:serviceaccount:ci:break-glass'], namespaces: ['monitoring'], runtimeClasses: ['kata'] } },
    });
    await sim.advance(3 * SPECIAL_CASES.length * 30_000);
    const exempt = sim.auditRecords().filter((r) => r.case === 'exempt' || r.events[1].annotations?.['pod-security.kubernetes.io/exempt'] !== undefined);
    const values = new Set(exempt.map((r) => r.events[1].annotations?.['pod-security.kubernetes.io/exempt']));
    expect(values).toEqual(new Set(['user', 'namespace', 'runtimeClass']));
    for (const record of exempt) {
      // PSA sets no other Pod Security annotation on an exempt request.
      const annotations = record.events[1].annotations ?? {};
      expect(Object.keys(annotations).filter((k) => k.startsWith('pod-security.kubernetes.io/'))).toEqual(['pod-security.kubernetes.io/exempt']);
      if (annotations['pod-security.kubernetes.io/exempt'] === 'namespace') expect(record.events[1].objectRef.namespace).toBe('monitoring');
      if (annotations['pod-security.kubernetes.io/exempt'] === 'runtimeClass') expect((record.events[1].requestObject as any).spec.runtimeClassName).toBe('kata');
    }
    // Pods in fully privileged namespaces: enforce-policy privileged:latest and nothing else; controllers there: nothing.
    const privileged = sim
      .auditRecords()
      .filter((r) => r.events[1].objectRef.resource === 'pods' && r.events[1].annotations?.['pod-security.kubernetes.io/enforce-policy'] === 'privileged:latest' && !violationsOf(r.events[1]));
    expect(privileged.length).toBeGreaterThan(0);
    expect(sim.auditRecords().some((r) => r.events[1].objectRef.resource !== 'pods' && r.events[1].annotations?.['pod-security.kubernetes.io/enforce-policy'])).toBe(false);

    // 1.22 wrote no enforce-policy, also not for privileged namespaces; exemptions are the same.
    const v122 = await simWith({ apiserverVersion: 'v1.22.17', psa: { exemptions: { namespaces: ['monitoring'], runtimeClasses: ['kata'] } } });
    await v122.advance(3 * SPECIAL_CASES.length * 30_000);
    expect(v122.auditRecords().some((r) => r.events[1].annotations?.['pod-security.kubernetes.io/enforce-policy'])).toBe(false);
    expect(new Set(v122.auditRecords().map((r) => r.events[1].annotations?.['pod-security.kubernetes.io/exempt']).filter(Boolean))).toEqual(new Set(['user', 'namespace', 'runtimeClass']));
  }, 60_000);

  it('words violations as the configured apiserver does, and libs/pss (the oracle) agrees on the newest wording', async () => {
    const sim = await simWith({ apiserverVersion: 'v1.35.1' });
    await sim.advance(20 * 30_000);
    let compared = 0;
    for (const record of sim.auditRecords()) {
      const event = record.events[1];
      const value = violationsOf(event);
      if (!value) continue;
      if (record.case === 'unparseable') {
        expect(() => parseAuditViolations(value)).toThrow();
        continue;
      }
      const parsed = parseAuditViolations(value);
      expect(parsed.checks.length).toBeGreaterThan(0);
      if (record.case === 'recorded' || event.objectRef.resource !== 'pods' || !event.requestObject) continue;
      const version = parsed.version === 'latest' ? 'v1.35' : parsed.version;
      const oracle = evaluatePod(event.requestObject as any, parsed.level, version);
      expect(value).toBe(`would violate PodSecurity "${parsed.level}:${parsed.version}": ${oracle.forbiddenDetail}`);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(10);
  }, 30_000);

  it('uses older wordings on older apiservers', async () => {
    const v122 = await simWith({ apiserverVersion: 'v1.22.17' });
    await v122.advance(10 * 30_000);
    const keys122 = new Set(v122.auditRecords().flatMap((r) => Object.keys(r.events[1].annotations ?? {})));
    expect(keys122).toContain('pod-security.kubernetes.io/audit');
    expect(keys122).not.toContain('pod-security.kubernetes.io/audit-violations');
    expect(keys122).not.toContain('pod-security.kubernetes.io/enforce-policy');
    const denied122 = v122.auditRecords().find((r) => r.case === 'denied' && r.events[1].responseStatus?.code === 403);
    if (denied122) expect(denied122.events[1].responseStatus?.message).not.toContain('violates PodSecurity');

    const v129 = await simWith({ apiserverVersion: 'v1.29.8', seed: 5, namespaces: 30, pods: 400 });
    await v129.advance(14 * 30_000);
    const values129 = v129.auditRecords().map((r) => violationsOf(r.events[1]) ?? '');
    expect(values129.some((v) => /forbidden AppArmor profiles? \(container\.apparmor\.security\.beta\.kubernetes\.io\/[\w-]+="unconfined"/.test(v))).toBe(true);
    expect(v129.auditRecords().some((r) => r.case === 'recorded')).toBe(true);

    const v131 = await simWith({ apiserverVersion: 'v1.31.4', seed: 5, namespaces: 30, pods: 400 });
    await v131.advance(14 * 30_000);
    const values131 = v131.auditRecords().map((r) => violationsOf(r.events[1]) ?? '');
    expect(values131.some((v) => v.includes('must not set AppArmor profile type to'))).toBe(true);
    expect(values131.some((v) => /forbidden AppArmor profiles? \(container\.apparmor/.test(v))).toBe(false);
  }, 60_000);

  it('keeps events when no webhook is configured, and counts a failed POST', async () => {
    const quiet = await simWith({});
    await quiet.step();
    const events = quiet.takeAuditEvents();
    expect(events.length).toBeGreaterThan(0);
    expect(quiet.takeAuditEvents()).toEqual([]);

    const unreachable = await simWith({ auditWebhook: { url: 'http://127.0.0.1:9/audit' } });
    await unreachable.step();
    expect(unreachable.stats().auditPostFailures).toBe(1);
  });
});

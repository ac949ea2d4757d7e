// Alert rules and channels over HTTP: CRUD with roles, secrets never read back, the destination check at save and
// again at send (DNS rebinding included, through an injected resolver), test sends to real local receivers, and the
// history lists with pagination.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AlertChannel, AlertChannelSaved, AlertDeliveriesPage, AlertDelivery, AlertRule, AlertsPage } from '@ratchet/contracts';
import type { HostResolver } from '@ratchet/alerts';
import request from 'supertest';

import { createAlertChannel, createAlertHistory, createAlertRule } from '../factories/alert.factory.js';
import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant, TestUser } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';
import { startTestSmtpServer } from '../support/test-smtp-server.js';
import type { TestSmtpServer } from '../support/test-smtp-server.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver recording POSTs; answers `status()`. */
async function startReceiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status(), { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The injected DNS: host -> address. */
const dns = new Map<string, string>();
const resolver: HostResolver = (host) => {
  const address = dns.get(host);
  return address ? Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]) : Promise.reject(new Error(`ENOTFOUND ${host}`));
};

describe('alert rules and channels API', () => {
  let sut: TestApp;
  let tenant: TestTenant;
  let viewer: TestUser;
  let admin: TestUser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: TestSmtpServer;
  let clusterId: string;

  beforeAll(async () => {
    sut = await startTestApp({ RATCHET_ALERT_ALLOWED_HOSTS: '127.0.0.1' }, { alertResolver: resolver });
    tenant = await createTenant(sut.database.url);
    viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');
    admin = await createMember(sut.database.url, tenant.orgId, 'admin');
    clusterId = (await createCluster(sut.database.url, tenant.orgId, { name: 'prod-eu' })).clusterId;
    receiver = await startReceiver();
    smtp = await startTestSmtpServer();
  });

  afterAll(async () => {
    await receiver.close();
    await smtp.close();
    await disconnectOwnerClients();
    await sut.close();
  });

  const api = () => request(sut.http);
  const issues = (body: unknown) => ((body as { details?: { issues?: { path: string; message: string }[] } }).details?.issues ?? []).map((i) => i.path);

  it('creates a webhook channel with a generated signing secret shown once, then only its preview, and signs test sends with it', async () => {
    const created = AlertChannelSaved.parse(
      (await api().post('/api/v1/alert-channels').set(tenant.owner.headers).send({ name: 'ops webhook', type: 'webhook', config: { url: `${receiver.url}/hook` } }).expect(201)).body,
    );
    const secret = created.signingSecret!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.channel).toMatchObject({ type: 'webhook', config: { url: `${receiver.url}/hook`, secretPreview: `whsec_…${secret.slice(-4)}` }, health: { healthy: true } });

    const read = await api().get(`/api/v1/alert-channels/${created.channel.id}`).set(viewer.headers).expect(200);
    const list = await api().get('/api/v1/alert-channels').set(viewer.headers).expect(200);
    expect(read.text).not.toContain(secret);
    expect(list.text).not.toContain(secret);
    AlertChannel.parse(read.body);

    const tested = AlertDelivery.parse((await api().post(`/api/v1/alert-channels/${created.channel.id}/test`).set(admin.headers).expect(200)).body);
    expect(tested).toMatchObject({ kind: 'test', status: 'delivered', attempts: 1, responseCode: 200, responseExcerpt: 'ok', lastError: null });
    const sent = receiver.received.at(-1)!;
    const timestamp = String(sent.headers['x-ratchet-timestamp']);
    expect(sent.headers['x-ratchet-signature']).toBe(`v1=${createHmac('sha256', secret).update(`${timestamp}.${sent.body}`).digest('hex')}`);
    expect(JSON.parse(sent.body)).toMatchObject({ version: 1, kind: 'test', organizationId: tenant.orgId });

    // Rotating makes a new secret, shown once; a PATCH of the URL alone keeps it.
    const rotated = AlertChannelSaved.parse((await api().patch(`/api/v1/alert-channels/${created.channel.id}`).set(tenant.owner.headers).send({ rotateSecret: true }).expect(200)).body);
    expect(rotated.signingSecret).not.toBe(secret);
    const moved = AlertChannelSaved.parse(
      (await api().patch(`/api/v1/alert-channels/${created.channel.id}`).set(tenant.owner.headers).send({ config: { url: `${receiver.url}/moved` } }).expect(200)).body,
    );
    expect(moved.signingSecret).toBeNull();
    expect(moved.channel.config).toEqual({ url: `${receiver.url}/moved`, secretPreview: `whsec_…${rotated.signingSecret!.slice(-4)}` });
  });

  it('shows Slack and Teams URLs and SMTP passwords only as previews, and keeps a password a PATCH leaves out', async () => {
    const slackUrl = `${receiver.url}/services/T0001/B0001/verysecrettoken1234`;
    const slack = AlertChannelSaved.parse((await api().post('/api/v1/alert-channels').set(tenant.owner.headers).send({ name: 'slack', type: 'slack', config: { webhookUrl: slackUrl } }).expect(201)).body);
    expect(slack.channel.config).toEqual({ webhookUrlPreview: `${receiver.url}/…1234` });
    const teamsUrl = `${receiver.url}/workflows/abc/triggers/manual/paths/invoke?sig=topsecretsig9876`;
    const teams = AlertChannelSaved.parse((await api().post('/api/v1/alert-channels').set(tenant.owner.headers).send({ name: 'teams', type: 'teams', config: { webhookUrl: teamsUrl } }).expect(201)).body);
    const email = AlertChannelSaved.parse(
      (
        await api()
          .post('/api/v1/alert-channels')
          .set(tenant.owner.headers)
          .send({ name: 'email', type: 'email', config: { host: '127.0.0.1', port: Number(new URL(smtp.url).port), security: 'none', from: 'ratchet@example.test', to: ['oncall@example.test'] } })
          .expect(201)
      ).body,
    );
    const listed = await api().get('/api/v1/alert-channels').set(viewer.headers).expect(200);
    expect(listed.text).not.toContain('verysecrettoken1234');
    expect(listed.text).not.toContain('topsecretsig9876');

    for (const channel of [slack, teams, email]) {
      const tested = AlertDelivery.parse((await api().post(`/api/v1/alert-channels/${channel.channel.id}/test`).set(tenant.owner.headers).expect(200)).body);
      expect([channel.channel.type, tested.status]).toEqual([channel.channel.type, 'delivered']);
    }
    const slackBody = JSON.parse(receiver.received.find((r) => r.path === '/services/T0001/B0001/verysecrettoken1234')!.body) as { blocks: unknown[]; text: string };
    expect(slackBody.text).toBe('Ratchet test alert: this channel works');
    const teamsBody = JSON.parse(receiver.received.find((r) => r.path.startsWith('/workflows/'))!.body) as { attachments: { contentType: string }[] };
    expect(teamsBody.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(smtp.received.at(-1)!.raw).toContain('Subject: Ratchet test alert: this channel works');

    // A password is written, never read back; changing the recipients keeps it.
    const withPassword = AlertChannelSaved.parse(
      (
        await api()
          .patch(`/api/v1/alert-channels/${email.channel.id}`)
          .set(tenant.owner.headers)
          .send({ config: { host: '127.0.0.1', port: 2525, security: 'none', username: 'ratchet', password: 'smtp-password-42', from: 'ratchet@example.test', to: ['a@example.test'] } })
          .expect(200)
      ).body,
    );
    expect(withPassword.channel.config).toMatchObject({ username: 'ratchet', passwordSet: true });
    const kept = await api()
      .patch(`/api/v1/alert-channels/${email.channel.id}`)
      .set(tenant.owner.headers)
      .send({ config: { host: '127.0.0.1', port: 2525, security: 'none', username: 'ratchet', from: 'ratchet@example.test', to: ['b@example.test'] } })
      .expect(200);
    expect(kept.text).not.toContain('smtp-password-42');
    const stored = await ownerClient(sut.database.url).alertChannel.findUniqueOrThrow({ where: { orgId_id: { orgId: tenant.orgId, id: email.channel.id } } });
    expect(stored.config).toMatchObject({ password: 'smtp-password-42', to: ['b@example.test'] });
  });

  it('refuses at save a destination resolving to a loopback, private or link-local address unless allowed, naming the field', async () => {
    dns.set('internal.example.test', '10.1.2.3');
    dns.set('mapped.example.test', '::ffff:169.254.169.254');
    dns.set('ula.example.test', 'fd12::1');
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'webhook', config: { url: 'http://internal.example.test/hook' } }, 'body.config.url'],
      [{ type: 'webhook', config: { url: 'http://[::1]:8080/hook' } }, 'body.config.url'],
      [{ type: 'slack', config: { webhookUrl: 'https://mapped.example.test/services/x' } }, 'body.config.webhookUrl'],
      [{ type: 'teams', config: { webhookUrl: 'https://ula.example.test/workflows/x' } }, 'body.config.webhookUrl'],
      [{ type: 'email', config: { host: '192.168.0.10', from: 'a@example.test', to: ['b@example.test'] } }, 'body.config.host'],
      [{ type: 'webhook', config: { url: 'http://unresolvable.example.test/' } }, 'body.config.url'],
    ];
    for (const [body, path] of cases) {
      const response = await api().post('/api/v1/alert-channels').set(tenant.owner.headers).send({ name: `refused ${path} ${Math.random()}`, ...body });
      expect([response.status, issues(response.body)]).toEqual([400, [path]]);
    }
    expect(await ownerClient(sut.database.url).alertChannel.count({ where: { orgId: tenant.orgId, name: { startsWith: 'refused' } } })).toBe(0);
  });

  it('refuses at send a host whose DNS answer changed to a private address after it was saved', async () => {
    dns.set('hooks.rebind.test', '93.184.215.14');
    const saved = AlertChannelSaved.parse(
      (await api().post('/api/v1/alert-channels').set(tenant.owner.headers).send({ name: 'rebinding', type: 'webhook', config: { url: 'http://hooks.rebind.test/hook' } }).expect(201)).body,
    );
    dns.set('hooks.rebind.test', '127.0.0.1');
    const before = receiver.received.length;
    const tested = AlertDelivery.parse((await api().post(`/api/v1/alert-channels/${saved.channel.id}/test`).set(tenant.owner.headers).expect(200)).body);
    expect(tested).toMatchObject({ status: 'failed', responseCode: null });
    expect(tested.lastError).toContain('127.0.0.1 is in the loopback range');
    expect(receiver.received.length).toBe(before);
    const channel = AlertChannel.parse((await api().get(`/api/v1/alert-channels/${saved.channel.id}`).set(viewer.headers).expect(200)).body);
    expect(channel.health).toMatchObject({ healthy: true, lastError: tested.lastError });
    expect(channel.health.failingSince).not.toBeNull();
  });

  it('creates, reads, changes and deletes rules, refusing channels and clusters of nobody, and lets a viewer only read', async () => {
    const channel = await createAlertChannel(sut.database.url, tenant.orgId);
    const missing = '00000000-0000-4000-8000-000000000000';
    const unknownChannel = await api().post('/api/v1/alert-rules').set(admin.headers).send({ name: 'x', trigger: 'namespace_ready', channelIds: [channel.id, missing] });
    expect([unknownChannel.status, issues(unknownChannel.body)]).toEqual([400, ['body.channelIds[1]']]);
    const unknownCluster = await api().post('/api/v1/alert-rules').set(admin.headers).send({ name: 'x', trigger: 'namespace_ready', channelIds: [channel.id], scope: { clusterIds: [missing] } });
    expect([unknownCluster.status, issues(unknownCluster.body)]).toEqual([400, ['body.scope.clusterIds[0]']]);
    const wrongLevel = await api().post('/api/v1/alert-rules').set(admin.headers).send({ name: 'x', trigger: 'agent_silent', level: 'baseline', channelIds: [channel.id] });
    expect([wrongLevel.status, issues(wrongLevel.body)]).toEqual([400, ['body.level']]);
    const badSelector = await api()
      .post('/api/v1/alert-rules')
      .set(admin.headers)
      .send({ name: 'x', trigger: 'namespace_ready', channelIds: [channel.id], scope: { labelSelector: { matchExpressions: [{ key: 'team', operator: 'In' }] } } });
    expect([badSelector.status, issues(badSelector.body)]).toEqual([400, ['body.scope.labelSelector.matchExpressions[0].values']]);

    const created = AlertRule.parse(
      (
        await api()
          .post('/api/v1/alert-rules')
          .set(admin.headers)
          .send({
            name: 'ready for restricted',
            trigger: 'namespace_ready',
            level: 'restricted',
            scope: { clusterIds: [clusterId], includeNamespaces: ['team-*'], excludeNamespaces: ['*-canary'], labelSelector: { matchLabels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } },
            minSeverity: 'info',
            cooldownMinutes: 120,
            channelIds: [channel.id],
          })
          .expect(201)
      ).body,
    );
    expect(created).toMatchObject({ trigger: 'namespace_ready', level: 'restricted', silentMinutes: null, cooldownMinutes: 120, channelIds: [channel.id], enabled: true });
    const silent = AlertRule.parse((await api().post('/api/v1/alert-rules').set(admin.headers).send({ name: 'silent agents', trigger: 'agent_silent', channelIds: [channel.id] }).expect(201)).body);
    expect(silent.silentMinutes).toBe(15);
    expect((await api().post('/api/v1/alert-rules').set(admin.headers).send({ name: 'silent agents', trigger: 'agent_silent', channelIds: [channel.id] })).status).toBe(409);

    const changed = AlertRule.parse(
      (await api().patch(`/api/v1/alert-rules/${created.id}`).set(tenant.owner.headers).send({ enabled: false, scope: { excludeNamespaces: ['kube-*'] } }).expect(200)).body,
    );
    expect(changed).toMatchObject({ enabled: false, level: 'restricted', scope: { clusterIds: [], includeNamespaces: [], excludeNamespaces: ['kube-*'], labelSelector: null } });

    // A viewer reads, and changes nothing.
    await api().get('/api/v1/alert-rules').set(viewer.headers).expect(200);
    await api().get(`/api/v1/alert-rules/${created.id}`).set(viewer.headers).expect(200);
    const attempts = [
      api().post('/api/v1/alert-rules').set(viewer.headers).send({ name: 'v', trigger: 'namespace_ready', channelIds: [channel.id] }),
      api().patch(`/api/v1/alert-rules/${created.id}`).set(viewer.headers).send({ enabled: true }),
      api().delete(`/api/v1/alert-rules/${created.id}`).set(viewer.headers),
      api().post('/api/v1/alert-channels').set(viewer.headers).send({ name: 'v', type: 'webhook', config: { url: `${receiver.url}/v` } }),
      api().patch(`/api/v1/alert-channels/${channel.id}`).set(viewer.headers).send({ enabled: false }),
      api().delete(`/api/v1/alert-channels/${channel.id}`).set(viewer.headers),
      api().post(`/api/v1/alert-channels/${channel.id}/test`).set(viewer.headers),
    ];
    expect((await Promise.all(attempts)).map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect(AlertRule.parse((await api().get(`/api/v1/alert-rules/${created.id}`).set(viewer.headers).expect(200)).body).enabled).toBe(false);

    await api().delete(`/api/v1/alert-rules/${created.id}`).set(admin.headers).expect(204);
    await api().get(`/api/v1/alert-rules/${created.id}`).set(admin.headers).expect(404);
  });

  it('pages through alert history and deliveries, newest first, filtered', async () => {
    const other = await createTenant(sut.database.url);
    const otherCluster = await createCluster(sut.database.url, other.orgId);
    const channel = await createAlertChannel(sut.database.url, other.orgId);
    const rule = await createAlertRule(sut.database.url, other.orgId, channel.id);
    const ref = { orgId: other.orgId, clusterId: otherCluster.clusterId, ruleId: rule.id, channelId: channel.id };
    for (const [index, namespace] of ['a', 'b', 'c'].entries()) await createAlertHistory(sut.database.url, ref, { namespace, firedAt: new Date(Date.UTC(2026, 10, 30, 10, index)) });

    const first = AlertsPage.parse((await api().get('/api/v1/alerts?limit=2&status=firing').set(other.owner.headers).expect(200)).body);
    expect(first.items.map((a) => a.namespace)).toEqual(['c', 'b']);
    const second = AlertsPage.parse((await api().get(`/api/v1/alerts?limit=2&status=firing&cursor=${first.nextCursor}`).set(other.owner.headers).expect(200)).body);
    expect([second.items.map((a) => a.namespace), second.nextCursor]).toEqual([['a'], null]);

    const deliveries = AlertDeliveriesPage.parse((await api().get(`/api/v1/alert-deliveries?limit=2&channelId=${channel.id}`).set(other.owner.headers).expect(200)).body);
    expect(deliveries.items.map((d) => d.message.firing[0]!.namespace)).toEqual(['c', 'b']);
    const rest = AlertDeliveriesPage.parse((await api().get(`/api/v1/alert-deliveries?limit=2&channelId=${channel.id}&cursor=${deliveries.nextCursor}`).set(other.owner.headers).expect(200)).body);
    expect(rest.items.map((d) => d.message.firing[0]!.namespace)).toEqual(['a']);
    expect(AlertDeliveriesPage.parse((await api().get('/api/v1/alert-deliveries?status=failed').set(other.owner.headers).expect(200)).body).items).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgentTokenIssued, AgentTokenList, AgentTokenSummary, ClusterCreated, ClusterSummary, ClustersPage } from '@ratchet/contracts';
import { findAgentTokenByHash, withSystem } from '@ratchet/db';
import type { OrgRole } from '@ratchet/db';
import request from 'supertest';
import { parse } from 'yaml';

import { TOKEN_PREFIX, hashToken, issueToken, looksLikeToken } from '../../src/common/auth/token.util.js';
import { createCluster } from '../factories/cluster.factory.js';
import { disconnectOwnerClients, ownerClient } from '../factories/db.factory.js';
import { createFinding, createNamespace, createPod, createWorkload } from '../factories/inventory.factory.js';
import { createMember, createTenant } from '../factories/tenant.factory.js';
import type { TestTenant } from '../factories/tenant.factory.js';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const PUBLIC_URL = 'https://ratchet.example.test';
const CHART = 'oci://registry.example.test/charts/ratchet-agent';
const CLUSTERS = '/api/v1/clusters';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const MINUTE = 60_000;
/** The API's clock: fixed, so the agent status is decided by the test, not by when it runs. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);

describe('clusters', () => {
  let sut: TestApp;
  /** What the API's clock reads; a test that moves it puts it back. */
  let clock = NOW;

  beforeAll(async () => {
    sut = await startTestApp({ RATCHET_PUBLIC_URL: PUBLIC_URL, RATCHET_AGENT_HELM_CHART: CHART }, { now: () => clock });
  });
  afterAll(async () => {
    await disconnectOwnerClients();
    await sut.close();
  });

  const db = () => ownerClient(sut.database.url);
  const lookupAgentToken = (token: string) => withSystem(db(), (tx) => findAgentTokenByHash(tx, hashToken(token)));

  /** An API token of the tenant's owner with `role`, as the api-tokens module stores it. */
  async function apiTokenHeaders(tenant: TestTenant, role: OrgRole): Promise<Record<string, string>> {
    const token = issueToken(TOKEN_PREFIX.apiToken);
    await db().apiToken.create({
      data: {
        orgId: tenant.orgId,
        name: `${role} ${token.displayPrefix}`,
        tokenHash: token.hash,
        tokenPrefix: token.displayPrefix,
        role,
        createdByUserId: tenant.owner.userId,
      },
    });
    return { Authorization: `Bearer ${token.token}` };
  }

  async function registerCluster(headers: Record<string, string>, name: string): Promise<ClusterCreated> {
    const response = await request(sut.http).post(CLUSTERS).set(headers).send({ name }).expect(201);
    return ClusterCreated.parse(response.body);
  }

  async function listAll(headers: Record<string, string>, query: Record<string, string> = {}): Promise<ClusterSummary[]> {
    const response = await request(sut.http).get(CLUSTERS).query(query).set(headers).expect(200);
    return ClustersPage.parse(response.body).items;
  }

  describe('POST /clusters', () => {
    it('registers a cluster and returns its agent token once, with an install snippet that parses', async () => {
      const tenant = await createTenant(sut.database.url);
      const admin = await createMember(sut.database.url, tenant.orgId, 'admin');

      const created = await registerCluster(admin.headers, 'prod-eu-1');

      expect(created.cluster).toEqual({
        id: expect.any(String),
        name: 'prod-eu-1',
        createdAt: expect.any(String),
        lastSeenAt: null,
        agent: { status: 'never', version: null, kubernetesVersion: null, auditSource: null },
        psaConfiguration: null,
        psaConfigurationOverride: null,
        effectivePsaConfiguration: {
          source: 'upstream',
          configuration: {
            defaults: { enforce: 'privileged', 'enforce-version': 'latest', audit: 'privileged', 'audit-version': 'latest', warn: 'privileged', 'warn-version': 'latest' },
            exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
          },
        },
        psaContradictions: [],
        counts: { namespaces: 0, workloads: 0, pods: 0, openFindings: 0 },
      });
      expect(looksLikeToken(created.agentToken, TOKEN_PREFIX.agentToken)).toBe(true);
      expect(parse(created.install.helmValues)).toEqual({
        apiUrl: PUBLIC_URL,
        clusterName: 'prod-eu-1',
        agent: { token: created.agentToken },
      });
      expect(created.install.helmValues).toContain('existingSecret: ratchet-agent-token');
      expect(created.install.helmCommand).toBe(
        `helm upgrade --install ratchet-agent ${CHART} -n ratchet-system --create-namespace -f values.yaml`,
      );
      expect(created.install.kubectlSecretCommand).toContain(
        `kubectl create secret generic ratchet-agent-token -n ratchet-system --from-literal=token=${created.agentToken}`,
      );

      // Only the hash is stored, and it resolves to this cluster.
      const stored = await db().agentToken.findMany({ where: { clusterId: created.cluster.id } });
      expect(stored).toHaveLength(1);
      expect(stored[0]!.tokenHash).toBe(hashToken(created.agentToken));
      expect(JSON.stringify(stored)).not.toContain(created.agentToken);
      expect(await lookupAgentToken(created.agentToken)).toEqual({
        tokenId: stored[0]!.id,
        orgId: tenant.orgId,
        clusterId: created.cluster.id,
      });
    });

    it('answers 409 on a name the organization already uses, but not on another organization’s', async () => {
      const tenant = await createTenant(sut.database.url);
      const other = await createTenant(sut.database.url);
      await registerCluster(tenant.owner.headers, 'prod');

      const response = await request(sut.http).post(CLUSTERS).set(tenant.owner.headers).send({ name: 'prod' }).expect(409);
      expect(response.body).toEqual({ code: 'conflict', message: expect.stringContaining('"prod" already exists'), details: {} });
      expect(await db().cluster.count({ where: { orgId: tenant.orgId } })).toBe(1);

      await registerCluster(other.owner.headers, 'prod');
    });

    it('refuses a name that is not an RFC 1123 label, and unknown fields, naming each', async () => {
      const tenant = await createTenant(sut.database.url);
      const post = (body: unknown) => request(sut.http).post(CLUSTERS).set(tenant.owner.headers).send(body as object).expect(400);

      const bad = await post({ name: 'Prod_EU', region: 'eu' });
      expect(bad.body.code).toBe('validation_failed');
      expect(bad.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.name', 'body.region']);
      for (const name of ['', '-prod', 'prod-', 'a'.repeat(64), 'prod.eu']) {
        const response = await post({ name });
        expect(response.body.details.issues[0].path).toBe('body.name');
      }
      const missing = await post({});
      expect(missing.body.details.issues).toEqual([{ path: 'body.name', message: expect.any(String) }]);
      expect(await db().cluster.count({ where: { orgId: tenant.orgId } })).toBe(0);
    });
  });

  describe('GET /clusters and /clusters/:clusterId', () => {
    it('lists clusters by name, page by page, and gets each one', async () => {
      const tenant = await createTenant(sut.database.url);
      const viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');
      const names = ['zeta', 'alpha', 'mu', 'beta', 'omega'];
      const created = new Map<string, ClusterCreated>();
      for (const name of names) created.set(name, await registerCluster(tenant.owner.headers, name));

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string> = { limit: '2', ...(cursor ? { cursor } : {}) };
        const response = await request(sut.http).get(CLUSTERS).query(query).set(viewer.headers).expect(200);
        const page = ClustersPage.parse(response.body);
        seen.push(...page.items.map((item) => item.name));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null);
      expect(seen).toEqual(['alpha', 'beta', 'mu', 'omega', 'zeta']);
      expect(pages).toBe(3);

      const exact = await request(sut.http).get(CLUSTERS).query({ limit: '5' }).set(viewer.headers).expect(200);
      expect(exact.body.nextCursor).toBeNull();

      const mu = created.get('mu')!.cluster;
      const one = await request(sut.http).get(`${CLUSTERS}/${mu.id}`).set(viewer.headers).expect(200);
      expect(ClusterSummary.parse(one.body)).toEqual(mu);
    });

    it('answers 404 for a cluster that does not exist', async () => {
      const tenant = await createTenant(sut.database.url);
      const response = await request(sut.http).get(`${CLUSTERS}/${MISSING_ID}`).set(tenant.owner.headers).expect(404);
      expect(response.body).toEqual({ code: 'not_found', message: 'cluster not found', details: {} });
    });

    it('counts namespaces, top-level workloads, pods and open findings, leaving deleted objects out', async () => {
      const tenant = await createTenant(sut.database.url);
      const cluster = await createCluster(sut.database.url, tenant.orgId, { name: 'counted' });
      const ref = { orgId: tenant.orgId, clusterId: cluster.clusterId };
      const web = await createNamespace(sut.database.url, ref, { name: 'web' });
      const batch = await createNamespace(sut.database.url, ref, { name: 'batch' });
      await createNamespace(sut.database.url, ref, { name: 'gone', deletedAt: new Date() });

      const deployment = await createWorkload(sut.database.url, web, { kind: 'Deployment', name: 'shop' });
      const owner = { kind: 'Deployment', name: deployment.name, uid: deployment.uid };
      await createWorkload(sut.database.url, web, { kind: 'ReplicaSet', name: 'shop-5d9c', ownerChain: [owner] });
      await createWorkload(sut.database.url, web, { kind: 'Deployment', name: 'old', deletedAt: new Date() });
      // An operator's custom resource is not a watched kind: the Deployment under it is the top workload.
      const operated = { kind: 'Database', name: 'orders', uid: randomUUID() };
      await createWorkload(sut.database.url, web, { kind: 'Deployment', name: 'orders-db', ownerChain: [operated] });
      const cronJob = await createWorkload(sut.database.url, batch, { kind: 'CronJob', name: 'report' });
      const cronOwner = { kind: 'CronJob', name: cronJob.name, uid: cronJob.uid };
      await createWorkload(sut.database.url, batch, { kind: 'Job', name: 'report-2911', ownerChain: [cronOwner] });

      await createPod(sut.database.url, deployment);
      await createPod(sut.database.url, deployment);
      await createPod(sut.database.url, cronJob, { phase: 'Succeeded' });

      await createFinding(sut.database.url, deployment, { level: 'baseline', checkId: 'privileged' });
      await createFinding(sut.database.url, deployment, { level: 'restricted', checkId: 'runAsNonRoot' });
      await createFinding(sut.database.url, cronJob, { status: 'resolved' });

      // Another cluster's rows count for that cluster only.
      const quiet = await createCluster(sut.database.url, tenant.orgId, { name: 'quiet' });
      const quietNamespace = await createNamespace(sut.database.url, { orgId: tenant.orgId, clusterId: quiet.clusterId });
      await createWorkload(sut.database.url, quietNamespace);

      const items = await listAll(tenant.owner.headers);
      expect(items.map((item) => [item.name, item.counts])).toEqual([
        ['counted', { namespaces: 2, workloads: 3, pods: 3, openFindings: 2 }],
        ['quiet', { namespaces: 1, workloads: 1, pods: 0, openFindings: 0 }],
      ]);
      const one = await request(sut.http).get(`${CLUSTERS}/${cluster.clusterId}`).set(tenant.owner.headers).expect(200);
      expect(one.body.counts).toEqual({ namespaces: 2, workloads: 3, pods: 3, openFindings: 2 });
    });

    it('derives the agent status from the last contact, and filters on it', async () => {
      const tenant = await createTenant(sut.database.url);
      const now = NOW.getTime();
      const lastSeen: Record<string, Date | null> = {
        connected: new Date(now - 1 * MINUTE),
        stale: new Date(now - 30 * MINUTE),
        offline: new Date(now - 120 * MINUTE),
        never: null,
      };
      for (const [status, lastSeenAt] of Object.entries(lastSeen)) {
        const cluster = await createCluster(sut.database.url, tenant.orgId, { name: status });
        await db().cluster.update({
          where: { orgId_id: { orgId: tenant.orgId, id: cluster.clusterId } },
          data: { lastSeenAt, agentVersion: lastSeenAt ? '0.3.1' : null, kubernetesVersion: lastSeenAt ? 'v1.31.2' : null },
        });
      }

      const items = await listAll(tenant.owner.headers);
      expect(items.map((item) => [item.name, item.agent.status, item.lastSeenAt])).toEqual([
        ['connected', 'connected', lastSeen.connected!.toISOString()],
        ['never', 'never', null],
        ['offline', 'offline', lastSeen.offline!.toISOString()],
        ['stale', 'stale', lastSeen.stale!.toISOString()],
      ]);
      expect(items.find((item) => item.name === 'stale')!.agent).toEqual({ status: 'stale', version: '0.3.1', kubernetesVersion: 'v1.31.2', auditSource: null });

      for (const status of Object.keys(lastSeen)) {
        const filtered = await listAll(tenant.owner.headers, { agentStatus: status });
        expect(filtered.map((item) => item.name)).toEqual([status]);
      }

      // By the API's clock, not the wall clock: 10 minutes on, the connected agent is stale; an hour on, offline too.
      const statuses = async () => Object.fromEntries((await listAll(tenant.owner.headers)).map((item) => [item.name, item.agent.status]));
      try {
        clock = new Date(now + 10 * MINUTE);
        expect(await statuses()).toEqual({ connected: 'stale', stale: 'stale', offline: 'offline', never: 'never' });
        expect((await listAll(tenant.owner.headers, { agentStatus: 'stale' })).map((item) => item.name)).toEqual(['connected', 'stale']);
        clock = new Date(now + 60 * MINUTE);
        expect(await statuses()).toEqual({ connected: 'offline', stale: 'offline', offline: 'offline', never: 'never' });
        const connected = items.find((item) => item.name === 'connected')!;
        const one = ClusterSummary.parse((await request(sut.http).get(`${CLUSTERS}/${connected.id}`).set(tenant.owner.headers).expect(200)).body);
        expect(one.agent.status).toBe('offline');
      } finally {
        clock = NOW;
      }
    });

    it('refuses bad query parameters and cursors, naming them', async () => {
      const tenant = await createTenant(sut.database.url);
      const get = (query: Record<string, string>) => request(sut.http).get(CLUSTERS).query(query).set(tenant.owner.headers).expect(400);
      const paths = (body: { details: { issues: { path: string }[] } }) => body.details.issues.map((issue) => issue.path);

      expect(paths((await get({ limit: '0', agentStatus: 'online', sort: 'name' })).body)).toEqual([
        'query.limit',
        'query.agentStatus',
        'query.sort',
      ]);
      expect(paths((await get({ cursor: 'not-a-cursor' })).body)).toEqual(['query.cursor']);
    });
  });

  describe('PATCH /clusters/:clusterId', () => {
    it('renames a cluster, and answers 409 when the name is taken', async () => {
      const tenant = await createTenant(sut.database.url);
      const prod = await registerCluster(tenant.owner.headers, 'prod');
      await registerCluster(tenant.owner.headers, 'staging');
      const url = `${CLUSTERS}/${prod.cluster.id}`;

      const renamed = await request(sut.http).patch(url).set(tenant.owner.headers).send({ name: 'production' }).expect(200);
      expect(ClusterSummary.parse(renamed.body)).toEqual({ ...prod.cluster, name: 'production' });
      expect((await request(sut.http).get(url).set(tenant.owner.headers).expect(200)).body.name).toBe('production');

      const taken = await request(sut.http).patch(url).set(tenant.owner.headers).send({ name: 'staging' }).expect(409);
      expect(taken.body.code).toBe('conflict');
      await request(sut.http).patch(url).set(tenant.owner.headers).send({ name: 'production' }).expect(200);
      expect((await listAll(tenant.owner.headers)).map((item) => item.name)).toEqual(['production', 'staging']);
    });

    it('refuses a bad name, unknown fields and an empty body, and 404s an unknown cluster', async () => {
      const tenant = await createTenant(sut.database.url);
      const { cluster } = await registerCluster(tenant.owner.headers, 'prod');
      const patch = (id: string, body: object) => request(sut.http).patch(`${CLUSTERS}/${id}`).set(tenant.owner.headers).send(body);

      const bad = await patch(cluster.id, { name: 'Prod', description: 'x' }).expect(400);
      expect(bad.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.name', 'body.description']);
      const empty = await patch(cluster.id, {}).expect(400);
      expect(empty.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.name']);
      await patch(MISSING_ID, { name: 'other' }).expect(404);
    });
  });

  describe('DELETE /clusters/:clusterId', () => {
    /** Every kind of row a cluster owns, so deleting one can be checked table by table. */
    async function populate(orgId: string, name: string) {
      const cluster = await createCluster(sut.database.url, orgId, { name });
      const namespace = await createNamespace(sut.database.url, { orgId, clusterId: cluster.clusterId }, { name: 'shop' });
      const workload = await createWorkload(sut.database.url, namespace);
      await createPod(sut.database.url, workload);
      await createFinding(sut.database.url, workload);
      await db().namespaceReadiness.create({
        data: { orgId, clusterId: cluster.clusterId, namespaceId: namespace.id, level: 'restricted', version: 'latest', status: 'blocked', windowDays: 7 },
      });
      await db().auditEvent.create({
        data: {
          orgId,
          clusterId: cluster.clusterId,
          auditId: randomUUID(),
          time: new Date(),
          username: 'system:serviceaccount:kube-system:replicaset-controller',
          verb: 'create',
          objectResource: 'pods',
          namespaceName: 'shop',
          auditViolations: 'would violate PodSecurity "restricted:latest": runAsNonRoot != true',
          level: 'restricted',
          version: 'latest',
          checks: [{ id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: '' }],
        },
      });
      await db().ingestBatch.create({
        data: { orgId, clusterId: cluster.clusterId, idempotencyKey: randomUUID(), requestHash: hashToken(randomUUID()), kind: 'heartbeat', itemCount: 0 },
      });
      return cluster;
    }

    async function rowsOf(clusterId: string) {
      const where = { clusterId };
      return {
        clusters: await db().cluster.count({ where: { id: clusterId } }),
        agentTokens: await db().agentToken.count({ where }),
        namespaces: await db().namespace.count({ where }),
        workloads: await db().workload.count({ where }),
        pods: await db().pod.count({ where }),
        findings: await db().finding.count({ where }),
        readiness: await db().namespaceReadiness.count({ where }),
        auditEvents: await db().auditEvent.count({ where }),
        ingestBatches: await db().ingestBatch.count({ where }),
      };
    }

    it('deletes the cluster and every row of its data, and nothing of another cluster', async () => {
      const tenant = await createTenant(sut.database.url);
      const doomed = await populate(tenant.orgId, 'doomed');
      const kept = await populate(tenant.orgId, 'kept');
      const everything = { clusters: 1, agentTokens: 1, namespaces: 1, workloads: 1, pods: 1, findings: 1, readiness: 1, auditEvents: 1, ingestBatches: 1 };
      expect(await rowsOf(doomed.clusterId)).toEqual(everything);

      const response = await request(sut.http).delete(`${CLUSTERS}/${doomed.clusterId}`).set(tenant.owner.headers).expect(204);
      expect(response.text).toBe('');

      expect(await rowsOf(doomed.clusterId)).toEqual(
        Object.fromEntries(Object.keys(everything).map((table) => [table, 0])),
      );
      expect(await rowsOf(kept.clusterId)).toEqual(everything);
      expect(await lookupAgentToken(doomed.agentToken)).toBeNull();
      expect(await lookupAgentToken(kept.agentToken)).not.toBeNull();
      await request(sut.http).get(`${CLUSTERS}/${doomed.clusterId}`).set(tenant.owner.headers).expect(404);
      await request(sut.http).delete(`${CLUSTERS}/${doomed.clusterId}`).set(tenant.owner.headers).expect(404);
      expect((await listAll(tenant.owner.headers)).map((item) => item.name)).toEqual(['kept']);
    });
  });

  describe('agent tokens', () => {
    it('lists, issues and revokes tokens; a revoked token no longer resolves', async () => {
      const tenant = await createTenant(sut.database.url);
      const created = await registerCluster(tenant.owner.headers, 'prod');
      const tokensUrl = `${CLUSTERS}/${created.cluster.id}/agent-tokens`;

      const initial = AgentTokenList.parse((await request(sut.http).get(tokensUrl).set(tenant.owner.headers).expect(200)).body);
      expect(initial.items).toEqual([
        {
          id: expect.any(String),
          clusterId: created.cluster.id,
          name: 'created with the cluster',
          prefix: created.agentToken.slice(0, 10),
          createdAt: expect.any(String),
          lastUsedAt: null,
          revokedAt: null,
        },
      ]);
      expect(JSON.stringify(initial)).not.toContain(created.agentToken);

      const issuedResponse = await request(sut.http).post(tokensUrl).set(tenant.owner.headers).send({ name: 'rotation' }).expect(201);
      const issued = AgentTokenIssued.parse(issuedResponse.body);
      expect(issued.token).toMatchObject({ clusterId: created.cluster.id, name: 'rotation', revokedAt: null });
      expect(looksLikeToken(issued.agentToken, TOKEN_PREFIX.agentToken)).toBe(true);
      expect(parse(issued.install.helmValues)).toEqual({ apiUrl: PUBLIC_URL, clusterName: 'prod', agent: { token: issued.agentToken } });
      expect(await lookupAgentToken(issued.agentToken)).toEqual({ tokenId: issued.token.id, orgId: tenant.orgId, clusterId: created.cluster.id });

      // Without a body the token gets a dated name.
      const unnamed = AgentTokenIssued.parse((await request(sut.http).post(tokensUrl).set(tenant.owner.headers).expect(201)).body);
      expect(unnamed.token.name).toMatch(/^issued \d{4}-\d{2}-\d{2}$/);

      const listed = AgentTokenList.parse((await request(sut.http).get(tokensUrl).set(tenant.owner.headers).expect(200)).body);
      expect(listed.items.map((token) => token.id)).toEqual([unnamed.token.id, issued.token.id, initial.items[0]!.id]);

      const revokedResponse = await request(sut.http).delete(`${tokensUrl}/${initial.items[0]!.id}`).set(tenant.owner.headers).expect(200);
      const revoked = AgentTokenSummary.parse(revokedResponse.body);
      expect(revoked.revokedAt).not.toBeNull();
      expect(await lookupAgentToken(created.agentToken)).toBeNull();
      expect(await lookupAgentToken(issued.agentToken)).not.toBeNull();

      // Revoking again is harmless and keeps the first time.
      const again = await request(sut.http).delete(`${tokensUrl}/${initial.items[0]!.id}`).set(tenant.owner.headers).expect(200);
      expect(again.body.revokedAt).toBe(revoked.revokedAt);
      const afterRevoke = AgentTokenList.parse((await request(sut.http).get(tokensUrl).set(tenant.owner.headers).expect(200)).body);
      expect(afterRevoke.items.map((token) => token.revokedAt !== null)).toEqual([false, false, true]);
    });

    it('404s a token of another cluster, an unknown token and an unknown cluster', async () => {
      const tenant = await createTenant(sut.database.url);
      const prod = await registerCluster(tenant.owner.headers, 'prod');
      const staging = await registerCluster(tenant.owner.headers, 'staging');
      const stagingToken = await db().agentToken.findFirstOrThrow({ where: { clusterId: staging.cluster.id } });

      await request(sut.http).delete(`${CLUSTERS}/${prod.cluster.id}/agent-tokens/${stagingToken.id}`).set(tenant.owner.headers).expect(404);
      await request(sut.http).delete(`${CLUSTERS}/${prod.cluster.id}/agent-tokens/${MISSING_ID}`).set(tenant.owner.headers).expect(404);
      await request(sut.http).get(`${CLUSTERS}/${MISSING_ID}/agent-tokens`).set(tenant.owner.headers).expect(404);
      await request(sut.http).post(`${CLUSTERS}/${MISSING_ID}/agent-tokens`).set(tenant.owner.headers).send({}).expect(404);
      expect(await lookupAgentToken(staging.agentToken)).not.toBeNull();
    });

    it('refuses a bad token name and unknown fields', async () => {
      const tenant = await createTenant(sut.database.url);
      const { cluster } = await registerCluster(tenant.owner.headers, 'prod');
      const response = await request(sut.http)
        .post(`${CLUSTERS}/${cluster.id}/agent-tokens`)
        .set(tenant.owner.headers)
        .send({ name: '', scope: 'all' })
        .expect(400);
      expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.name', 'body.scope']);
    });
  });

  describe('every endpoint', () => {
    /** Each route of this module with a valid body, so only the caller decides the answer. */
    function endpoints(clusterId: string, tokenId: string) {
      return [
        { method: 'get', path: CLUSTERS, body: undefined, role: 'viewer' },
        { method: 'post', path: CLUSTERS, body: { name: 'new-cluster' }, role: 'admin' },
        { method: 'get', path: `${CLUSTERS}/${clusterId}`, body: undefined, role: 'viewer' },
        { method: 'patch', path: `${CLUSTERS}/${clusterId}`, body: { name: 'renamed' }, role: 'admin' },
        { method: 'delete', path: `${CLUSTERS}/${clusterId}`, body: undefined, role: 'admin' },
        { method: 'get', path: `${CLUSTERS}/${clusterId}/agent-tokens`, body: undefined, role: 'admin' },
        { method: 'post', path: `${CLUSTERS}/${clusterId}/agent-tokens`, body: {}, role: 'admin' },
        { method: 'delete', path: `${CLUSTERS}/${clusterId}/agent-tokens/${tokenId}`, body: undefined, role: 'admin' },
        { method: 'get', path: `${CLUSTERS}/${clusterId}/coverage`, body: undefined, role: 'viewer' },
        // Routes of other modules under a cluster (readiness views): read-only, so viewers may call them.
        { method: 'get', path: `${CLUSTERS}/${clusterId}/drift`, body: undefined, role: 'viewer' },
        { method: 'get', path: `${CLUSTERS}/${clusterId}/gate`, query: { level: 'baseline', version: 'v1.30' }, body: undefined, role: 'viewer' },
        { method: 'get', path: `${CLUSTERS}/${clusterId}/trends`, body: undefined, role: 'viewer' },
        { method: 'post', path: `${CLUSTERS}/${clusterId}/what-if`, body: { level: 'baseline', version: 'v1.30', namespaces: 'all' }, role: 'viewer' },
      ] as const;
    }

    function call(endpoint: ReturnType<typeof endpoints>[number], headers: Record<string, string>) {
      const pending = request(sut.http)[endpoint.method](endpoint.path).set(headers).query('query' in endpoint ? endpoint.query : {});
      return endpoint.body === undefined ? pending : pending.send(endpoint.body);
    }

    async function clusterWithToken(tenant: TestTenant) {
      const created = await registerCluster(tenant.owner.headers, 'target');
      const token = await db().agentToken.findFirstOrThrow({ where: { clusterId: created.cluster.id } });
      return { created, tokenId: token.id };
    }

    it('lists every route of the module here, so a new one cannot skip these checks', () => {
      const routes = sut.routes
        .filter((route) => route.path.startsWith(CLUSTERS))
        .map((route) => `${route.method} ${route.path}`)
        .sort();
      const listed = endpoints(':clusterId', ':tokenId')
        .map((endpoint) => `${endpoint.method.toUpperCase()} ${endpoint.path}`)
        .sort();
      expect(routes).toEqual(listed);
    });

    it('answers 401 without credentials', async () => {
      const tenant = await createTenant(sut.database.url);
      const { created, tokenId } = await clusterWithToken(tenant);
      for (const endpoint of endpoints(created.cluster.id, tokenId)) {
        const response = await call(endpoint, {});
        expect([endpoint.method, endpoint.path, response.status]).toEqual([endpoint.method, endpoint.path, 401]);
      }
    });

    it('answers 403 to an agent token, even of that very cluster', async () => {
      const tenant = await createTenant(sut.database.url);
      const { created, tokenId } = await clusterWithToken(tenant);
      for (const endpoint of endpoints(created.cluster.id, tokenId)) {
        const response = await call(endpoint, { Authorization: `Bearer ${created.agentToken}` });
        expect([endpoint.method, endpoint.path, response.status, response.body.code]).toEqual([endpoint.method, endpoint.path, 403, 'forbidden']);
      }
      expect(await lookupAgentToken(created.agentToken)).not.toBeNull();
    });

    it('lets viewers and read-only API tokens read clusters only; admins and read-write tokens do the rest', async () => {
      const tenant = await createTenant(sut.database.url);
      const viewer = await createMember(sut.database.url, tenant.orgId, 'viewer');
      const readOnly = await apiTokenHeaders(tenant, 'viewer');
      const { created, tokenId } = await clusterWithToken(tenant);

      for (const headers of [viewer.headers, readOnly]) {
        for (const endpoint of endpoints(created.cluster.id, tokenId)) {
          const response = await call(endpoint, headers);
          const expected = endpoint.role === 'viewer' ? 200 : 403;
          expect([endpoint.method, endpoint.path, response.status]).toEqual([endpoint.method, endpoint.path, expected]);
        }
      }
      // Nothing changed.
      expect(await db().cluster.findMany({ where: { orgId: tenant.orgId }, select: { name: true } })).toEqual([{ name: 'target' }]);
      expect(await db().agentToken.count({ where: { orgId: tenant.orgId, revokedAt: null } })).toBe(1);

      const readWrite = await apiTokenHeaders(tenant, 'admin');
      const admin = await createMember(sut.database.url, tenant.orgId, 'admin');
      await request(sut.http).post(CLUSTERS).set(readWrite).send({ name: 'by-token' }).expect(201);
      await request(sut.http).patch(`${CLUSTERS}/${created.cluster.id}`).set(admin.headers).send({ name: 'by-admin' }).expect(200);
      await request(sut.http).get(`${CLUSTERS}/${created.cluster.id}/agent-tokens`).set(admin.headers).expect(200);
    });

    it('refuses an id that is not a UUID on every route that takes one, naming the parameter', async () => {
      const tenant = await createTenant(sut.database.url);
      const { created, tokenId } = await clusterWithToken(tenant);
      const byClusterId = endpoints('prod', tokenId).filter((endpoint) => endpoint.path.includes('/prod'));
      expect(byClusterId).toHaveLength(11);
      for (const endpoint of byClusterId) {
        const response = await call(endpoint, tenant.owner.headers);
        expect([endpoint.method, endpoint.path, response.status]).toEqual([endpoint.method, endpoint.path, 400]);
        expect(response.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['params.clusterId']);
      }
      const badToken = await request(sut.http).delete(`${CLUSTERS}/${created.cluster.id}/agent-tokens/42`).set(tenant.owner.headers).expect(400);
      expect(badToken.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['params.tokenId']);
    });

    it('isolates tenants: another organization’s cluster and token ids answer 404 and its clusters never show', async () => {
      const victim = await createTenant(sut.database.url);
      const intruder = await createTenant(sut.database.url);
      const { created, tokenId } = await clusterWithToken(victim);
      const victimNamespace = await createNamespace(sut.database.url, { orgId: victim.orgId, clusterId: created.cluster.id });
      await createPod(sut.database.url, await createWorkload(sut.database.url, victimNamespace));
      // The intruder's own cluster shares the name; its counts must not include the victim's rows.
      const own = await registerCluster(intruder.owner.headers, 'target');

      for (const endpoint of endpoints(created.cluster.id, tokenId).filter((e) => e.path.includes(created.cluster.id))) {
        const response = await call(endpoint, intruder.owner.headers);
        expect([endpoint.method, endpoint.path, response.status, response.body]).toEqual([
          endpoint.method,
          endpoint.path,
          404,
          { code: 'not_found', message: expect.any(String), details: {} },
        ]);
      }
      // A token id of the victim under the intruder's own cluster is just as unknown.
      await request(sut.http).delete(`${CLUSTERS}/${own.cluster.id}/agent-tokens/${tokenId}`).set(intruder.owner.headers).expect(404);

      const intruderView = await listAll(intruder.owner.headers);
      expect(intruderView.map((item) => [item.id, item.counts])).toEqual([
        [own.cluster.id, { namespaces: 0, workloads: 0, pods: 0, openFindings: 0 }],
      ]);
      expect(await listAll(intruder.owner.headers, { agentStatus: 'never' })).toHaveLength(1);

      const victimView = await listAll(victim.owner.headers);
      expect(victimView.map((item) => [item.name, item.counts])).toEqual([['target', { namespaces: 1, workloads: 1, pods: 1, openFindings: 0 }]]);
      expect(await db().agentToken.count({ where: { clusterId: created.cluster.id, revokedAt: null } })).toBe(1);
      expect(await lookupAgentToken(created.agentToken)).not.toBeNull();
    });
  });
});

// The demo's user, organization and cluster, created through the real API (never in SQL), and found again on the
// next start: signing in works or signs up; the cluster's agent token (shown once by the API) is kept in
// .ratchet/demo/state.json so a restart reuses the cluster and its history.
// Erasable TypeScript only: Node runs this file directly.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const DEMO_CLUSTER_NAME = 'demo-cluster';

export interface DemoAccount {
  email: string;
  password: string;
  orgId: string;
  clusterId: string;
  agentToken: string;
  /** `name=value` of the session cookie, for later reads. */
  cookie: string;
  /** When the cluster's history replay finished, if it did: a restart continues live rather than replay again. */
  historySeededAt?: string;
}

interface StoredState {
  /** The database the token belongs to (without credentials): another database means another cluster. */
  database: string;
  clusterId: string;
  agentToken: string;
  historySeededAt?: string;
}

export class DemoAccountError extends Error {
  override readonly name = 'DemoAccountError';
}

/** A small client for the few API calls the demo makes, signed in by cookie from the public origin. */
export class DemoApi {
  cookie = '';
  orgId = '';
  private readonly apiUrl: string;
  private readonly origin: string;

  constructor(apiUrl: string, origin: string) {
    this.apiUrl = apiUrl;
    this.origin = origin;
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; setCookie: string | null }> {
    const headers: Record<string, string> = { Origin: this.origin, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.cookie) headers.Cookie = this.cookie;
    if (this.orgId) headers['X-Ratchet-Org'] = this.orgId;
    const response = await fetch(`${this.apiUrl}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, json, setCookie: response.headers.get('set-cookie') };
  }
}

function databaseKey(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

async function readState(path: string): Promise<StoredState | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StoredState;
  } catch {
    return undefined;
  }
}

/**
 * Signs in as the demo user (signing up on the first start: that creates the organization), then finds or
 * registers the demo cluster. Idempotent across restarts on the same database.
 * @throws DemoAccountError when the email exists with another password, or the API refuses a step.
 */
export async function ensureDemoAccount(options: { api: DemoApi; email: string; password: string; databaseUrl: string; statePath: string }): Promise<DemoAccount> {
  const { api, email, password } = options;
  let answer = await api.call('POST', '/auth/login', { email, password });
  if (answer.status === 401) {
    answer = await api.call('POST', '/auth/signup', { email, password, name: 'Demo', organizationName: 'Demo' });
    if (answer.status === 409) {
      throw new DemoAccountError(`${email} exists with another password: set RATCHET_DEMO_PASSWORD to it, or RATCHET_DEMO_EMAIL to another address`);
    }
  }
  if (answer.status !== 200 && answer.status !== 201) {
    throw new DemoAccountError(`signing in as ${email} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  }
  api.cookie = answer.setCookie?.split(';')[0] ?? '';
  const me = answer.json as { memberships: { role: string; organization: { id: string; name: string } }[] };
  const membership = me.memberships.find((m) => m.role === 'owner') ?? me.memberships[0];
  if (!membership) throw new DemoAccountError(`${email} belongs to no organization`);
  api.orgId = membership.organization.id;

  const database = databaseKey(options.databaseUrl);
  const state = await readState(options.statePath);
  const listed = await api.call('GET', '/clusters?limit=100');
  if (listed.status !== 200) throw new DemoAccountError(`listing clusters answered ${listed.status}: ${JSON.stringify(listed.json)}`);
  const existing = (listed.json as { items: { id: string; name: string }[] }).items.find((c) => c.name === DEMO_CLUSTER_NAME);
  if (existing && state?.database === database && state.clusterId === existing.id) {
    return {
      email,
      password,
      orgId: api.orgId,
      clusterId: existing.id,
      agentToken: state.agentToken,
      cookie: api.cookie,
      ...(state.historySeededAt ? { historySeededAt: state.historySeededAt } : {}),
    };
  }
  if (existing) {
    // Its token was shown once and is not on this machine: start the demo cluster over rather than run blind.
    const deleted = await api.call('DELETE', `/clusters/${existing.id}`);
    if (deleted.status !== 204) throw new DemoAccountError(`deleting the old demo cluster answered ${deleted.status}`);
  }
  const created = await api.call('POST', '/clusters', { name: DEMO_CLUSTER_NAME });
  if (created.status !== 201) throw new DemoAccountError(`registering the demo cluster answered ${created.status}: ${JSON.stringify(created.json)}`);
  const body = created.json as { cluster: { id: string }; agentToken: string };
  await mkdir(dirname(options.statePath), { recursive: true });
  const next: StoredState = { database, clusterId: body.cluster.id, agentToken: body.agentToken };
  await writeFile(options.statePath, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  return { email, password, orgId: api.orgId, clusterId: body.cluster.id, agentToken: body.agentToken, cookie: api.cookie };
}

/** Records in the state file that the demo cluster's history was replayed (a restart then goes straight to live). */
export async function markHistorySeeded(statePath: string, at: Date): Promise<void> {
  const state = await readState(statePath);
  if (!state) throw new DemoAccountError(`${statePath} is gone: cannot record the history replay`);
  await writeFile(statePath, `${JSON.stringify({ ...state, historySeededAt: at.toISOString() }, null, 2)}\n`, { mode: 0o600 });
}

/** Namespaces of the demo cluster and how many have readiness computed at both levels. */
export async function readinessProgress(api: DemoApi, clusterId: string): Promise<{ namespaces: number; withReadiness: number }> {
  let cursor: string | null = null;
  let namespaces = 0;
  let withReadiness = 0;
  do {
    const query: string = `/namespaces?limit=100&clusterId=${clusterId}${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await api.call('GET', query);
    if (page.status !== 200) throw new DemoAccountError(`listing namespaces answered ${page.status}: ${JSON.stringify(page.json)}`);
    const body = page.json as { items: { readiness: { baseline: { computedAt: string | null }; restricted: { computedAt: string | null } } }[]; nextCursor: string | null };
    namespaces += body.items.length;
    withReadiness += body.items.filter((n) => n.readiness.baseline.computedAt !== null && n.readiness.restricted.computedAt !== null).length;
    cursor = body.nextCursor;
  } while (cursor);
  return { namespaces, withReadiness };
}

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { INGEST_PATHS, PsaConfiguration } from '@ratchet/contracts';
import type { Heartbeat } from '@ratchet/contracts';
import type { KubeConfig } from '@kubernetes/client-node';

import { AuditForwarder } from './audit/audit-forwarder.js';
import { AuditLogFollower } from './audit/audit-log.follower.js';
import { AuditWebhookServer } from './audit/audit-webhook.server.js';
import type { Clock } from './common/clock.js';
import type { Logger } from './common/logger.js';
import { AgentMetrics } from './common/metrics.js';
import { splitListen } from './config/agent-env.schema.js';
import type { AgentConfig } from './config/agent-env.schema.js';
import { ApiClient } from './delivery/api.client.js';
import { DeliveryService, TokenState } from './delivery/delivery.service.js';
import { Spool } from './delivery/spool.js';
import { HealthServer } from './http/health.server.js';
import { InventoryTracker } from './inventory/inventory-tracker.js';
import { Reflector } from './inventory/reflector.js';
import { WATCHED_RESOURCES } from '@ratchet/collector';
import { KubeApiClient } from './kube/kube-api.client.js';

/** The agent's version, sent in heartbeats. */
export const AGENT_VERSION = '0.1.0';

export interface AgentDependencies {
  config: AgentConfig;
  kubeConfig: KubeConfig;
  clock: Clock;
  log: Logger;
  metrics?: AgentMetrics;
  /** Randomness of the retry jitter; tests make it fixed. */
  random?: () => number;
  /** How often the audit log file is polled, in milliseconds. */
  auditLogPollMs?: number;
  /** Items per list page; tests make it small to exercise `continue`. */
  listPageSize?: number;
}

/** Listening ports once started (0 in the config means any free port). */
export interface AgentPorts {
  health: number;
  auditWebhook?: number;
}

/**
 * The agent: informers over the cluster, inventory resync and deltas, audit sources, the spool and its delivery
 * loop, heartbeats, and the health/metrics server. `start` resumes the spool first, then lists everything and
 * sends a full resync; `stop` spools whatever is pending and gives the delivery loop a moment to send it.
 */
export class Agent {
  readonly metrics: AgentMetrics;
  readonly token = new TokenState();
  private readonly kube: KubeApiClient;
  private readonly reflectors: Reflector[];
  readonly inventory: InventoryTracker;
  private spool!: Spool;
  delivery!: DeliveryService;
  private readonly forwarder: AuditForwarder;
  private webhook: AuditWebhookServer | undefined;
  private follower: AuditLogFollower | undefined;
  private readonly health: HealthServer;
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];
  private kubernetesVersion: string | undefined;
  private readonly startedAt: string;
  private readonly api: ApiClient;
  private readonly psaConfiguration: PsaConfiguration | undefined;

  constructor(private readonly deps: AgentDependencies) {
    const { config, clock, log } = deps;
    this.metrics = deps.metrics ?? new AgentMetrics();
    this.startedAt = new Date(clock.now()).toISOString();
    this.kube = new KubeApiClient(deps.kubeConfig);
    this.api = new ApiClient(config.RATCHET_API_URL, config.token);
    this.inventory = new InventoryTracker(() => this.reflectors, (batches) => this.spool.add(batches), clock, config.RATCHET_DELTA_WINDOW_MS, log);
    this.reflectors = WATCHED_RESOURCES.map((resource) => new Reflector(resource, this.kube, this.inventory, clock, log, this.metrics, deps.listPageSize));
    this.forwarder = new AuditForwarder((batches) => this.spool.add(batches), log, this.metrics);
    const health = splitListen(config.RATCHET_HEALTH_LISTEN);
    this.health = new HealthServer(health.host, health.port, { ready: () => this.readiness() }, this.metrics);
    this.psaConfiguration = config.RATCHET_PSA_CONFIGURATION ? PsaConfiguration.parse(JSON.parse(config.RATCHET_PSA_CONFIGURATION)) : undefined;
  }

  /** Which audit source the agent has, as the heartbeat reports it. */
  get auditSource(): Heartbeat['auditSource'] {
    if (this.deps.config.RATCHET_AUDIT_WEBHOOK_LISTEN) return 'webhook';
    if (this.deps.config.RATCHET_AUDIT_LOG_PATH) return 'file';
    return 'none';
  }

  /** True once every informer has listed its resource. */
  get synced(): boolean {
    return this.reflectors.every((r) => r.synced);
  }

  async start(): Promise<AgentPorts> {
    const { config, clock, log } = this.deps;
    this.spool = await Spool.open(config.RATCHET_SPOOL_DIR, config.RATCHET_SPOOL_MAX_BYTES, log, this.metrics, (batch) => this.inventory.forget(batch.carries));
    this.delivery = new DeliveryService(this.spool, this.api, this.token, (hash) => this.inventory.content(hash), clock, log, this.metrics, this.deps.random);
    this.delivery.start();
    const ports: AgentPorts = { health: (await this.health.start()).port };

    if (config.RATCHET_AUDIT_WEBHOOK_LISTEN) {
      const { host, port } = splitListen(config.RATCHET_AUDIT_WEBHOOK_LISTEN);
      const tls =
        config.RATCHET_AUDIT_WEBHOOK_TLS_CERT_FILE && config.RATCHET_AUDIT_WEBHOOK_TLS_KEY_FILE
          ? { cert: readFileSync(config.RATCHET_AUDIT_WEBHOOK_TLS_CERT_FILE, 'utf8'), key: readFileSync(config.RATCHET_AUDIT_WEBHOOK_TLS_KEY_FILE, 'utf8') }
          : undefined;
      this.webhook = new AuditWebhookServer({ host, port, maxBytes: config.RATCHET_AUDIT_WEBHOOK_MAX_BYTES, ...(tls ? { tls } : {}) }, this.forwarder, log, this.metrics);
      ports.auditWebhook = (await this.webhook.start()).port;
    }
    if (config.RATCHET_AUDIT_LOG_PATH) {
      this.follower = new AuditLogFollower(config.RATCHET_AUDIT_LOG_PATH, join(config.RATCHET_SPOOL_DIR, 'audit-log.position'), this.forwarder, log, this.metrics, this.deps.auditLogPollMs);
      await this.follower.start();
    }

    for (const reflector of this.reflectors) reflector.start();
    this.loops.push(this.resyncLoop(), this.heartbeatLoop());
    log.info({ cluster: config.RATCHET_CLUSTER_NAME, auditSource: this.auditSource, ports }, 'ratchet agent started');
    return ports;
  }

  /** Reads newly appended audit log lines now (tests; the follower polls on its own). */
  async readAuditLog(): Promise<void> {
    await this.follower?.readNow();
  }

  /** Stops watching, spools what is pending, and gives delivery up to `drainMs` to send it. */
  async stop(drainMs = 5000): Promise<void> {
    const { clock, log } = this.deps;
    this.stopping.abort();
    this.inventory.stop();
    await Promise.all(this.reflectors.map((r) => r.stop()));
    await this.webhook?.stop();
    await this.follower?.stop();
    await this.forwarder.flush();
    await this.inventory.flushDelta();
    await Promise.all(this.loops);
    const deadline = new AbortController();
    await Promise.race([this.delivery.idle(), clock.sleep(drainMs, deadline.signal)]);
    deadline.abort();
    await this.delivery.stop();
    await this.health.stop();
    log.info({ spooled: this.spool.size }, 'ratchet agent stopped');
  }

  private readiness() {
    const unsynced = this.reflectors.filter((r) => !r.synced).map((r) => r.resource.resource);
    return { ready: unsynced.length === 0 && !this.token.rejected, detail: { unsynced, tokenRejected: this.token.rejected } };
  }

  // Waits for every informer's first list, sends the full inventory, then again every resync interval.
  private async resyncLoop(): Promise<void> {
    const { clock, config, log } = this.deps;
    const signal = this.stopping.signal;
    await Promise.race([Promise.all(this.reflectors.map((r) => r.whenSynced)), new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
    while (!signal.aborted) {
      try {
        await this.inventory.resync();
      } catch (error) {
        log.error({ err: (error as Error).message }, 'inventory resync could not be spooled');
      }
      await clock.sleep(config.RATCHET_RESYNC_INTERVAL_SECONDS * 1000, signal);
    }
  }

  private async heartbeatLoop(): Promise<void> {
    const { clock, config, log } = this.deps;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      await this.heartbeat().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'heartbeat not delivered'));
      await clock.sleep(config.RATCHET_HEARTBEAT_INTERVAL_SECONDS * 1000, signal);
    }
  }

  /** Sends one heartbeat now; it is not spooled (the next one supersedes it). */
  async heartbeat(): Promise<void> {
    if (this.token.rejected) {
      this.deps.log.error('agent token rejected by the API (401): nothing is being sent');
      return;
    }
    this.kubernetesVersion ??= await this.kube.serverVersion();
    const body: Heartbeat = {
      agentVersion: AGENT_VERSION,
      kubernetesVersion: this.kubernetesVersion,
      counts: this.inventory.counts,
      startedAt: this.startedAt,
      auditSource: this.auditSource,
    };
    if (this.psaConfiguration) body.psaConfiguration = this.psaConfiguration;
    const answer = await this.api.post(INGEST_PATHS.heartbeat, randomUUID(), body);
    if (answer.status === 401) {
      this.token.rejected = true;
      this.metrics.tokenRevoked.set(1);
      this.deps.log.error('THE API REFUSED THE AGENT TOKEN (401) on a heartbeat: it was revoked or is wrong. Sending has stopped.');
    } else if (answer.status >= 300) {
      throw new Error(`heartbeat answered ${answer.status}`);
    }
  }
}

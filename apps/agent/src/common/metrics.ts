import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The agent's Prometheus metrics, on one registry (a test can make several agents in one process). */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly kubeEvents = new Counter({
    name: 'ratchet_agent_kube_events_total',
    help: 'Watch events seen from the Kubernetes API, by resource and type',
    labelNames: ['resource', 'type'] as const,
    registers: [this.registry],
  });
  readonly relists = new Counter({
    name: 'ratchet_agent_relists_total',
    help: 'Full lists of a resource, by reason (start, gone, error)',
    labelNames: ['resource', 'reason'] as const,
    registers: [this.registry],
  });
  readonly auditEvents = new Counter({
    name: 'ratchet_agent_audit_events_total',
    help: 'Audit events received, by source and outcome (forwarded, forwarded_unparsed, decision, decision_dropped, ignored, duplicate, unparsed)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly malformedAudit = new Counter({
    name: 'ratchet_agent_audit_malformed_total',
    help: 'Audit webhook bodies or log lines that could not be read',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly batchesSent = new Counter({
    name: 'ratchet_agent_batches_sent_total',
    help: 'Batches sent to the API, by kind and result (accepted, rejected, failed)',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly batchesDropped = new Counter({
    name: 'ratchet_agent_batches_dropped_total',
    help: 'Spooled batches dropped because the spool was full, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly spoolBytes = new Gauge({ name: 'ratchet_agent_spool_bytes', help: 'Bytes held in the spool', registers: [this.registry] });
  readonly spoolBatches = new Gauge({ name: 'ratchet_agent_spool_batches', help: 'Batches held in the spool', registers: [this.registry] });
  readonly sendSeconds = new Histogram({
    name: 'ratchet_agent_send_duration_seconds',
    help: 'Latency of one batch POST to the API',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly lastSuccess = new Gauge({
    name: 'ratchet_agent_last_success_timestamp_seconds',
    help: 'Unix time of the last batch the API accepted',
    registers: [this.registry],
  });
  readonly tokenRevoked = new Gauge({
    name: 'ratchet_agent_token_rejected',
    help: '1 when the API answered 401: the agent token is revoked or wrong, and sending has stopped',
    registers: [this.registry],
  });

  constructor(defaults = false) {
    // The event-loop lag histogram samples with a timer: prom-client's default of every 10 ms woke the idle agent
    // 100 times a second, most of its idle CPU (docs/agent.md, Resources). Once a second still records any stall
    // that spans a tick; the `..._eventloop_lag_seconds` gauge is measured at each scrape regardless.
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'ratchet_agent_', eventLoopMonitoringPrecision: 1000 });
  }
}

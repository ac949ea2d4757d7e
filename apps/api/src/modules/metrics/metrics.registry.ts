import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one API process; one registry so tests can build isolated apps. */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'ratchet_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly ingestBatches = new Counter({
    name: 'ratchet_ingest_batches_total',
    help: 'Ingest batches by kind and outcome (accepted, replayed, rejected).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly ingestObjects = new Counter({
    name: 'ratchet_ingest_objects_total',
    help: 'Objects stored from ingest batches by kind (audit_event, namespace, workload, pod, projection).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly outboxDepth = new Counter({
    name: 'ratchet_outbox_jobs_total',
    help: 'Jobs written to the outbox because the queue was unreachable.',
    registers: [this.registry],
  });

  readonly admissionRejected = new Counter({
    name: 'ratchet_admission_rejected_total',
    help: 'Requests answered 503 by the admission limit, by reason (queue_full, waited_too_long).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private admissionSource: (() => { running: number; waiting: number }) | undefined;

  /** Database-bound requests running and waiting for a slot; read from the admission limit at scrape time. */
  readonly admissionLoad = new Gauge({
    name: 'ratchet_admission_requests',
    help: 'Database-bound requests in the admission limit now, by state (running, waiting).',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      const load = this.admissionSource?.();
      if (!load) return;
      this.admissionLoad.set({ state: 'running' }, load.running);
      this.admissionLoad.set({ state: 'waiting' }, load.waiting);
    },
  });

  /** Where ratchet_admission_requests reads its figures from. */
  observeAdmission(source: () => { running: number; waiting: number }): void {
    this.admissionSource = source;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

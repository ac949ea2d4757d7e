import { AuditEvent, INGEST_LIMITS, INGEST_PATHS, KubernetesAuditEvent } from '@ratchet/contracts';

import type { Logger } from '../common/logger.js';
import type { AgentMetrics } from '../common/metrics.js';
import type { OutgoingBatch } from '../delivery/outgoing-batch.types.js';
import { mapAuditEvent } from './audit-event.mapper.js';

/** Where audit events came from, as the heartbeat reports it. */
export type AuditSourceName = 'webhook' | 'file';

/** How many recent auditIDs are remembered to count a request once (webhook retries, a re-read log line). */
const REMEMBERED_IDS = 50_000;

/**
 * Keeps the audit events that carry Pod Security violations, once per auditID, and hands them to the spool in
 * batches of at most `INGEST_LIMITS.auditEvents`. Anything unreadable is counted and logged, never thrown.
 */
export class AuditForwarder {
  private pending: AuditEvent[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly enqueue: (batches: OutgoingBatch[]) => Promise<void>,
    private readonly log: Logger,
    private readonly metrics: AgentMetrics,
  ) {}

  /** Takes one raw event (already JSON-parsed); returns false when it was malformed. */
  accept(raw: unknown, source: AuditSourceName): boolean {
    const parsed = KubernetesAuditEvent.safeParse(raw);
    if (!parsed.success) {
      this.metrics.malformedAudit.inc({ source });
      this.log.warn({ source, issue: parsed.error.issues[0] }, 'malformed audit event skipped');
      return false;
    }
    const mapping = mapAuditEvent(parsed.data);
    if (mapping.outcome === 'ignored') {
      this.metrics.auditEvents.inc({ source, outcome: 'ignored' });
      return true;
    }
    if (mapping.outcome === 'unparsed') {
      this.metrics.auditEvents.inc({ source, outcome: 'unparsed' });
      this.log.warn({ source, auditId: parsed.data.auditID, reason: mapping.reason }, 'audit event with Pod Security annotations could not be read');
      return true;
    }
    const checked = AuditEvent.safeParse(mapping.event);
    if (!checked.success) {
      this.metrics.auditEvents.inc({ source, outcome: 'unparsed' });
      this.log.warn({ source, auditId: parsed.data.auditID, issue: checked.error.issues[0] }, 'audit event does not fit the API contract; skipped');
      return true;
    }
    if (this.seen.has(mapping.event.auditId)) {
      this.metrics.auditEvents.inc({ source, outcome: 'duplicate' });
      return true;
    }
    this.remember(mapping.event.auditId);
    if (mapping.unreadable !== undefined) {
      this.log.warn({ source, auditId: mapping.event.auditId, reason: mapping.unreadable }, 'Pod Security annotation could not be read; forwarded for the API to store unparsed');
    }
    this.metrics.auditEvents.inc({ source, outcome: mapping.unreadable === undefined ? 'forwarded' : 'forwarded_unparsed' });
    this.pending.push(mapping.event);
    return true;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Spools what is pending, in batches. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    const batches: OutgoingBatch[] = [];
    for (let start = 0; start < events.length; start += INGEST_LIMITS.auditEvents) {
      batches.push({ kind: 'audit', path: INGEST_PATHS.auditEvents, body: { events: events.slice(start, start + INGEST_LIMITS.auditEvents) } });
    }
    await this.enqueue(batches);
  }

  private remember(auditId: string): void {
    this.seen.add(auditId);
    if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.values().next().value!);
  }
}

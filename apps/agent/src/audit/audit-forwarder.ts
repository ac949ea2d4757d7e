import { mapAuditEvent, type AdmissionDecisionSeen, type OutgoingBatch } from '@ratchet/collector';
import { ADMISSION_DECISIONS_MAX, AdmissionDecision, AuditEvent, INGEST_LIMITS, INGEST_PATHS, KubernetesAuditEvent } from '@ratchet/contracts';

import type { Logger } from '../common/logger.js';
import type { AgentMetrics } from '../common/metrics.js';

/** Where audit events came from, as the heartbeat reports it. */
export type AuditSourceName = 'webhook' | 'file';

/** How many recent auditIDs are remembered to count a request once (webhook retries, a re-read log line). */
const REMEMBERED_IDS = 50_000;

/**
 * The most distinct admission decisions (namespace, resource, decision, user, dry run, prefix) held between two
 * flushes. Every pod create carries `enforce-policy`, so the decisions are counted per key rather than sent one by
 * one; a key beyond this bound is dropped and counted (`decision_dropped`), the keys already held keep counting.
 */
export const MAX_PENDING_DECISIONS = 2000;
const MAX_DECISION_COUNT = 1_000_000;

/**
 * Keeps the audit events that carry Pod Security violations, and counts the Pod Security decisions without
 * violations (`exempt`, `enforce-policy`) per namespace, resource, decision and user, each request once per auditID;
 * hands them to the spool in batches of at most `INGEST_LIMITS.auditEvents` events and `ADMISSION_DECISIONS_MAX`
 * decisions. Anything unreadable is counted and logged, never thrown.
 */
export class AuditForwarder {
  private pending: AuditEvent[] = [];
  private decisions = new Map<string, AdmissionDecision>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly enqueue: (batches: OutgoingBatch[]) => Promise<unknown>,
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
    if (mapping.outcome === 'decision') {
      this.countDecision(mapping.decision, source);
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
    return this.pending.length + this.decisions.size;
  }

  /** Spools what is pending, in batches of at most 500 events and 500 admission decisions each. */
  async flush(): Promise<void> {
    if (this.pending.length === 0 && this.decisions.size === 0) return;
    const events = this.pending;
    const decisions = [...this.decisions.values()];
    this.pending = [];
    this.decisions = new Map();
    const batches: OutgoingBatch[] = [];
    for (let i = 0; i * INGEST_LIMITS.auditEvents < events.length || i * ADMISSION_DECISIONS_MAX < decisions.length; i += 1) {
      const chunk = decisions.slice(i * ADMISSION_DECISIONS_MAX, (i + 1) * ADMISSION_DECISIONS_MAX);
      batches.push({
        kind: 'audit',
        path: INGEST_PATHS.auditEvents,
        body: {
          events: events.slice(i * INGEST_LIMITS.auditEvents, (i + 1) * INGEST_LIMITS.auditEvents),
          ...(chunk.length > 0 ? { admissionDecisions: chunk } : {}),
        },
      });
    }
    await this.enqueue(batches);
  }

  // Once per auditID, like violations (webhook retries, a re-read log line); aggregated per key until the flush.
  private countDecision(seen: AdmissionDecisionSeen, source: AuditSourceName): void {
    if (this.seen.has(seen.auditId)) {
      this.metrics.auditEvents.inc({ source, outcome: 'duplicate' });
      return;
    }
    const key = JSON.stringify([seen.decision.namespace, seen.decision.resource, seen.decision.exempt, seen.decision.enforcePolicy, seen.decision.username, seen.decision.dryRun, seen.decision.keyPrefix]);
    const held = this.decisions.get(key);
    if (held === undefined && this.decisions.size >= MAX_PENDING_DECISIONS) {
      this.metrics.auditEvents.inc({ source, outcome: 'decision_dropped' });
      return;
    }
    if (held !== undefined && held.count >= MAX_DECISION_COUNT) {
      this.metrics.auditEvents.inc({ source, outcome: 'decision_dropped' });
      return;
    }
    const checked = AdmissionDecision.safeParse({ ...seen.decision, count: 1, firstSeen: seen.time, lastSeen: seen.time });
    if (!checked.success) {
      this.metrics.auditEvents.inc({ source, outcome: 'unparsed' });
      this.log.warn({ source, auditId: seen.auditId, issue: checked.error.issues[0] }, 'Pod Security decision does not fit the API contract; skipped');
      return;
    }
    this.remember(seen.auditId);
    this.metrics.auditEvents.inc({ source, outcome: 'decision' });
    if (held === undefined) {
      this.decisions.set(key, checked.data);
      return;
    }
    held.count += 1;
    if (Date.parse(seen.time) < Date.parse(held.firstSeen)) held.firstSeen = seen.time;
    if (Date.parse(seen.time) > Date.parse(held.lastSeen)) held.lastSeen = seen.time;
  }

  private remember(auditId: string): void {
    this.seen.add(auditId);
    if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.values().next().value!);
  }
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AuditEventsPage, FindingsPage, NamespaceRecommendation, NamespacesPage, NamespaceTrends, type Finding } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { AuditEventsTable } from '@/components/audit-events-table';
import { CodeBlock } from '@/components/copy-button';
import { Staircase } from '@/components/staircase';
import { ReadinessBadge } from '@/components/status-badge';
import { TrendChart } from '@/components/trend-chart';
import { apiGet, apiGetOrNotFound, requireSession, withQuery } from '@/lib/api.server';
import { settle } from '@/lib/data.server';
import { formatTime } from '@/lib/format.util';
import { modeText, reasonText } from '@/lib/psa.util';
import { estimateText, trendRows } from '@/lib/trends.util';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Namespace ${(await params).name}` };
}

const STAGE_TEXT: Record<NamespaceRecommendation['stage'], string> = {
  'observe-baseline': 'Observe baseline (audit and warn)',
  'enforce-baseline': 'Enforce baseline',
  'fix-restricted': 'Fix restricted violations',
  'enforce-restricted': 'Enforce restricted',
  done: 'Done: enforces restricted',
  'at-risk': 'At risk: fix the workloads',
  unknown: 'Unknown (readiness not computed yet)',
};

type Group = { level: Finding['level']; checkId: string; findings: Finding[] };

/** Open findings grouped by level, then by check, in the order the API listed them. */
function groupFindings(findings: Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const finding of findings) {
    const key = `${finding.level}/${finding.checkId}`;
    const group = groups.get(key) ?? { level: finding.level, checkId: finding.checkId, findings: [] };
    group.findings.push(finding);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.level.localeCompare(b.level) || a.checkId.localeCompare(b.checkId));
}

export default async function NamespacePage({ params }: { params: Promise<{ clusterId: string; name: string }> }) {
  const [{ clusterId, name }, session] = await Promise.all([params, requireSession()]);
  // The namespace is addressed by cluster and name, so its findings and audit events load beside it, not after it;
  // the recommendation and the trend need its id, so they start the moment it answers.
  const findingsP = settle(
    apiGetOrNotFound(withQuery('/api/v1/findings', { clusterId, namespace: name, status: 'open', sort: 'workload', order: 'asc', limit: 500 }), FindingsPage, session.orgId),
  );
  const eventsP = settle(apiGetOrNotFound(withQuery('/api/v1/audit-events', { clusterId, namespace: name, limit: 25 }), AuditEventsPage, session.orgId));
  const namespaces = await apiGetOrNotFound(withQuery('/api/v1/namespaces', { clusterId, namePrefix: name, limit: 1 }), NamespacesPage, session.orgId);
  const namespace = namespaces.items[0];
  if (!namespace || namespace.name !== name) notFound();
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const [findings, events, recommendation, trends] = await Promise.all([
    findingsP,
    eventsP,
    settle(apiGet(`/api/v1/namespaces/${namespace.id}/recommendation`, NamespaceRecommendation, session.orgId)),
    settle(apiGet(withQuery(`/api/v1/namespaces/${namespace.id}/trends`, { granularity: 'day', from }), NamespaceTrends, session.orgId)),
  ]);

  return (
    <>
      <p className="small">
        <Link href={`/clusters/${clusterId}`}>← Namespaces of {namespace.clusterName}</Link>
      </p>
      <h1>
        Namespace {namespace.name} <span className="muted small">in {namespace.clusterName}</span>
      </h1>
      <section className="panel" aria-labelledby="state">
        <h2 id="state" style={{ marginTop: 0 }}>
          Where it stands
        </h2>
        <div className="row">
          <ReadinessBadge readiness={namespace.readiness.baseline} level="baseline" />
          <ReadinessBadge readiness={namespace.readiness.restricted} level="restricted" />
        </div>
        {namespace.readiness.baseline.exempt ? (
          <p className="notice small">
            The cluster&apos;s Pod Security configuration exempts this namespace: admission evaluates nothing here, so its readiness says nothing about compliance.
          </p>
        ) : null}
        {!namespace.readiness.baseline.exempt && (namespace.readiness.baseline.provisional || namespace.readiness.restricted.provisional) ? (
          <p className="notice small" data-testid="provisional">
            Ready is provisional:{' '}
            {namespace.readiness.restricted.auditSource === 'none' || namespace.readiness.restricted.auditSource === null
              ? 'the cluster has no audit source, so short-lived pods that violate the level may have gone unseen'
              : `the namespace has been observed only since ${formatTime(namespace.readiness.restricted.observedSince)}, less than the readiness window`}
            .
          </p>
        ) : null}
        <Staircase namespace={namespace} />
        <p className="small mono">
          enforce={modeText(namespace.labels, 'enforce')} · audit={modeText(namespace.labels, 'audit')} · warn={modeText(namespace.labels, 'warn')}
        </p>
        {namespace.invalidLabels.map((label) => (
          <p key={label.label} className="notice small">
            Label {label.label}=&quot;{label.value}&quot;: {label.message}
          </p>
        ))}
        <div className="kpis">
          <div className="kpi">
            <strong>{namespace.readiness.baseline.blockingWorkloads}</strong>
            <span className="small">blocking baseline @{namespace.readiness.baseline.version}</span>
          </div>
          <div className="kpi">
            <strong>{namespace.readiness.restricted.blockingWorkloads}</strong>
            <span className="small">blocking restricted @{namespace.readiness.restricted.version}</span>
          </div>
          <div className="kpi">
            <strong>{namespace.counts.workloads}</strong>
            <span className="small">workloads ({namespace.counts.pods} pods)</span>
          </div>
        </div>
        <p className="small muted">Readiness computed {formatTime(namespace.readiness.restricted.computedAt ?? namespace.readiness.baseline.computedAt)}.</p>
      </section>

      <section className="panel" aria-labelledby="recommendation">
        <h2 id="recommendation" style={{ marginTop: 0 }}>
          Recommended next step
        </h2>
        {!recommendation.ok ? (
          <ApiErrorPanel error={recommendation.error} what="the recommendation" />
        ) : (
          <>
            <p>
              Stage: <strong data-stage={recommendation.value.stage}>{STAGE_TEXT[recommendation.value.stage]}</strong>
            </p>
            <ul>
              {recommendation.value.reasoning.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
            {recommendation.value.changes ? (
              <>
                <CodeBlock code={recommendation.value.kubectlCommand} label="kubectl command" />
                <CodeBlock code={recommendation.value.yaml} label="Labels YAML" />
              </>
            ) : (
              <p className="muted">No label change recommended now.</p>
            )}
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="trend">
        <h2 id="trend" style={{ marginTop: 0 }}>
          Violating workloads, last 30 days
        </h2>
        {!trends.ok ? (
          <ApiErrorPanel error={trends.error} what="the trend" />
        ) : (
          <>
            <TrendChart rows={trendRows(trends.value.series)} label={`Violating workloads in ${namespace.name}`} />
            <ul className="small" aria-label="Estimated ready dates">
              {trends.value.series.map((series) => (
                <li key={series.level} data-estimate={series.estimate.status}>
                  <strong>{series.level}</strong>: {estimateText(series.estimate)}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="blocking">
        <h2 id="blocking">Blocking workloads by check</h2>
        {!findings.ok ? (
          <ApiErrorPanel error={findings.error} what="findings" />
        ) : findings.value.items.length === 0 ? (
          <p className="panel">No open finding: no workload in this namespace fails baseline or restricted.</p>
        ) : (
          groupFindings(findings.value.items).map((group) => (
            <details key={`${group.level}/${group.checkId}`} className="panel" open>
              <summary>
                <strong>{group.level}</strong> · <span className="mono">{group.checkId}</span> · {group.findings.length} workload
                {group.findings.length === 1 ? '' : 's'}
              </summary>
              {group.findings.map((finding) => (
                <article key={finding.id} style={{ borderTop: '1px solid var(--border)', marginTop: 8, paddingTop: 8 }}>
                  <h3 className="mono" style={{ margin: '0 0 4px' }}>
                    {finding.workload.kind}/{finding.workload.name}
                  </h3>
                  <p className="small muted" style={{ margin: 0 }}>
                    {finding.podCount} pod{finding.podCount === 1 ? '' : 's'} · fails {finding.level}:{finding.version} since {formatTime(finding.firstSeenAt)}
                  </p>
                  <p style={{ margin: '4px 0' }}>
                    <span className="muted small">Failing containers (upstream&apos;s words): </span>
                    {reasonText(finding)}
                  </p>
                  {finding.injectedContainers.length > 0 ? (
                    <p className="notice small" data-injected={finding.injectedContainers.join(',')}>
                      Injected container{finding.injectedContainers.length === 1 ? '' : 's'} {finding.injectedContainers.join(', ')}: not in the workload&apos;s template
                      but added to its pods at admission (a mesh or agent sidecar). Fix it where it is injected; the template patch cannot.
                    </p>
                  ) : null}
                  {finding.remediation ? <CodeBlock code={finding.remediation} label="Fix" /> : null}
                </article>
              ))}
            </details>
          ))
        )}
      </section>

      <section aria-labelledby="audit">
        <h2 id="audit">Recent audit-mode violations</h2>
        {!events.ok ? (
          <ApiErrorPanel error={events.error} what="audit events" />
        ) : events.value.items.length === 0 ? (
          <p className="panel">No audit-mode violation in this namespace in the last 7 days.</p>
        ) : (
          <div className="panel">
            <AuditEventsTable events={events.value.items} showNamespace={false} caption="Last 7 days, newest first" />
            <p className="small">
              <Link href={withQuery('/audit-events', { clusterId, namespace: name })}>All audit events of this namespace</Link>
            </p>
          </div>
        )}
      </section>
    </>
  );
}

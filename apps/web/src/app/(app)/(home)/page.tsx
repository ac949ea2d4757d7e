import type { Metadata } from 'next';
import Link from 'next/link';
import { ClusterTrends, type ClusterSummary, type NamespaceSummary, type ReadinessStatus } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { ReadinessBadge } from '@/components/status-badge';
import { TrendChart } from '@/components/trend-chart';
import { apiGet, requireSession, withQuery } from '@/lib/api.server';
import { listAllNamespaces, listClusters, settle } from '@/lib/data.server';
import { ago } from '@/lib/format.util';
import { STATUS_ORDER, STATUS_TEXT, worstStatus } from '@/lib/psa.util';
import { estimateOf, estimateText, trendRows } from '@/lib/trends.util';

export const metadata: Metadata = { title: 'Overview' };

const STATES: ReadinessStatus[] = ['at-risk', 'blocked', 'unknown', 'ready'];
const AGENT_TEXT: Record<ClusterSummary['agent']['status'], string> = {
  connected: 'Agent connected',
  stale: 'Agent stale (no contact for over 5 minutes)',
  offline: 'Agent offline (no contact for over an hour)',
  never: 'Agent not installed yet',
};
const AGENT_BADGE: Record<ClusterSummary['agent']['status'], ReadinessStatus> = { connected: 'ready', stale: 'blocked', offline: 'at-risk', never: 'unknown' };

function countBy(namespaces: NamespaceSummary[], level: 'baseline' | 'restricted'): Record<ReadinessStatus | 'provisional', number> {
  const counts: Record<ReadinessStatus | 'provisional', number> = { ready: 0, blocked: 0, 'at-risk': 0, unknown: 0, provisional: 0 };
  for (const namespace of namespaces) {
    const readiness = namespace.readiness[level];
    counts[readiness.status] += 1;
    if (readiness.status === 'ready' && readiness.provisional) counts.provisional += 1;
  }
  return counts;
}

export default async function OverviewPage() {
  const session = await requireSession();
  if (!session.orgId) return <p className="notice">You are not a member of any organization; ask an owner for an invitation.</p>;
  // Clusters and namespaces in parallel: neither waits for the other.
  const [clusters, namespaces] = await Promise.all([settle(listClusters(session.orgId)), settle(listAllNamespaces(session.orgId))]);
  if (!clusters.ok) return <ApiErrorPanel error={clusters.error} what="clusters" />;
  if (!namespaces.ok) return <ApiErrorPanel error={namespaces.error} what="namespaces" />;

  if (clusters.value.items.length === 0) {
    return (
      <section className="panel empty" aria-labelledby="welcome">
        <h1 id="welcome">Welcome to Ratchet</h1>
        <p>Register your first cluster, then install the agent in it with the Helm command Ratchet gives you.</p>
        <p className="muted">Within a minute of the agent&apos;s first report, every namespace shows here with its readiness for baseline and restricted.</p>
        <Link className="btn primary" href="/settings#clusters">
          Register a cluster
        </Link>
      </section>
    );
  }

  // Every cluster's 30-day trend at once, once the clusters are known.
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const trends = await Promise.all(
    clusters.value.items.map((cluster) => settle(apiGet(withQuery(`/api/v1/clusters/${cluster.id}/trends`, { granularity: 'day', from }), ClusterTrends, session.orgId))),
  );
  const now = new Date();
  const byCluster = new Map<string, NamespaceSummary[]>();
  for (const namespace of namespaces.value) byCluster.set(namespace.clusterId, [...(byCluster.get(namespace.clusterId) ?? []), namespace]);

  return (
    <>
      <h1>Overview</h1>
      <div className="grid">
        {clusters.value.items.map((cluster, index) => {
          const trend = trends[index]!;
          const list = byCluster.get(cluster.id) ?? [];
          const urgent = list
            .filter((n) => worstStatus(n) !== 'ready')
            .sort((a, b) => STATUS_ORDER[worstStatus(a)] - STATUS_ORDER[worstStatus(b)] || b.counts.openFindings - a.counts.openFindings)
            .slice(0, 6);
          return (
            <section key={cluster.id} className="panel" aria-labelledby={`cluster-${cluster.id}`}>
              <div className="spread">
                <h2 id={`cluster-${cluster.id}`} style={{ margin: 0 }}>
                  <Link href={`/clusters/${cluster.id}`}>{cluster.name}</Link>
                </h2>
                <span className={`badge ${AGENT_BADGE[cluster.agent.status]}`}>
                  {AGENT_TEXT[cluster.agent.status]}
                  {cluster.lastSeenAt ? ` · last seen ${ago(cluster.lastSeenAt)}` : ''}
                </span>
              </div>
              <p className="small muted">
                {cluster.counts.namespaces} namespaces · {cluster.counts.workloads} workloads · {cluster.counts.pods} pods · {cluster.counts.openFindings} open findings
                {cluster.agent.kubernetesVersion ? ` · Kubernetes ${cluster.agent.kubernetesVersion}` : ''}
              </p>
              {cluster.agent.status !== 'never' && (cluster.agent.auditSource === 'none' || cluster.agent.auditSource === null) ? (
                <p className="notice small" data-testid="no-audit-source">
                  No audit source: this cluster&apos;s agent reads no audit log (usual on managed clusters), so audit-mode violations are not reported, which is not the
                  same as none. Ready stays provisional.
                </p>
              ) : null}
              {cluster.psaContradictions.length > 0 ? (
                <div className="alert small" data-testid="psa-contradictions">
                  <strong>
                    {cluster.psaContradictions.length} Pod Security contradiction{cluster.psaContradictions.length === 1 ? '' : 's'}:
                  </strong>{' '}
                  audit annotations disagree with the configuration Ratchet uses ({cluster.effectivePsaConfiguration.source}).
                  <ul style={{ margin: '4px 0 0' }}>
                    {cluster.psaContradictions.slice(0, 5).map((c) => (
                      <li key={`${c.namespace}/${c.kind}/${c.observed}`}>
                        {c.namespace}: {c.kind === 'enforce-policy' ? `PSA enforced ${c.observed}, expected ${c.expected}` : c.kind === 'exempt-namespace' ? `violations recorded in an exempt namespace (${c.events} events)` : `violations recorded for exempt user ${c.observed}`}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {cluster.agent.status === 'never' ? (
                <p className="notice">
                  No report from this cluster&apos;s agent yet. Install it with the command shown when the cluster was registered, or issue a new agent token in{' '}
                  <Link href="/settings#clusters">Settings</Link>.
                </p>
              ) : null}
              <table className="data" aria-label={`Namespaces of ${cluster.name} by readiness`}>
                <thead>
                  <tr>
                    <th scope="col">Level</th>
                    {STATES.map((state) => (
                      <th scope="col" key={state}>
                        {STATUS_TEXT[state]}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {(['baseline', 'restricted'] as const).map((level) => {
                    const counts = countBy(list, level);
                    return (
                      <tr key={level}>
                        <th scope="row">{level}</th>
                        {STATES.map((state) => (
                          <td key={state}>
                            {counts[state] > 0 ? (
                              <Link href={`/clusters/${cluster.id}?${level}=${state}`} aria-label={`${counts[state]} namespaces ${STATUS_TEXT[state].toLowerCase()} for ${level}`}>
                                {counts[state]}
                              </Link>
                            ) : null}
                            {state === 'ready' && counts.provisional > 0 ? (
                              <span className="small muted"> ({counts.provisional} provisional)</span>
                            ) : null}
                            {counts[state] > 0 ? null : (
                              <span className="muted">0</span>
                            )}
                          </td>
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <h3>Violating workloads, last 30 days</h3>
              {trend.ok ? (
                <>
                  <TrendChart rows={trendRows(trend.value.series)} label={`Violating workloads in ${cluster.name}`} height={180} />
                  <ul className="small" aria-label={`Burn-down of ${cluster.name}`}>
                    {trend.value.series.map((series) => (
                      <li key={series.level} data-estimate={estimateOf(series, now).status}>
                        <strong>{series.level}</strong>: {series.points.length > 0 ? `${series.points.at(-1)!.failingWorkloads} violating on ${series.points.at(-1)!.bucketStart.slice(0, 10)}; ` : ''}
                        {estimateText(estimateOf(series, now))}
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <ApiErrorPanel error={trend.error} what="the trend" />
              )}
              {urgent.length > 0 ? (
                <>
                  <h3>Needs attention first</h3>
                  <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Needs attention first">
                    {urgent.map((namespace) => (
                      <li key={namespace.id} className="spread" style={{ padding: '4px 0', borderBottom: '1px solid var(--border)' }}>
                        <Link href={`/clusters/${namespace.clusterId}/namespaces/${namespace.name}`}>{namespace.name}</Link>
                        <span className="row">
                          <ReadinessBadge readiness={namespace.readiness.baseline} level="baseline" />
                          <ReadinessBadge readiness={namespace.readiness.restricted} level="restricted" />
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : list.length > 0 ? (
                <p>
                  Every namespace is ready to enforce restricted
                  {list.some((n) => n.readiness.restricted.provisional) ? ', provisionally: some were observed for less than the readiness window or the cluster has no audit source.' : '.'}
                </p>
              ) : null}
            </section>
          );
        })}
      </div>
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { ClusterCoverage, ClusterDrift, ClusterSummary, type CoverageKind } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { apiGet, apiGetOrNotFound, requireSession } from '@/lib/api.server';
import { settle } from '@/lib/data.server';
import { formatTime } from '@/lib/format.util';

export const metadata: Metadata = { title: 'Coverage and drift' };

const KIND_TEXT: Record<CoverageKind, string> = {
  unlabeled: 'Unlabeled',
  'invalid-label': 'Invalid label',
  allowlisted: 'Exempt by allowlist',
  'privileged-outside-allowlist': 'Privileged outside the allowlist',
  exempt: 'Exempt by PSA configuration',
  unreported: 'Unreported',
};
const KINDS = Object.keys(KIND_TEXT) as CoverageKind[];

/** Namespaces Pod Security does not (knowingly) cover, and pinned namespaces whose version hides what `latest` rejects. */
export default async function CoveragePage({ params }: { params: Promise<{ clusterId: string }> }) {
  const [{ clusterId }, session] = await Promise.all([params, requireSession()]);
  const id = encodeURIComponent(clusterId);
  const coverageP = settle(apiGet(`/api/v1/clusters/${id}/coverage`, ClusterCoverage, session.orgId));
  const driftP = settle(apiGet(`/api/v1/clusters/${id}/drift`, ClusterDrift, session.orgId));
  const cluster = await apiGetOrNotFound(`/api/v1/clusters/${id}`, ClusterSummary, session.orgId);
  const [coverage, drift] = await Promise.all([coverageP, driftP]);
  return (
    <>
      <p className="small">
        <Link href={`/clusters/${clusterId}`}>← Namespaces of {cluster.name}</Link>
      </p>
      <h1>Coverage and drift of {cluster.name}</h1>
      <section aria-labelledby="coverage" className="panel">
        <h2 id="coverage" style={{ marginTop: 0 }}>
          Coverage
        </h2>
        {!coverage.ok ? (
          <ApiErrorPanel error={coverage.error} what="coverage" />
        ) : (
          <>
            <p className="small muted">
              None of these is compliance: each is a namespace Pod Security does not knowingly cover. PSA configuration from {coverage.value.psaConfiguration.source}
              {' '}(default enforce {coverage.value.psaConfiguration.configuration.defaults.enforce}:{coverage.value.psaConfiguration.configuration.defaults['enforce-version']}); computed{' '}
              {formatTime(coverage.value.computedAt)}.
            </p>
            <ul className="row" aria-label="Coverage counts" style={{ listStyle: 'none', padding: 0 }}>
              <li className="kpi">
                <strong>{coverage.value.counts.namespaces}</strong> <span className="small">namespaces</span>
              </li>
              {KINDS.map((kind) => (
                <li key={kind} className="kpi" data-kind={kind}>
                  <strong>{coverage.value.counts[kind]}</strong> <span className="small">{KIND_TEXT[kind].toLowerCase()}</span>
                </li>
              ))}
              <li className="kpi">
                <strong>{coverage.value.counts.flagged}</strong> <span className="small">flagged</span>
              </li>
            </ul>
            {coverage.value.namespaces.length === 0 ? (
              <p>Every namespace carries a valid enforce label and is reported by the agent.</p>
            ) : (
              <div className="scroller">
                <table className="data" aria-label="Namespaces not knowingly covered by Pod Security">
                  <thead>
                    <tr>
                      <th scope="col">Namespace</th>
                      <th scope="col">Enforced</th>
                      <th scope="col">Why it is listed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {coverage.value.namespaces.map((namespace) => (
                      <tr key={namespace.id} data-namespace={namespace.name}>
                        <td>
                          {namespace.flagged ? (
                            <span className="badge at-risk" style={{ marginRight: 6 }}>
                              <span aria-hidden="true">▲</span>Flagged
                            </span>
                          ) : null}
                          {namespace.enforcement ? <Link href={`/clusters/${clusterId}/namespaces/${namespace.name}`}>{namespace.name}</Link> : namespace.name}
                        </td>
                        <td className="mono small">
                          {namespace.enforcement ? `${namespace.enforcement.level}:${namespace.enforcement.version} (${namespace.enforcement.source})` : 'not known (unreported)'}
                        </td>
                        <td>
                          <ul style={{ margin: 0, paddingLeft: 16 }}>
                            {namespace.reasons.map((reason) => (
                              <li key={`${reason.kind}${reason.label ?? ''}`} data-kind={reason.kind}>
                                <strong>{KIND_TEXT[reason.kind]}</strong>: {reason.message}
                                {reason.kind === 'invalid-label' && reason.fallback ? (
                                  <span className="mono small">
                                    {' '}
                                    ({reason.label}=&quot;{reason.value}&quot; → {reason.fallback})
                                  </span>
                                ) : null}
                              </li>
                            ))}
                          </ul>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="drift" className="panel">
        <h2 id="drift" style={{ marginTop: 0 }}>
          Version drift
        </h2>
        <p className="small muted">Namespaces pinned to an enforce-version whose workloads `latest` (this cluster&apos;s release) would reject: an upgrade or a move to latest breaks them.</p>
        {!drift.ok ? (
          <ApiErrorPanel error={drift.error} what="version drift" />
        ) : drift.value.namespaces.length === 0 ? (
          <p>No pinned namespace hides a violation that latest would reject.</p>
        ) : (
          drift.value.namespaces.map((entry) => (
            <details key={`${entry.namespaceId}/${entry.level}`} className="panel" data-drift={`${entry.namespace}/${entry.level}`}>
              <summary>
                <strong>{entry.namespace}</strong> · {entry.level} pinned at {entry.pinnedVersion}; latest is {entry.latestVersion} · {entry.workloadCount} workload
                {entry.workloadCount === 1 ? '' : 's'} would be rejected
              </summary>
              <ul>
                {entry.workloads.map((workload) => (
                  <li key={workload.workloadId}>
                    <span className="mono">
                      {workload.kind}/{workload.name}
                    </span>
                    :{' '}
                    {workload.checks.map((check) => `${check.reason}${check.detail ? ` (${check.detail})` : ''}`).join('; ')}
                    <div className="small muted">{workload.checks.map((check) => check.remediation).join(' ')}</div>
                  </li>
                ))}
              </ul>
            </details>
          ))
        )}
      </section>
    </>
  );
}

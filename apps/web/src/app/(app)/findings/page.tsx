import type { Metadata } from 'next';
import Link from 'next/link';
import { CHECK_IDS, FindingsPage, QUERY_PATHS } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { FilterForm, Pager, SelectFilter, TextFilter } from '@/components/filter-form';
import { apiGet, requireSession, withQuery } from '@/lib/api.server';
import { listClusters, settle } from '@/lib/data.server';
import { formatTime } from '@/lib/format.util';
import { reasonText } from '@/lib/psa.util';
import { singleParams } from '@/lib/search-params.util';

export const metadata: Metadata = { title: 'Findings' };

const FILTERS = ['clusterId', 'namespace', 'level', 'checkId', 'workloadKind', 'status', 'sort', 'order'] as const;

export default async function FindingsExplorer({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [session, raw] = await Promise.all([requireSession(), searchParams]);
  const query = singleParams(raw, [...FILTERS, 'cursor']);
  const [clusters, findings] = await Promise.all([
    settle(listClusters(session.orgId)),
    settle(apiGet(withQuery(QUERY_PATHS.findings, { ...query, limit: 50 }), FindingsPage, session.orgId)),
  ]);
  const filterOnly = Object.fromEntries(FILTERS.map((key) => [key, query[key]]));
  return (
    <>
      <div className="spread">
        <h1>Findings</h1>
        <a className="btn" href={withQuery(QUERY_PATHS.findingsCsv, filterOnly)} download>
          Export CSV
        </a>
      </div>
      <FilterForm action="/findings" label="Filter findings">
        <SelectFilter id="clusterId" label="Cluster" value={query.clusterId} options={clusters.ok ? clusters.value.items.map((c) => ({ value: c.id, label: c.name })) : []} />
        <TextFilter id="namespace" label="Namespace" value={query.namespace} />
        <SelectFilter id="level" label="Level" value={query.level} options={['baseline', 'restricted']} />
        <SelectFilter id="checkId" label="Check" value={query.checkId} options={CHECK_IDS} />
        <SelectFilter id="status" label="Status" value={query.status} options={['open', 'resolved']} />
        <SelectFilter id="sort" label="Sort by" value={query.sort} options={['lastSeenAt', 'firstSeenAt', 'namespace', 'workload', 'level', 'checkId']} />
        <SelectFilter id="order" label="Order" value={query.order} options={['desc', 'asc']} />
      </FilterForm>
      {!findings.ok ? (
        <ApiErrorPanel error={findings.error} what="findings" />
      ) : findings.value.items.length === 0 ? (
        <p className="panel">No finding matches these filters.</p>
      ) : (
        <div className="panel">
          <table className="data">
            <caption className="small muted" style={{ textAlign: 'left' }}>
              {findings.value.items.length} findings on this page
            </caption>
            <thead>
              <tr>
                <th scope="col">Cluster / namespace</th>
                <th scope="col">Workload</th>
                <th scope="col">Level</th>
                <th scope="col">Check</th>
                <th scope="col">Reason (upstream)</th>
                <th scope="col">Status</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {findings.value.items.map((finding) => (
                <tr key={finding.id}>
                  <td>
                    {finding.clusterName} / <Link href={`/clusters/${finding.clusterId}/namespaces/${finding.namespace}`}>{finding.namespace}</Link>
                  </td>
                  <td className="mono small">
                    {finding.workload.kind}/{finding.workload.name}
                  </td>
                  <td>
                    {finding.level}:{finding.version}
                  </td>
                  <td className="mono small">{finding.checkId}</td>
                  <td className="small">
                    {reasonText(finding)}
                  </td>
                  <td>{finding.status}</td>
                  <td className="small">{formatTime(finding.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager path="/findings" query={query} nextCursor={findings.value.nextCursor} />
        </div>
      )}
    </>
  );
}

import type { Metadata } from 'next';
import { AuditEventsPage, CHECK_IDS, QUERY_PATHS } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { AuditEventsTable } from '@/components/audit-events-table';
import { FilterForm, Pager, SelectFilter, TextFilter } from '@/components/filter-form';
import { apiGet, requireSession, withQuery } from '@/lib/api.server';
import { listClusters, settle } from '@/lib/data.server';
import { singleParams } from '@/lib/search-params.util';

export const metadata: Metadata = { title: 'Audit events' };

const FILTERS = ['clusterId', 'namespace', 'user', 'resource', 'level', 'checkId', 'from', 'to', 'dryRun', 'order'] as const;

export default async function AuditEventsExplorer({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [session, raw] = await Promise.all([requireSession(), searchParams]);
  const query = singleParams(raw, [...FILTERS, 'cursor']);
  const [clusters, events] = await Promise.all([
    settle(listClusters(session.orgId)),
    settle(apiGet(withQuery(QUERY_PATHS.auditEvents, { ...query, limit: 50 }), AuditEventsPage, session.orgId)),
  ]);
  const filterOnly = Object.fromEntries(FILTERS.map((key) => [key, query[key]]));
  return (
    <>
      <div className="spread">
        <h1>Audit-mode violations</h1>
        <a className="btn" href={withQuery(QUERY_PATHS.auditEventsCsv, filterOnly)} download>
          Export CSV
        </a>
      </div>
      <p className="muted small">Requests the clusters admitted that their audit level would have rejected. The last 7 days unless a range is given (at most 90 days).</p>
      <FilterForm action="/audit-events" label="Filter audit events">
        <SelectFilter id="clusterId" label="Cluster" value={query.clusterId} options={clusters.ok ? clusters.value.items.map((c) => ({ value: c.id, label: c.name })) : []} />
        <TextFilter id="namespace" label="Namespace" value={query.namespace} />
        <TextFilter id="user" label="User" value={query.user} />
        <TextFilter id="resource" label="Resource" value={query.resource} />
        <SelectFilter id="level" label="Level" value={query.level} options={['baseline', 'restricted']} />
        <SelectFilter id="checkId" label="Check" value={query.checkId} options={CHECK_IDS} />
        <SelectFilter id="dryRun" label="Dry runs" value={query.dryRun} options={[{ value: 'false', label: 'exclude' }, { value: 'true', label: 'only' }]} />
        <TextFilter id="from" label="From (ISO time)" value={query.from} />
        <TextFilter id="to" label="To (ISO time)" value={query.to} />
        <SelectFilter id="order" label="Order" value={query.order} options={['desc', 'asc']} />
      </FilterForm>
      {!events.ok ? (
        <ApiErrorPanel error={events.error} what="audit events" />
      ) : events.value.items.length === 0 ? (
        <p className="panel">No audit-mode violation matches these filters.</p>
      ) : (
        <div className="panel">
          <AuditEventsTable events={events.value.items} caption={`${events.value.items.length} events on this page`} />
          <Pager path="/audit-events" query={query} nextCursor={events.value.nextCursor} />
        </div>
      )}
    </>
  );
}

'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnFiltersState,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { NamespacesPage, type ReadinessStatus } from '@ratchet/contracts';

import { Staircase } from '@/components/staircase';
import { ReadinessBadge } from '@/components/status-badge';
import { ApiError, apiErrorOf } from '@/lib/api-error';
import { formatTime } from '@/lib/format.util';
import { ORG_HEADER } from '@/lib/org.constant';
import { STATUS_ORDER, STATUS_TEXT, effectiveLevels, modeText } from '@/lib/psa.util';

import { toRow, type NamespaceRow } from './namespaces-table.util';

// Filters and sort live in the URL (?q=&baseline=&restricted=&enforce=&sort=&order=), so a view can be shared
// and reloaded. The URL changes with history.replaceState, without a round trip to the server: the rows are already
// here, and sorting or filtering 2,000 of them is instant.
// The server renders the first FIRST_PAGE rows by name (namespaces-table.util.ts, enough for the first screen); once
// the table answers, it fetches the rest through /api in pages of 500 from both ends of the name order at once, and
// the status line says so until every row is in (sorting and filtering then apply to all of them).

const PAGE = 500;

const STATUSES: ReadinessStatus[] = ['at-risk', 'blocked', 'unknown', 'ready'];
const ENFORCE_OPTIONS = ['privileged', 'baseline', 'restricted', 'unset', 'invalid'] as const;
const SORTABLE = ['name', 'enforce', 'baseline', 'restricted', 'blocking', 'findings', 'lastChange'] as const;

const VIEW_KEYS = ['q', 'baseline', 'restricted', 'enforce', 'sort', 'order'] as const;
type View = Record<(typeof VIEW_KEYS)[number], string>;

function viewFromParams(params: { get(key: string): string | null }): View {
  const view = Object.fromEntries(VIEW_KEYS.map((key) => [key, params.get(key) ?? ''])) as View;
  if (!(SORTABLE as readonly string[]).includes(view.sort)) view.sort = '';
  if (view.order !== 'desc') view.order = view.sort ? 'asc' : '';
  return view;
}

async function fetchPage(clusterId: string, orgId: string, order: 'asc' | 'desc', cursor: string | null, signal: AbortSignal, limit = PAGE): Promise<NamespacesPage> {
  const params = new URLSearchParams({ clusterId, sort: 'name', order, limit: String(limit) });
  if (cursor) params.set('cursor', cursor);
  const response = await fetch(`/api/v1/namespaces?${params.toString()}`, { headers: { accept: 'application/json', [ORG_HEADER]: orgId }, credentials: 'same-origin', signal });
  if (!response.ok) throw await apiErrorOf(response);
  return NamespacesPage.parse(await response.json());
}

/**
 * Every namespace after the first page: ascending from `cursor` and descending from the last name at once, until
 * the two ranges meet (a page holding a row already seen, or `total` rows with nothing unseen after them) or one
 * runs out. Rows keyed by id, so overlaps and rows that moved between pages count once. Throws ApiError.
 */
async function listRest(clusterId: string, orgId: string, total: number, firstRows: NamespaceRow[], cursor: string, signal: AbortSignal): Promise<NamespaceRow[]> {
  const byId = new Map(firstRows.map((row) => [row.id, row]));
  const add = (page: NamespacesPage): boolean => {
    let met = page.nextCursor === null;
    for (const item of page.items) {
      if (byId.has(item.id)) met = true;
      else byId.set(item.id, toRow(item));
    }
    return met;
  };
  let ascending: string | null = cursor;
  let descending: string | null = null;
  for (;;) {
    const [up, down]: [NamespacesPage, NamespacesPage] = await Promise.all([fetchPage(clusterId, orgId, 'asc', ascending, signal), fetchPage(clusterId, orgId, 'desc', descending, signal)]);
    const upMet = add(up);
    const downMet = add(down);
    if (upMet || downMet) break;
    ascending = up.nextCursor;
    descending = down.nextCursor;
    // As many rows as the cluster counted: one row from the ascending end tells whether the ranges touch, instead
    // of a full round of 1,000 more (2,000 namespaces meet after 2 rounds and a probe, not 3 rounds).
    if (byId.size >= total) {
      const probe = await fetchPage(clusterId, orgId, 'asc', ascending, signal, 1);
      if (probe.items.every((item) => byId.has(item.id))) break;
    }
  }
  return [...byId.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const column = createColumnHelper<NamespaceRow>();

function enforceKey(namespace: NamespaceRow): string {
  if (namespace.labels.enforce === undefined) return 'unset';
  const enforce = effectiveLevels(namespace.labels).enforce;
  return enforce.invalid ? 'invalid' : enforce.level;
}

function lastChange(namespace: NamespaceRow): string {
  const { baseline, restricted } = namespace.readiness;
  return [baseline.computedAt, restricted.computedAt, namespace.createdAt].filter((t): t is string => t !== null).sort().at(-1) ?? namespace.createdAt;
}

const columns = [
  column.accessor('name', {
    header: 'Namespace',
    filterFn: (row, _id, value: string) => row.original.name.includes(value.toLowerCase()),
    cell: (info) => <Link href={`/clusters/${info.row.original.clusterId}/namespaces/${info.row.original.name}`}>{info.getValue()}</Link>,
  }),
  column.accessor(enforceKey, {
    id: 'enforce',
    header: 'Labels (enforce / audit / warn)',
    filterFn: 'equalsString',
    sortingFn: (a, b) => ENFORCE_OPTIONS.indexOf(a.getValue<never>('enforce')) - ENFORCE_OPTIONS.indexOf(b.getValue<never>('enforce')),
    cell: (info) => (
      <div className="small mono">
        <div>enforce={modeText(info.row.original.labels, 'enforce')}</div>
        <div>audit={modeText(info.row.original.labels, 'audit')}</div>
        <div>warn={modeText(info.row.original.labels, 'warn')}</div>
        {info.row.original.invalidLabels.length > 0 ? <div className="field-error">invalid: {info.row.original.invalidLabels.map((l) => l.label).join(', ')}</div> : null}
      </div>
    ),
  }),
  column.display({
    id: 'staircase',
    header: 'Staircase',
    cell: (info) => <Staircase namespace={info.row.original} compact />,
  }),
  ...(['baseline', 'restricted'] as const).map((level) =>
    column.accessor((namespace) => namespace.readiness[level].status, {
      id: level,
      header: `${level[0]!.toUpperCase()}${level.slice(1)} readiness`,
      filterFn: 'equalsString',
      sortingFn: (a, b) => STATUS_ORDER[a.getValue<ReadinessStatus>(level)] - STATUS_ORDER[b.getValue<ReadinessStatus>(level)],
      cell: (info) => (
        <span>
          <ReadinessBadge readiness={info.row.original.readiness[level]} />
          <span className="small muted"> @{info.row.original.readiness[level].version}</span>
        </span>
      ),
    }),
  ),
  column.accessor((namespace) => namespace.readiness.baseline.blockingWorkloads * 100_000 + namespace.readiness.restricted.blockingWorkloads, {
    id: 'blocking',
    header: 'Blocking workloads',
    cell: (info) => (
      <span className="small">
        baseline {info.row.original.readiness.baseline.blockingWorkloads} · restricted {info.row.original.readiness.restricted.blockingWorkloads}
      </span>
    ),
  }),
  column.accessor((namespace) => namespace.counts.openFindings, { id: 'findings', header: 'Open findings' }),
  column.accessor(lastChange, { id: 'lastChange', header: 'Last change', cell: (info) => <span className="small">{formatTime(info.getValue())}</span> }),
];

export function NamespacesTable({
  clusterId,
  orgId,
  total,
  firstRows,
  nextCursor,
}: {
  clusterId: string;
  orgId: string;
  /** The cluster's namespace count when the page rendered: what the status line says is coming. */
  total: number;
  firstRows: NamespaceRow[];
  /** Where the first page ended; null when it held every namespace. */
  nextCursor: string | null;
}) {
  const searchParams = useSearchParams();
  const [namespaces, setNamespaces] = useState(firstRows);
  const [loading, setLoading] = useState(nextCursor !== null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const pathname = usePathname();
  const scroller = useRef<HTMLDivElement>(null);

  // The URL is read once; afterwards the table's state is the truth and the URL follows it.
  const [view, setView] = useState<View>(() => viewFromParams(searchParams));
  // Stable references: TanStack recomputes (and resets its own state) whenever a state object changes identity.
  const sorting: SortingState = useMemo(() => (view.sort ? [{ id: view.sort, desc: view.order === 'desc' }] : []), [view.sort, view.order]);
  const columnFilters: ColumnFiltersState = useMemo(
    () => (['q', 'baseline', 'restricted', 'enforce'] as const).filter((key) => view[key]).map((key) => ({ id: key === 'q' ? 'name' : key, value: view[key] })),
    [view],
  );

  function update(changes: Partial<View>) {
    const next = { ...view, ...changes };
    setView(next);
    const params = new URLSearchParams();
    for (const key of VIEW_KEYS) if (next[key]) params.set(key, next[key]);
    const text = params.toString();
    window.history.replaceState(null, '', text ? `${pathname}?${text}` : pathname);
  }

  // User Timing mark for when the table answers input (hydrated): `npm run bench:web` reads it.
  // and when every row is in.
  useEffect(() => {
    performance.mark('ratchet:namespaces-interactive');
    if (nextCursor === null) {
      performance.mark('ratchet:namespaces-complete');
      return;
    }
    const abort = new AbortController();
    listRest(clusterId, orgId, total, firstRows, nextCursor, abort.signal).then(
      (rows) => {
        setNamespaces(rows);
        setLoading(false);
        performance.mark('ratchet:namespaces-complete');
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setLoading(false);
        setLoadError(error instanceof ApiError ? error.message : 'the network failed');
      },
    );
    return () => abort.abort();
  }, [clusterId, orgId, total, firstRows, nextCursor]);

  const table = useReactTable({
    data: namespaces,
    columns,
    state: { sorting, columnFilters },
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (row) => row.id,
    // Every row is rendered (virtualised), never paged.
    autoResetPageIndex: false,
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      update({ sort: next[0]?.id ?? '', order: next[0] ? (next[0].desc ? 'desc' : 'asc') : '' });
    },
  });
  const rows = table.getRowModel().rows;
  // initialRect lets the server render the first screen of rows, so they are in the first paint.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 12,
    initialRect: { width: 1200, height: 720 },
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const columnCount = table.getVisibleLeafColumns().length;

  return (
    <>
      <div className="filters" role="search" aria-label="Filter namespaces">
        <div>
          <label htmlFor="ns-q">Name contains</label>
          <input id="ns-q" type="search" value={view.q} onChange={(event) => update({ q: event.target.value })} />
        </div>
        {(['baseline', 'restricted'] as const).map((level) => (
          <div key={level}>
            <label htmlFor={`ns-${level}`}>{level} readiness</label>
            <select id={`ns-${level}`} value={view[level]} onChange={(event) => update({ [level]: event.target.value })}>
              <option value="">Any</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {STATUS_TEXT[status]}
                </option>
              ))}
            </select>
          </div>
        ))}
        <div>
          <label htmlFor="ns-enforce">enforce label</label>
          <select id="ns-enforce" value={view.enforce} onChange={(event) => update({ enforce: event.target.value })}>
            <option value="">Any</option>
            {ENFORCE_OPTIONS.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </div>
        <p className="small muted" role="status" aria-live="polite" style={{ margin: 0 }}>
          {rows.length} of {namespaces.length} namespaces
          {loading ? `, loading the rest of ${Math.max(total, namespaces.length)}…` : ''}
        </p>
      </div>
      {loadError ? (
        <p role="alert" className="panel field-error">
          Only the first {namespaces.length} namespaces could be loaded: {loadError}. Reload the page to try again.
        </p>
      ) : null}
      <div className="scroller" ref={scroller} tabIndex={0} aria-label="Namespaces table, scrollable">
        <table className="data" aria-rowcount={rows.length + 1}>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th key={header.id} scope="col" aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}>
                      {header.column.getCanSort() ? (
                        <button type="button" onClick={header.column.getToggleSortingHandler()}>
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ' ↕'}</span>
                        </button>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {paddingTop > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={columnCount} style={{ height: paddingTop, padding: 0, border: 0 }} />
              </tr>
            ) : null}
            {items.map((item) => {
              const row = rows[item.index]!;
              return (
                <tr key={row.id} data-index={item.index} ref={virtualizer.measureElement} aria-rowindex={item.index + 2} data-namespace={row.original.name}>
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                </tr>
              );
            })}
            {paddingBottom > 0 ? (
              <tr aria-hidden="true">
                <td colSpan={columnCount} style={{ height: paddingBottom, padding: 0, border: 0 }} />
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}

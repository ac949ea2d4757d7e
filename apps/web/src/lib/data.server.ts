import { cache } from 'react';
import { ClustersPage, NamespacesPage, type NamespaceSummary } from '@ratchet/contracts';

import { ApiError } from './api-error';
import { apiGet, withQuery } from './api.server';

/** The organization's clusters (once per request: the layout and the page share it). */
export const listClusters = cache((orgId: string) => apiGet('/api/v1/clusters?limit=500', ClustersPage, orgId));

type NamespacePageQuery = { clusterId: string | undefined; order: 'asc' | 'desc'; cursor: string | undefined; limit: number };

/**
 * Every live namespace (of one cluster, or of the organization), sorted by name: the dashboard sorts and filters
 * them in the browser, which stays instant at thousands of rows.
 *
 * Pages (500, the API's most) come from both ends at once, ascending and descending by name, so 2,000 namespaces
 * take 2 rounds instead of 4 sequential ones. The two chains have covered everything when one reaches the end or
 * returns a namespace the other already has (their ranges met). `expected` (the cluster's namespace count, which
 * may still be arriving) lets it stop when the ranges only touch: a one-row probe past the ascending chain's end
 * confirms that nothing lies between them.
 */
export async function listAllNamespaces(orgId: string, clusterId?: string, expected?: Promise<number | undefined> | number): Promise<NamespaceSummary[]> {
  const byId = new Map<string, NamespaceSummary>();
  const fetchPage = (query: NamespacePageQuery) => apiGet(withQuery('/api/v1/namespaces', { ...query, sort: 'name' }), NamespacesPage, orgId);
  /** Adds a page; true when it held a namespace already seen (the two ranges met) or was the last. */
  const add = (page: NamespacesPage): boolean => {
    let met = page.nextCursor === null;
    for (const item of page.items) {
      if (byId.has(item.id)) met = true;
      else byId.set(item.id, item);
    }
    return met;
  };
  let ascending: string | undefined;
  let descending: string | undefined;
  for (;;) {
    const [up, down] = await Promise.all([
      fetchPage({ clusterId, order: 'asc', cursor: ascending, limit: 500 }),
      fetchPage({ clusterId, order: 'desc', cursor: descending, limit: 500 }),
    ]);
    const upMet = add(up);
    const downMet = add(down);
    if (upMet || downMet) break;
    ascending = up.nextCursor ?? undefined;
    descending = down.nextCursor ?? undefined;
    const count = await expected;
    if (count !== undefined && byId.size >= count) {
      const probe = await fetchPage({ clusterId, order: 'asc', cursor: ascending, limit: 1 });
      if (probe.items.every((item) => byId.has(item.id))) break;
    }
  }
  return [...byId.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.clusterId < b.clusterId ? -1 : 1));
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Awaits `promise`, turning an API error into a value the page renders with the API's message. */
export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error };
    throw error;
  }
}

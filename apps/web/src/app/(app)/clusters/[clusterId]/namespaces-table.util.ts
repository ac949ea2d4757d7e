import type { NamespaceSummary } from '@ratchet/contracts';

// Shared by the page (a server component) and the table (a client component): what a 'use client' module exports
// reaches the server only as a reference, so these live here.

/** Rows the server renders before the browser fetches the rest: the virtualised window (~24 rows) with room to spare. */
export const FIRST_PAGE = 100;

/** The fields the table shows (the page leaves the rest out of the browser's payload). */
export type NamespaceRow = Omit<NamespaceSummary, 'clusterName' | 'uid' | 'lastSeenAt' | 'deletedAt'>;

/** Drops what the table does not show: a lighter document and less state to hold. */
export function toRow({ clusterName: _c, uid: _u, lastSeenAt: _l, deletedAt: _d, ...row }: NamespaceSummary): NamespaceRow {
  return row;
}

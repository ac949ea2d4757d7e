import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { ClusterSummary, type NamespaceSummary } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { apiGetOrNotFound, requireSession } from '@/lib/api.server';
import { listAllNamespaces, settle, type Settled } from '@/lib/data.server';
import { ago } from '@/lib/format.util';
import { NamespacesTable } from './namespaces-table';

export const metadata: Metadata = { title: 'Namespaces' };

export default async function ClusterNamespacesPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const [{ clusterId }, session] = await Promise.all([params, requireSession()]);
  // Both start now; the heading paints once the cluster answers, the table streams in when its pages arrive (the
  // cluster's namespace count lets the listing stop a round early).
  // A malformed id is a 404, like another tenant's (before anything streams, so the status is 404).
  const clusterP = apiGetOrNotFound(`/api/v1/clusters/${encodeURIComponent(clusterId)}`, ClusterSummary, session.orgId);
  const namespaces = settle(
    listAllNamespaces(
      session.orgId,
      clusterId,
      clusterP.then(
        (c) => c.counts.namespaces,
        () => undefined,
      ),
    ),
  );
  const cluster = await clusterP;
  return (
    <>
      <div className="spread">
        <h1>Namespaces of {cluster.name}</h1>
        <span className="small muted">
          Agent {cluster.agent.status}, last seen {ago(cluster.lastSeenAt)}
        </span>
      </div>
      <nav aria-label={`Views of ${cluster.name}`} className="row" style={{ marginBottom: 12 }}>
        <Link className="btn" href={`/clusters/${clusterId}/what-if`}>
          What-if
        </Link>
        <Link className="btn" href={`/clusters/${clusterId}/coverage`}>
          Coverage and drift
        </Link>
      </nav>
      <Suspense
        fallback={
          <div role="status" className="panel muted">
            Loading {cluster.counts.namespaces} namespaces…
          </div>
        }
      >
        <NamespacesSection namespaces={namespaces} />
      </Suspense>
    </>
  );
}

async function NamespacesSection({ namespaces }: { namespaces: Promise<Settled<NamespaceSummary[]>> }) {
  const result = await namespaces;
  if (!result.ok) return <ApiErrorPanel error={result.error} what="namespaces" />;
  if (result.value.length === 0) {
    return <p className="panel">No namespace reported yet. Once the agent is installed and connected, its first full sync lists every namespace here.</p>;
  }
  // Only what the table shows goes to the browser: a lighter payload to parse before it answers.
  return <NamespacesTable namespaces={result.value.map(({ clusterName: _c, uid: _u, lastSeenAt: _l, deletedAt: _d, ...row }) => row)} />;
}

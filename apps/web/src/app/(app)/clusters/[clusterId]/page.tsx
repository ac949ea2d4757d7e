import type { Metadata } from 'next';
import { ClusterSummary } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { apiGetOrNotFound, requireSession } from '@/lib/api.server';
import { listAllNamespaces, settle } from '@/lib/data.server';
import { ago } from '@/lib/format.util';
import { NamespacesTable } from './namespaces-table';

export const metadata: Metadata = { title: 'Namespaces' };

export default async function ClusterNamespacesPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const [{ clusterId }, session] = await Promise.all([params, requireSession()]);
  // A malformed id is a 404, like another tenant's.
  const [cluster, namespaces] = await Promise.all([
    apiGetOrNotFound(`/api/v1/clusters/${encodeURIComponent(clusterId)}`, ClusterSummary, session.orgId),
    settle(listAllNamespaces(session.orgId, clusterId)),
  ]);
  return (
    <>
      <div className="spread">
        <h1>Namespaces of {cluster.name}</h1>
        <span className="small muted">
          Agent {cluster.agent.status}, last seen {ago(cluster.lastSeenAt)}
        </span>
      </div>
      {namespaces.ok ? (
        namespaces.value.length === 0 ? (
          <p className="panel">No namespace reported yet. Once the agent is installed and connected, its first full sync lists every namespace here.</p>
        ) : (
          <NamespacesTable namespaces={namespaces.value} />
        )
      ) : (
        <ApiErrorPanel error={namespaces.error} what="namespaces" />
      )}
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { ClusterSummary } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { apiGetOrNotFound, requireSession } from '@/lib/api.server';
import { listAllNamespaces, settle } from '@/lib/data.server';
import { parseWhatIfParams, versionChoices } from './what-if.util';
import { WhatIfResults } from './what-if-results';

export const metadata: Metadata = { title: 'What-if' };

/**
 * What would be rejected if namespaces enforced a level at a version. The choices are a plain GET form, so they live
 * in the URL (shareable, reload-safe); the browser then asks the API (a POST, through this origin's forwarding).
 */
export default async function WhatIfPage({ params, searchParams }: { params: Promise<{ clusterId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ clusterId }, query, session] = await Promise.all([params, searchParams, requireSession()]);
  const namespaces = settle(listAllNamespaces(session.orgId, clusterId));
  const cluster = await apiGetOrNotFound(`/api/v1/clusters/${encodeURIComponent(clusterId)}`, ClusterSummary, session.orgId);
  const names = await namespaces;
  const choice = parseWhatIfParams(query);
  const selected = new Set(choice.namespaces === 'all' ? [] : choice.namespaces);
  return (
    <>
      <p className="small">
        <Link href={`/clusters/${clusterId}`}>← Namespaces of {cluster.name}</Link>
      </p>
      <h1>What-if on {cluster.name}</h1>
      <p className="muted">Which workloads and pods Pod Security would reject if these namespaces enforced a level, in its own words, with the fix.</p>
      {!names.ok ? <ApiErrorPanel error={names.error} what="namespaces" /> : null}
      <form method="get" className="panel filters" aria-label="What-if choices">
        <div>
          <label htmlFor="level">Level</label>
          <select id="level" name="level" defaultValue={choice.level}>
            <option value="baseline">baseline</option>
            <option value="restricted">restricted</option>
          </select>
        </div>
        <div>
          <label htmlFor="version">Version</label>
          <select id="version" name="version" defaultValue={choice.version}>
            {versionChoices(cluster.agent.kubernetesVersion, choice.version).map((version) => (
              <option key={version} value={version}>
                {version === 'latest' ? `latest${cluster.agent.kubernetesVersion ? ` (the cluster's ${cluster.agent.kubernetesVersion})` : ''}` : version}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="ns">Namespaces (none selected: all)</label>
          <select id="ns" name="ns" multiple size={6} defaultValue={[...selected]} style={{ minWidth: 220 }}>
            {(names.ok ? names.value : []).map((namespace) => (
              <option key={namespace.id} value={namespace.name}>
                {namespace.name}
              </option>
            ))}
          </select>
        </div>
        <button className="btn primary" type="submit">
          Run what-if
        </button>
      </form>
      <WhatIfResults key={JSON.stringify(choice)} clusterId={clusterId} orgId={session.orgId} choice={choice} />
    </>
  );
}

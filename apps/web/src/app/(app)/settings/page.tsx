import type { Metadata } from 'next';
import { ApiTokenList, InvitationList, MemberList, OrganizationSettings } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { apiGet, requireSession } from '@/lib/api.server';
import { listClusters, settle } from '@/lib/data.server';
import { ApiTokensSection } from './api-tokens-section';
import { ClustersSection } from './clusters-section';
import { MembersSection } from './members-section';
import { ClusterPsaSection, OrganizationSection } from './organization-section';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const session = await requireSession();
  const canEdit = session.role === 'owner' || session.role === 'admin';
  // Every list at once; a viewer is refused the token and invitation lists, which then do not show.
  const [clusters, tokens, members, invitations, settings] = await Promise.all([
    settle(listClusters(session.orgId)),
    canEdit ? settle(apiGet('/api/v1/api-tokens', ApiTokenList, session.orgId)) : null,
    settle(apiGet('/api/v1/members', MemberList, session.orgId)),
    canEdit ? settle(apiGet('/api/v1/invitations', InvitationList, session.orgId)) : null,
    settle(apiGet('/api/v1/organization/settings', OrganizationSettings, session.orgId)),
  ]);
  return (
    <>
      <h1>Settings</h1>
      <nav aria-label="Settings sections" className="row small" style={{ marginBottom: 12 }}>
        <a href="#clusters">Clusters</a>
        {canEdit ? <a href="#api-tokens">API tokens</a> : null}
        <a href="#members">Members</a>
        <a href="#organization">Organization</a>
        <a href="#cluster-psa">Cluster PSA configuration</a>
      </nav>
      {clusters.ok ? <ClustersSection clusters={clusters.value.items} orgId={session.orgId} canEdit={canEdit} /> : <ApiErrorPanel error={clusters.error} what="clusters" />}
      {tokens === null ? null : tokens.ok ? <ApiTokensSection tokens={tokens.value.items} orgId={session.orgId} /> : <ApiErrorPanel error={tokens.error} what="API tokens" />}
      {members.ok ? (
        <MembersSection
          members={members.value.items}
          invitations={invitations?.ok ? invitations.value.items : null}
          orgId={session.orgId}
          canManage={session.role === 'owner'}
          selfId={session.me.user.id}
        />
      ) : (
        <ApiErrorPanel error={members.error} what="members" />
      )}
      {settings.ok ? <OrganizationSection settings={settings.value} orgId={session.orgId} canEdit={canEdit} /> : <ApiErrorPanel error={settings.error} what="organization settings" />}
      {clusters.ok ? <ClusterPsaSection clusters={clusters.value.items} orgId={session.orgId} canEdit={canEdit} /> : null}
    </>
  );
}

import type { Metadata } from 'next';
import { AlertChannelList, AlertDeliveriesPage, AlertRuleList, AlertsPage } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { apiGet, requireSession } from '@/lib/api.server';
import { listClusters, settle } from '@/lib/data.server';
import { formatTime } from '@/lib/format.util';
import { ChannelsSection } from './channels-section';
import { RulesSection } from './rules-section';

export const metadata: Metadata = { title: 'Alerts' };

/** Alert rules, channels, and the history of alerts and deliveries. Viewers see all of it, read-only. */
export default async function AlertsPageView() {
  const session = await requireSession();
  const canEdit = session.role === 'owner' || session.role === 'admin';
  const [rules, channels, alerts, deliveries, clusters] = await Promise.all([
    settle(apiGet('/api/v1/alert-rules', AlertRuleList, session.orgId)),
    settle(apiGet('/api/v1/alert-channels', AlertChannelList, session.orgId)),
    settle(apiGet('/api/v1/alerts?limit=50', AlertsPage, session.orgId)),
    settle(apiGet('/api/v1/alert-deliveries?limit=50', AlertDeliveriesPage, session.orgId)),
    settle(listClusters(session.orgId)),
  ]);
  const channelName = new Map(channels.ok ? channels.value.items.map((c) => [c.id, c.name]) : []);
  const ruleName = new Map(rules.ok ? rules.value.items.map((r) => [r.id, r.name]) : []);
  const clusterName = new Map(clusters.ok ? clusters.value.items.map((c) => [c.id, c.name]) : []);
  return (
    <>
      <h1>Alerts</h1>
      {canEdit ? null : <p className="notice small">You are a viewer: rules and channels are shown read-only.</p>}
      <nav aria-label="Alerts sections" className="row small" style={{ marginBottom: 12 }}>
        <a href="#rules">Rules</a>
        <a href="#channels">Channels</a>
        <a href="#history">History</a>
        <a href="#deliveries">Deliveries</a>
      </nav>
      {channels.ok ? <ChannelsSection channels={channels.value.items} orgId={session.orgId} canEdit={canEdit} /> : <ApiErrorPanel error={channels.error} what="alert channels" />}
      {rules.ok && channels.ok ? (
        <RulesSection
          rules={rules.value.items}
          channels={channels.value.items.map((c) => ({ id: c.id, name: c.name }))}
          clusters={clusters.ok ? clusters.value.items.map((c) => ({ id: c.id, name: c.name })) : []}
          orgId={session.orgId}
          canEdit={canEdit}
        />
      ) : !rules.ok ? (
        <ApiErrorPanel error={rules.error} what="alert rules" />
      ) : null}
      <section className="panel" id="history" aria-labelledby="history-title">
        <h2 id="history-title" style={{ marginTop: 0 }}>
          History
        </h2>
        {!alerts.ok ? (
          <ApiErrorPanel error={alerts.error} what="alert history" />
        ) : alerts.value.items.length === 0 ? (
          <p className="muted">No alert has fired yet.</p>
        ) : (
          <table className="data" aria-label="Alerts, most recently fired first">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Severity</th>
                <th scope="col">Rule</th>
                <th scope="col">Cluster / namespace</th>
                <th scope="col">Summary</th>
                <th scope="col">First fired</th>
                <th scope="col">Resolved</th>
              </tr>
            </thead>
            <tbody>
              {alerts.value.items.map((alert) => (
                <tr key={alert.id}>
                  <td>
                    <span className={`badge ${alert.status === 'firing' ? 'at-risk' : 'ready'}`}>{alert.status}</span>
                  </td>
                  <td>{alert.severity}</td>
                  <td>{ruleName.get(alert.ruleId) ?? alert.ruleId}</td>
                  <td>
                    {clusterName.get(alert.clusterId) ?? alert.clusterId}
                    {alert.namespace ? ` / ${alert.namespace}` : ''}
                  </td>
                  <td>{alert.summary}</td>
                  <td>{formatTime(alert.firstFiredAt)}</td>
                  <td>{formatTime(alert.resolvedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" id="deliveries" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title" style={{ marginTop: 0 }}>
          Deliveries
        </h2>
        {!deliveries.ok ? (
          <ApiErrorPanel error={deliveries.error} what="deliveries" />
        ) : deliveries.value.items.length === 0 ? (
          <p className="muted">Nothing sent yet. Send a test from a channel above to check it.</p>
        ) : (
          <table className="data" aria-label="Deliveries, newest first">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Kind</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
                <th scope="col">Alerts</th>
                <th scope="col">Attempts</th>
                <th scope="col">Receiver&apos;s answer</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.value.items.map((delivery) => (
                <tr key={delivery.id} data-delivery-status={delivery.status}>
                  <td>{formatTime(delivery.createdAt)}</td>
                  <td>{delivery.kind}</td>
                  <td>{channelName.get(delivery.channelId) ?? delivery.channelId}</td>
                  <td>
                    <span className={`badge ${delivery.status === 'delivered' ? 'ready' : delivery.status === 'failed' ? 'at-risk' : 'blocked'}`}>{delivery.status}</span>
                  </td>
                  <td>
                    {delivery.firingCount} firing, {delivery.resolvedCount} resolved
                  </td>
                  <td>{delivery.attempts}</td>
                  <td className="small">
                    {delivery.responseCode ? `HTTP ${delivery.responseCode}` : ''} {delivery.lastError ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

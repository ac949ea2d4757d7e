'use client';

import { useState, type FormEvent } from 'react';
import { AlertChannelSaved, AlertDelivery, CreateAlertChannelRequest, type AlertChannel, type AlertChannelType } from '@ratchet/contracts';

import { CodeBlock } from '@/components/copy-button';
import { DeleteButton } from '@/components/delete-button';
import { FormErrors } from '@/components/form-errors';
import { FormField } from '@/components/form-field';
import { TableHead } from '@/components/table-head';
import { apiSend } from '@/lib/api.client';
import { formatTime } from '@/lib/format.util';
import { checkedForm } from '@/lib/form.util';
import { useMutation } from '@/lib/use-mutation';
import { lines } from '../settings/psa-configuration-fields';

function destination(channel: AlertChannel): string {
  switch (channel.type) {
    case 'webhook':
      return `${channel.config.url} (secret ${channel.config.secretPreview})`;
    case 'slack':
    case 'teams':
      return channel.config.webhookUrlPreview;
    case 'email':
      return `${channel.config.to.join(', ')} via ${channel.config.host}:${channel.config.port}`;
  }
}

function health(channel: AlertChannel): { text: string; className: string } {
  const h = channel.health;
  if (!h.healthy) return { text: `Unhealthy since ${formatTime(h.unhealthySince)}: ${h.lastError ?? 'every delivery failed'}`, className: 'at-risk' };
  if (h.failingSince) return { text: `Failing since ${formatTime(h.failingSince)}: ${h.lastError ?? ''}`, className: 'blocked' };
  if (h.lastSuccessAt) return { text: `Healthy, last delivery ${formatTime(h.lastSuccessAt)}`, className: 'ready' };
  return { text: 'Nothing sent yet', className: 'unknown' };
}

/** The body of a channel from the form, per type (validated with the API's CreateAlertChannelRequest). */
function channelBody(form: FormData, type: AlertChannelType): unknown {
  const text = (key: string) => {
    const value = form.get(key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const base = { name: text('channelName') ?? '', type };
  switch (type) {
    case 'webhook':
      return { ...base, config: { url: text('url') ?? '', ...(text('secret') ? { secret: text('secret') } : {}) } };
    case 'slack':
    case 'teams':
      return { ...base, config: { webhookUrl: text('url') ?? '' } };
    case 'email':
      return {
        ...base,
        config: {
          host: text('host') ?? '',
          port: Number(text('port') ?? 587),
          security: text('security') ?? 'starttls',
          ...(text('username') ? { username: text('username') } : {}),
          ...(text('password') ? { password: text('password') } : {}),
          from: text('from') ?? '',
          to: lines(form.get('to')),
        },
      };
  }
}

/** Alert channels: list with health, create (webhook, Slack, Teams, email), send a test and see the receiver's answer, delete. */
export function ChannelsSection({ channels, orgId, canEdit }: { channels: AlertChannel[]; orgId: string; canEdit: boolean }) {
  const mutation = useMutation();
  const [type, setType] = useState<AlertChannelType>('webhook');
  const [secret, setSecret] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, AlertDelivery>>({});

  async function submit(event: FormEvent<HTMLFormElement>) {
    const saved = await mutation.submitForm(
      event,
      (form) => {
        // The contract's URL refinement parses the URL without guarding, so an unparsable one is refused here first,
        // in the contract's own words.
        const url = form.get('url');
        if (type !== 'email' && (typeof url !== 'string' || !URL.canParse(url.trim()))) return { fields: { url: 'must be an http:// or https:// URL' } };
        return checkedForm(CreateAlertChannelRequest.safeParse(channelBody(form, type)), (fields) => ({
          ...fields,
          channelName: fields.name ?? '',
          url: fields['config.url'] ?? fields['config.webhookUrl'] ?? '',
        }));
      },
      async (body) => AlertChannelSaved.parse(await apiSend('POST', '/api/v1/alert-channels', body, orgId)),
    );
    if (saved) setSecret(saved.signingSecret);
  }

  async function test(channel: AlertChannel) {
    const delivery = await mutation.run(async () => AlertDelivery.parse(await apiSend('POST', `/api/v1/alert-channels/${channel.id}/test`, undefined, orgId)));
    if (delivery) setTests((current) => ({ ...current, [channel.id]: delivery }));
  }

  return (
    <section className="panel" id="channels" aria-labelledby="channels-title">
      <h2 id="channels-title" style={{ marginTop: 0 }}>
        Channels
      </h2>
      {secret ? (
        <div className="notice" role="status">
          <p style={{ margin: 0 }}>The webhook signing secret is shown this once: the receiver verifies the HMAC-SHA256 signature with it.</p>
          <CodeBlock label="Signing secret" code={secret} />
        </div>
      ) : null}
      {channels.length === 0 ? (
        <p className="muted">No channel yet: add one to send alerts somewhere.</p>
      ) : (
        <table className="data" aria-label="Alert channels">
          <TableHead columns={['Name', 'Type', 'Destination', 'Health']} />
          <tbody>
            {channels.map((channel) => {
              const state = health(channel);
              const result = tests[channel.id];
              return (
                <tr key={channel.id} data-channel={channel.name}>
                  <td>
                    {channel.name}
                    {channel.enabled ? '' : ' (disabled)'}
                  </td>
                  <td>{channel.type}</td>
                  <td className="mono small">{destination(channel)}</td>
                  <td>
                    <span className={`badge ${state.className}`}>{state.text}</span>
                    {result ? (
                      <p role="status" className="small" data-test-result={result.status}>
                        Test {result.status}
                        {result.responseCode ? `: the receiver answered HTTP ${result.responseCode}` : ''}
                        {result.lastError ? ` (${result.lastError})` : ''}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    {canEdit ? (
                      <span className="row">
                        <button type="button" className="btn small" disabled={mutation.busy} onClick={() => void test(channel)} aria-label={`Send test to ${channel.name}`}>
                          Send test
                        </button>
                        <DeleteButton mutation={mutation} path={`/api/v1/alert-channels/${channel.id}`} orgId={orgId} label={`Delete channel ${channel.name}`}>
                          Delete
                        </DeleteButton>
                      </span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canEdit ? (
        <form onSubmit={(event) => void submit(event)} noValidate aria-label="New channel">
          <h3>New channel</h3>
          <div className="filters">
            <FormField id="channelName" label="Channel name" required error={mutation.fields.channelName} />
            <div>
              <label htmlFor="channelType">Type</label>
              <select id="channelType" name="channelType" value={type} onChange={(event) => setType(event.target.value as AlertChannelType)}>
                <option value="webhook">Webhook (signed)</option>
                <option value="slack">Slack</option>
                <option value="teams">Microsoft Teams</option>
                <option value="email">Email (SMTP)</option>
              </select>
            </div>
            {type === 'email' ? (
              <>
                <FormField id="host" label="SMTP host" error={mutation.fields['config.host']} />
                <FormField id="port" label="Port" type="number" defaultValue={587} error={mutation.fields['config.port']} />
                <div>
                  <label htmlFor="security">Security</label>
                  <select id="security" name="security" defaultValue="starttls">
                    <option value="starttls">STARTTLS</option>
                    <option value="tls">TLS</option>
                    <option value="none">none (allowed hosts only)</option>
                  </select>
                </div>
                <FormField id="username" label="Username (optional)" autoComplete="off" />
                <FormField id="password" label="Password (optional)" type="password" autoComplete="new-password" />
                <FormField id="from" label="From" type="email" error={mutation.fields['config.from']} />
                <div>
                  <label htmlFor="to">To (one address per line)</label>
                  <textarea id="to" name="to" rows={2} />
                </div>
              </>
            ) : (
              <>
                <FormField id="url" label={type === 'webhook' ? 'Webhook URL' : `${type === 'slack' ? 'Slack' : 'Teams'} webhook URL`} type="url" error={mutation.fields.url} />
                {type === 'webhook' ? <FormField id="secret" label="Signing secret (optional, generated when empty)" autoComplete="off" error={mutation.fields['config.secret']} /> : null}
              </>
            )}
          </div>
          <button className="btn primary" type="submit" disabled={mutation.busy} style={{ marginTop: 8 }}>
            Add channel
          </button>
        </form>
      ) : null}
      <FormErrors fields={Object.fromEntries(Object.entries(mutation.fields).filter(([key]) => !['channelName', 'url', 'name', 'config.url', 'config.webhookUrl'].includes(key)))} message={mutation.message} />
    </section>
  );
}

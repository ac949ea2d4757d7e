'use client';

import { useState, type FormEvent } from 'react';
import { AlertChannelSaved, AlertDelivery, CreateAlertChannelRequest, UpdateAlertChannelRequest, type AlertChannel, type AlertChannelType } from '@ratchet/contracts';

import { CodeBlock } from '@/components/copy-button';
import { DeleteButton } from '@/components/delete-button';
import { FormActions } from '@/components/form-actions';
import { FormErrors } from '@/components/form-errors';
import { FormField } from '@/components/form-field';
import { TableHead } from '@/components/table-head';
import { apiSend } from '@/lib/api.client';
import { formatTime } from '@/lib/format.util';
import { checkedForm, type CheckedForm } from '@/lib/form.util';
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
function channelBody(form: FormData, type: AlertChannelType): { name: string; enabled: boolean; type: AlertChannelType; config: Record<string, unknown> } {
  const text = (key: string) => {
    const value = form.get(key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const base = { name: text('channelName') ?? '', enabled: form.get('enabled') === 'on', type };
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

/** The contract's field paths as the form's field names (the URL is one input whatever the type calls it). */
function formFields(fields: Record<string, string>): Record<string, string> {
  const { name, 'config.url': url, 'config.webhookUrl': webhookUrl, ...rest } = fields;
  return { ...rest, ...(name ? { channelName: name } : {}), ...(url || webhookUrl ? { url: url ?? webhookUrl ?? '' } : {}) };
}

/** The fields shown next to their input, left out of the list under the form. */
const INLINE_FIELDS = ['channelName', 'url', 'config.secret', 'config.host', 'config.port', 'config.username', 'config.password', 'config.from', 'config.to'];

/**
 * The form's body checked with the contracts: CreateAlertChannelRequest for a new channel; for an edit, the same
 * check of the settings (so a bad URL is refused in the browser alike), then the PATCH body UpdateAlertChannelRequest
 * `{ name, enabled, config?, rotateSecret? }`. Secrets left empty are left out, and the API keeps the stored ones;
 * a Slack or Teams URL (itself a credential, read back only as a preview) left empty leaves `config` out entirely.
 */
function checkChannel(form: FormData, type: AlertChannelType, channel: AlertChannel | null): CheckedForm<unknown> {
  const url = form.get('url');
  const urlGiven = typeof url === 'string' && url.trim() !== '';
  const keepsConfig = channel !== null && (type === 'slack' || type === 'teams') && !urlGiven;
  // The contract's URL refinement parses the URL without guarding, so an unparsable one is refused here first,
  // in the contract's own words.
  if (type !== 'email' && !keepsConfig && (typeof url !== 'string' || !URL.canParse(url.trim()))) return { fields: { url: 'must be an http:// or https:// URL' } };
  const body = channelBody(form, type);
  if (channel === null) return checkedForm<unknown>(CreateAlertChannelRequest.safeParse(body), formFields);
  const settings = keepsConfig ? null : CreateAlertChannelRequest.safeParse(body);
  if (settings && !settings.success) return checkedForm<unknown>(settings, formFields);
  const rotate = type === 'webhook' && form.get('rotateSecret') === 'on';
  return checkedForm<unknown>(
    UpdateAlertChannelRequest.safeParse({
      name: body.name,
      enabled: body.enabled,
      ...(settings ? { config: settings.data.config } : {}),
      ...(rotate ? { rotateSecret: true } : {}),
    }),
    formFields,
  );
}

/** One form for a new channel and for editing one: the type of an existing channel stays, its secrets stay unless retyped. */
function ChannelForm({ channel, orgId, onSaved, onDone }: { channel: AlertChannel | null; orgId: string; onSaved: (saved: AlertChannelSaved) => void; onDone: () => void }) {
  const mutation = useMutation();
  const [type, setType] = useState<AlertChannelType>(channel?.type ?? 'webhook');
  const id = channel ? `channel-${channel.id}` : 'channel-new';
  const f = (key: string) => `${id}-${key}`;
  const email = channel?.type === 'email' ? channel.config : null;
  // The browser's check and the API's 400 both land by field: the API's paths (`config.url`) renamed like the browser's.
  const fields = formFields(mutation.fields);

  async function submit(event: FormEvent<HTMLFormElement>) {
    const saved = await mutation.submitForm(
      event,
      (form) => checkChannel(form, type, channel),
      async (body) => AlertChannelSaved.parse(await apiSend(channel ? 'PATCH' : 'POST', channel ? `/api/v1/alert-channels/${channel.id}` : '/api/v1/alert-channels', body, orgId)),
    );
    if (saved) {
      onSaved(saved);
      onDone();
    }
  }

  const unchanged = channel ? 'unchanged' : undefined;
  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label={channel ? `Edit channel ${channel.name}` : 'New channel'} className={channel ? 'panel' : undefined}>
      <div className="filters">
        <FormField id={f('name')} name="channelName" label="Channel name" required defaultValue={channel?.name ?? ''} error={fields.channelName} />
        <div>
          <label htmlFor={f('type')}>Type</label>
          <select id={f('type')} value={type} disabled={channel !== null} onChange={(event) => setType(event.target.value as AlertChannelType)}>
            <option value="webhook">Webhook (signed)</option>
            <option value="slack">Slack</option>
            <option value="teams">Microsoft Teams</option>
            <option value="email">Email (SMTP)</option>
          </select>
        </div>
        {type === 'email' ? (
          <>
            <FormField id={f('host')} name="host" label="SMTP host" defaultValue={email?.host ?? ''} error={fields['config.host']} />
            <FormField id={f('port')} name="port" label="Port" type="number" defaultValue={email?.port ?? 587} error={fields['config.port']} />
            <div>
              <label htmlFor={f('security')}>Security</label>
              <select id={f('security')} name="security" defaultValue={email?.security ?? 'starttls'}>
                <option value="starttls">STARTTLS</option>
                <option value="tls">TLS</option>
                <option value="none">none (allowed hosts only)</option>
              </select>
            </div>
            <FormField id={f('username')} name="username" label="Username (optional)" autoComplete="off" defaultValue={email?.username ?? ''} error={fields['config.username']} />
            <FormField
              id={f('password')}
              name="password"
              label={email?.passwordSet ? 'Password (unchanged unless typed)' : 'Password (optional)'}
              type="password"
              autoComplete="new-password"
              placeholder={email?.passwordSet ? 'unchanged' : undefined}
              error={fields['config.password']}
            />
            <FormField id={f('from')} name="from" label="From" type="email" defaultValue={email?.from ?? ''} error={fields['config.from']} />
            <div>
              <label htmlFor={f('to')}>To (one address per line)</label>
              <textarea
                id={f('to')}
                name="to"
                rows={2}
                defaultValue={email?.to.join('\n') ?? ''}
                aria-invalid={fields['config.to'] ? true : undefined}
                aria-describedby={fields['config.to'] ? `${f('to')}-error` : undefined}
              />
              {fields['config.to'] ? (
                <div id={`${f('to')}-error`} className="field-error">
                  {fields['config.to']}
                </div>
              ) : null}
            </div>
          </>
        ) : (
          <>
            <FormField
              id={f('url')}
              name="url"
              label={type === 'webhook' ? 'Webhook URL' : `${type === 'slack' ? 'Slack' : 'Teams'} webhook URL${channel ? ' (unchanged unless typed)' : ''}`}
              type="url"
              // A webhook's URL is shown in full; a Slack or Teams URL is a credential, read back as a preview only.
              defaultValue={channel?.type === 'webhook' ? channel.config.url : ''}
              placeholder={channel?.type === 'slack' || channel?.type === 'teams' ? 'unchanged' : undefined}
              error={fields.url}
            />
            {type === 'webhook' ? (
              <FormField
                id={f('secret')}
                name="secret"
                label={channel ? 'Signing secret (unchanged unless typed)' : 'Signing secret (optional, generated when empty)'}
                autoComplete="off"
                placeholder={unchanged}
                error={fields['config.secret']}
              />
            ) : null}
          </>
        )}
        <div>
          <label className="check">
            <input type="checkbox" name="enabled" defaultChecked={channel?.enabled ?? true} /> Enabled
          </label>
          {channel?.type === 'webhook' ? (
            <label className="check">
              <input type="checkbox" name="rotateSecret" /> Make a new signing secret (shown once)
            </label>
          ) : null}
        </div>
      </div>
      <FormActions submitLabel={channel ? 'Save channel' : 'Add channel'} busy={mutation.busy} onCancel={channel ? onDone : undefined} />
      <FormErrors fields={Object.fromEntries(Object.entries(fields).filter(([key]) => !INLINE_FIELDS.includes(key)))} message={mutation.message} />
    </form>
  );
}

/** Alert channels: list with health, create and edit (webhook, Slack, Teams, email; the type stays), send a test and see the receiver's answer, delete. */
export function ChannelsSection({ channels, orgId, canEdit }: { channels: AlertChannel[]; orgId: string; canEdit: boolean }) {
  const mutation = useMutation();
  const [editing, setEditing] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [secret, setSecret] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, AlertDelivery>>({});
  const onSaved = (saved: AlertChannelSaved) => setSecret(saved.signingSecret);

  async function test(channel: AlertChannel) {
    const delivery = await mutation.run(async () => AlertDelivery.parse(await apiSend('POST', `/api/v1/alert-channels/${channel.id}/test`, undefined, orgId)));
    if (delivery) setTests((current) => ({ ...current, [channel.id]: delivery }));
  }

  const editedChannel = channels.find((c) => c.id === editing) ?? null;
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
                        <button type="button" className="btn small" aria-label={`Edit channel ${channel.name}`} onClick={() => setEditing(editing === channel.id ? null : channel.id)}>
                          Edit
                        </button>
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
      {canEdit && editedChannel ? <ChannelForm key={editedChannel.id} channel={editedChannel} orgId={orgId} onSaved={onSaved} onDone={() => setEditing(null)} /> : null}
      {canEdit && !editedChannel ? (
        <>
          <h3>New channel</h3>
          <ChannelForm key={formKey} channel={null} orgId={orgId} onSaved={onSaved} onDone={() => setFormKey((k) => k + 1)} />
        </>
      ) : null}
      <FormErrors fields={mutation.fields} message={mutation.message} />
    </section>
  );
}

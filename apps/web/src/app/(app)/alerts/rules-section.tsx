'use client';

import { useState, type FormEvent } from 'react';
import { AlertRule, AlertTrigger, CreateAlertRuleRequest, LEVEL_TRIGGERS, UpdateAlertRuleRequest, type AlertRule as AlertRuleType } from '@ratchet/contracts';

import { AlertMessage } from '@/components/alert-message';
import { DeleteButton } from '@/components/delete-button';
import { FormActions } from '@/components/form-actions';
import { FormErrors } from '@/components/form-errors';
import { FormField } from '@/components/form-field';
import { TableHead } from '@/components/table-head';
import { apiSend } from '@/lib/api.client';
import { checkedForm } from '@/lib/form.util';
import { useMutation } from '@/lib/use-mutation';
import { lines } from '../settings/psa-configuration-fields';

const TRIGGER_TEXT: Record<AlertTrigger, string> = {
  namespace_ready: 'Namespace ready to enforce a level',
  namespace_at_risk: 'Namespace at risk',
  readiness_regressed: 'Readiness regressed (ready → blocked)',
  new_violation: 'New audit or warn violation',
  privileged_namespace: 'Privileged namespace outside the allowlist',
  agent_silent: 'Agent silent',
};

type Named = { id: string; name: string };

/** `key=value` lines as matchLabels; null when there are none. */
function labelSelector(value: FormDataEntryValue | null): unknown {
  const entries = lines(value).map((line): [string, string] => {
    const at = line.indexOf('=');
    return at < 0 ? [line, ''] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
  });
  return entries.length === 0 ? null : { matchLabels: Object.fromEntries(entries), matchExpressions: [] };
}

/** The rule the form holds (unvalidated; the caller parses it with the API's contract). */
function ruleFields(form: FormData, trigger: AlertTrigger) {
  const text = (key: string) => (typeof form.get(key) === 'string' ? (form.get(key) as string).trim() : '');
  const level = text('level');
  return {
    name: text('ruleName'),
    description: text('description') || null,
    enabled: form.get('enabled') === 'on',
    level: LEVEL_TRIGGERS.includes(trigger) && level ? level : null,
    silentMinutes: trigger === 'agent_silent' ? Number(text('silentMinutes') || 15) : null,
    minSeverity: text('minSeverity') || 'info',
    cooldownMinutes: Number(text('cooldownMinutes') || 60),
    scope: {
      clusterIds: form.getAll('clusterIds').filter((v): v is string => typeof v === 'string'),
      includeNamespaces: lines(form.get('includeNamespaces')),
      excludeNamespaces: lines(form.get('excludeNamespaces')),
      labelSelector: labelSelector(form.get('matchLabels')),
    },
    channelIds: form.getAll('channelIds').filter((v): v is string => typeof v === 'string'),
  };
}

function RuleForm({ rule, channels, clusters, orgId, onDone }: { rule: AlertRuleType | null; channels: Named[]; clusters: Named[]; orgId: string; onDone: () => void }) {
  const mutation = useMutation();
  const [trigger, setTrigger] = useState<AlertTrigger>(rule?.trigger ?? 'namespace_ready');
  const id = rule ? `rule-${rule.id}` : 'rule-new';

  async function submit(event: FormEvent<HTMLFormElement>) {
    const saved = await mutation.submitForm(
      event,
      (form) => {
        const fields = ruleFields(form, trigger);
        return checkedForm<unknown>(rule ? UpdateAlertRuleRequest.safeParse(fields) : CreateAlertRuleRequest.safeParse({ ...fields, trigger }));
      },
      async (body) => AlertRule.parse(await apiSend(rule ? 'PATCH' : 'POST', rule ? `/api/v1/alert-rules/${rule.id}` : '/api/v1/alert-rules', body, orgId)),
    );
    if (saved) onDone();
  }

  const f = (key: string) => `${id}-${key}`;
  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'} className="panel">
      <div className="filters">
        <div>
          <label htmlFor={f('name')}>Rule name</label>
          <input id={f('name')} name="ruleName" defaultValue={rule?.name ?? ''} aria-invalid={mutation.fields.name ? true : undefined} />
        </div>
        <div>
          <label htmlFor={f('trigger')}>Trigger</label>
          <select id={f('trigger')} value={trigger} disabled={rule !== null} onChange={(event) => setTrigger(event.target.value as AlertTrigger)}>
            {AlertTrigger.options.map((t) => (
              <option key={t} value={t}>
                {TRIGGER_TEXT[t]}
              </option>
            ))}
          </select>
        </div>
        {LEVEL_TRIGGERS.includes(trigger) ? (
          <div>
            <label htmlFor={f('level')}>Level</label>
            <select id={f('level')} name="level" defaultValue={rule?.level ?? ''}>
              <option value="">baseline and restricted</option>
              <option value="baseline">baseline</option>
              <option value="restricted">restricted</option>
            </select>
          </div>
        ) : null}
        {trigger === 'agent_silent' ? <FormField id={f('silent')} name="silentMinutes" label="Silent for (minutes)" type="number" min={2} defaultValue={rule?.silentMinutes ?? 15} /> : null}
        <div>
          <label htmlFor={f('severity')}>Minimum severity</label>
          <select id={f('severity')} name="minSeverity" defaultValue={rule?.minSeverity ?? 'info'}>
            <option value="info">info</option>
            <option value="warning">warning</option>
            <option value="critical">critical</option>
          </select>
        </div>
        <FormField id={f('cooldown')} name="cooldownMinutes" label="Cooldown (minutes)" type="number" min={0} defaultValue={rule?.cooldownMinutes ?? 60} />
      </div>
      <div className="filters">
        <div>
          <label htmlFor={f('include')}>Include namespaces (globs, one per line; empty: all)</label>
          <textarea id={f('include')} name="includeNamespaces" rows={2} defaultValue={rule?.scope.includeNamespaces.join('\n') ?? ''} />
        </div>
        <div>
          <label htmlFor={f('exclude')}>Exclude namespaces (globs, one per line)</label>
          <textarea id={f('exclude')} name="excludeNamespaces" rows={2} defaultValue={rule?.scope.excludeNamespaces.join('\n') ?? ''} />
        </div>
        <div>
          <label htmlFor={f('labels')}>Namespace labels (key=value, one per line)</label>
          <textarea
            id={f('labels')}
            name="matchLabels"
            rows={2}
            defaultValue={Object.entries(rule?.scope.labelSelector?.matchLabels ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join('\n')}
          />
        </div>
      </div>
      <div className="filters">
        <fieldset>
          <legend>Clusters (none checked: all)</legend>
          {clusters.map((cluster) => (
            <label key={cluster.id} className="check">
              <input type="checkbox" name="clusterIds" value={cluster.id} defaultChecked={rule?.scope.clusterIds.includes(cluster.id) ?? false} /> {cluster.name}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Channels</legend>
          {channels.length === 0 ? <p className="small muted">Add a channel first.</p> : null}
          {channels.map((channel) => (
            <label key={channel.id} className="check">
              <input type="checkbox" name="channelIds" value={channel.id} defaultChecked={rule?.channelIds.includes(channel.id) ?? channels.length === 1} /> {channel.name}
            </label>
          ))}
        </fieldset>
        <div>
          <label className="check">
            <input type="checkbox" name="enabled" defaultChecked={rule?.enabled ?? true} /> Enabled
          </label>
          <FormField id={f('description')} name="description" label="Description (optional)" defaultValue={rule?.description ?? ''} />
        </div>
      </div>
      <FormActions submitLabel={rule ? 'Save rule' : 'Create rule'} busy={mutation.busy} onCancel={rule ? onDone : undefined} />
      <FormErrors fields={mutation.fields} message={mutation.message} />
    </form>
  );
}

/** Alert rules: list, create, edit (the trigger stays), delete. Viewers see the list only. */
export function RulesSection({ rules, channels, clusters, orgId, canEdit }: { rules: AlertRuleType[]; channels: Named[]; clusters: Named[]; orgId: string; canEdit: boolean }) {
  const mutation = useMutation();
  const [editing, setEditing] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const clusterName = new Map(clusters.map((c) => [c.id, c.name]));
  return (
    <section className="panel" id="rules" aria-labelledby="rules-title">
      <h2 id="rules-title" style={{ marginTop: 0 }}>
        Rules
      </h2>
      {rules.length === 0 ? (
        <p className="muted">No rule yet: a rule says which changes to send to which channels.</p>
      ) : (
        <table className="data" aria-label="Alert rules">
          <TableHead columns={['Name', 'Trigger', 'Scope', 'Min severity', 'Channels']} />
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id} data-rule={rule.name}>
                <td>
                  {rule.name}
                  {rule.enabled ? '' : ' (disabled)'}
                </td>
                <td>
                  {TRIGGER_TEXT[rule.trigger]}
                  {rule.level ? ` (${rule.level})` : ''}
                  {rule.silentMinutes ? ` after ${rule.silentMinutes} min` : ''}
                </td>
                <td className="small">
                  {rule.scope.clusterIds.length ? rule.scope.clusterIds.map((id) => clusterName.get(id) ?? id).join(', ') : 'all clusters'}
                  {rule.scope.includeNamespaces.length ? `; ${rule.scope.includeNamespaces.join(', ')}` : ''}
                  {rule.scope.excludeNamespaces.length ? `; not ${rule.scope.excludeNamespaces.join(', ')}` : ''}
                </td>
                <td>{rule.minSeverity}</td>
                <td>{rule.channelIds.map((id) => channelName.get(id) ?? id).join(', ')}</td>
                <td>
                  {canEdit ? (
                    <span className="row">
                      <button type="button" className="btn small" aria-label={`Edit rule ${rule.name}`} onClick={() => setEditing(editing === rule.id ? null : rule.id)}>
                        Edit
                      </button>
                      <DeleteButton mutation={mutation} path={`/api/v1/alert-rules/${rule.id}`} orgId={orgId} label={`Delete rule ${rule.name}`}>
                        Delete
                      </DeleteButton>
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && editing ? (
        <RuleForm key={editing} rule={rules.find((r) => r.id === editing) ?? null} channels={channels} clusters={clusters} orgId={orgId} onDone={() => setEditing(null)} />
      ) : null}
      {canEdit && !editing ? (
        <>
          <h3>New rule</h3>
          <RuleForm key={formKey} rule={null} channels={channels} clusters={clusters} orgId={orgId} onDone={() => setFormKey((k) => k + 1)} />
        </>
      ) : null}
      <AlertMessage message={mutation.message} />
    </section>
  );
}

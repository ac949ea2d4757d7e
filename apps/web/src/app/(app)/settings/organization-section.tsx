'use client';

import { useState, type FormEvent } from 'react';
import { OrganizationSettings, UpdateClusterRequest, UpdateOrganizationSettingsRequest, type ClusterSummary } from '@ratchet/contracts';

import { FormErrors } from '@/components/form-errors';
import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { formatTime } from '@/lib/format.util';
import { zodFieldErrors } from '@/lib/form.util';
import { lines, PsaConfigurationFields, readPsaConfiguration } from './psa-configuration-fields';
import { useMutation } from '@/lib/use-mutation';

/** The organization's readiness window, privileged allowlist, audit retention and default PSA configuration. */
export function OrganizationSection({ settings, orgId, canEdit }: { settings: OrganizationSettings; orgId: string; canEdit: boolean }) {
  const mutation = useMutation();
  const [saved, setSaved] = useState(false);
  const [useDefault, setUseDefault] = useState(settings.defaultPsaConfiguration !== null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const parsed = UpdateOrganizationSettingsRequest.safeParse({
      readinessWindowDays: Number(form.get('readinessWindowDays')),
      auditRetentionDays: Number(form.get('auditRetentionDays')),
      privilegedNamespaceAllowlist: lines(form.get('privilegedNamespaceAllowlist')),
      defaultPsaConfiguration: useDefault ? readPsaConfiguration(form, 'org') : null,
    });
    if (!parsed.success) {
      mutation.setFields(zodFieldErrors(parsed.error));
      return;
    }
    const result = await mutation.run(async () => OrganizationSettings.parse(await apiSend('PATCH', '/api/v1/organization/settings', parsed.data, orgId)));
    if (result) setSaved(true);
  }

  return (
    <section className="panel" id="organization" aria-labelledby="organization-title">
      <h2 id="organization-title" style={{ marginTop: 0 }}>
        Organization
      </h2>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <fieldset disabled={!canEdit || mutation.busy} style={{ border: 0, padding: 0 }}>
          <div className="filters">
            <FormField
              id="readinessWindowDays"
              label="Readiness window (days)"
              type="number"
              min={1}
              max={90}
              defaultValue={settings.readinessWindowDays}
              error={mutation.fields.readinessWindowDays}
            />
            <FormField
              id="auditRetentionDays"
              label="Audit event retention (days)"
              type="number"
              min={1}
              max={400}
              defaultValue={settings.auditRetentionDays}
              error={mutation.fields.auditRetentionDays}
            />
            <div>
              <label htmlFor="privilegedNamespaceAllowlist">Privileged namespace allowlist (one per line)</label>
              <textarea id="privilegedNamespaceAllowlist" name="privilegedNamespaceAllowlist" rows={4} defaultValue={settings.privilegedNamespaceAllowlist.join('\n')} />
            </div>
          </div>
          <p>
            <label className="check">
              <input type="checkbox" checked={useDefault} onChange={(event) => setUseDefault(event.target.checked)} /> Assume a default PSA configuration for clusters
              without their own (otherwise upstream&apos;s: privileged, latest, no exemptions)
            </label>
          </p>
          {useDefault ? <PsaConfigurationFields prefix="org" value={settings.defaultPsaConfiguration} /> : null}
          {canEdit ? (
            <button className="btn primary" type="submit" style={{ marginTop: 8 }}>
              Save organization settings
            </button>
          ) : (
            <p className="small muted">Only owners and admins change these.</p>
          )}
        </fieldset>
      </form>
      <p className="small muted">Last changed {formatTime(settings.updatedAt)}.</p>
      {saved ? (
        <p role="status" className="small">
          Saved. Readiness is being recomputed with the new settings.
        </p>
      ) : null}
      <FormErrors fields={mutation.fields} message={mutation.message} />
    </section>
  );
}

/** A cluster's PSA configuration override (wins over the agent's report and the organization's default). */
export function ClusterPsaSection({ clusters, orgId, canEdit }: { clusters: ClusterSummary[]; orgId: string; canEdit: boolean }) {
  const mutation = useMutation();
  const [clusterId, setClusterId] = useState(clusters[0]?.id ?? '');
  const cluster = clusters.find((c) => c.id === clusterId);
  const [saved, setSaved] = useState('');

  async function save(event: FormEvent<HTMLFormElement>, remove: boolean) {
    event.preventDefault();
    setSaved('');
    const form = new FormData(event.currentTarget);
    const parsed = UpdateClusterRequest.safeParse({ psaConfiguration: remove ? null : readPsaConfiguration(form, 'cluster') });
    if (!parsed.success) {
      mutation.setFields(zodFieldErrors(parsed.error));
      return;
    }
    const result = await mutation.run(() => apiSend('PATCH', `/api/v1/clusters/${clusterId}`, parsed.data, orgId));
    if (result !== undefined) setSaved(remove ? 'Override removed.' : 'Override saved.');
  }

  if (!cluster) return null;
  return (
    <section className="panel" id="cluster-psa" aria-labelledby="cluster-psa-title">
      <h2 id="cluster-psa-title" style={{ marginTop: 0 }}>
        Cluster Pod Security configuration
      </h2>
      <div>
        <label htmlFor="psa-cluster">Cluster</label>
        <select id="psa-cluster" value={clusterId} onChange={(event) => setClusterId(event.target.value)}>
          {clusters.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <p className="small">
        In effect: from <strong data-testid="psa-source">{cluster.effectivePsaConfiguration.source}</strong> (default enforce{' '}
        {cluster.effectivePsaConfiguration.configuration.defaults.enforce}:{cluster.effectivePsaConfiguration.configuration.defaults['enforce-version']}).{' '}
        {cluster.psaConfigurationOverride ? 'An override set here wins over the agent’s report.' : 'No override: the agent’s report, else the organization default, applies.'}
      </p>
      <form key={clusterId} onSubmit={(event) => void save(event, event.nativeEvent.submitter?.getAttribute('value') === 'remove')} noValidate>
        <PsaConfigurationFields prefix="cluster" value={cluster.psaConfigurationOverride ?? cluster.effectivePsaConfiguration.configuration} disabled={!canEdit || mutation.busy} />
        {canEdit ? (
          <div className="row" style={{ marginTop: 8 }}>
            <button className="btn primary" type="submit" value="save" disabled={mutation.busy}>
              Save override
            </button>
            {cluster.psaConfigurationOverride ? (
              <button className="btn danger" type="submit" value="remove" disabled={mutation.busy}>
                Remove override
              </button>
            ) : null}
          </div>
        ) : null}
      </form>
      {saved ? (
        <p role="status" className="small">
          {saved}
        </p>
      ) : null}
      <FormErrors fields={mutation.fields} message={mutation.message} />
    </section>
  );
}

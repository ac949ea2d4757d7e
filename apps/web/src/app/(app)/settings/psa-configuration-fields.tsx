'use client';

import type { PsaConfiguration } from '@ratchet/contracts';

const MODES = ['enforce', 'audit', 'warn'] as const;
const EXEMPTIONS = [
  ['namespaces', 'Exempt namespaces'],
  ['usernames', 'Exempt usernames'],
  ['runtimeClasses', 'Exempt runtime classes'],
] as const;

/**
 * The fields of an upstream PodSecurityConfiguration (defaults and exemptions), named `${prefix}.<field>` so one
 * form can hold it; read back with readPsaConfiguration. Lists are one entry per line.
 */
export function PsaConfigurationFields({ prefix, value, disabled }: { prefix: string; value: PsaConfiguration | null; disabled?: boolean }) {
  return (
    <fieldset disabled={disabled} style={{ border: '1px solid var(--border)', borderRadius: 6 }}>
      <legend>Pod Security admission configuration</legend>
      <div className="filters">
        {MODES.map((mode) => (
          <div key={mode} className="row">
            <div>
              <label htmlFor={`${prefix}-${mode}`}>Default {mode}</label>
              <select id={`${prefix}-${mode}`} name={`${prefix}.${mode}`} defaultValue={value?.defaults[mode] ?? 'privileged'}>
                <option value="privileged">privileged</option>
                <option value="baseline">baseline</option>
                <option value="restricted">restricted</option>
              </select>
            </div>
            <div>
              <label htmlFor={`${prefix}-${mode}-version`}>{mode} version</label>
              <input id={`${prefix}-${mode}-version`} name={`${prefix}.${mode}-version`} defaultValue={value?.defaults[`${mode}-version`] ?? 'latest'} size={7} />
            </div>
          </div>
        ))}
      </div>
      <div className="filters">
        {EXEMPTIONS.map(([key, label]) => (
          <div key={key}>
            <label htmlFor={`${prefix}-${key}`}>{label} (one per line)</label>
            <textarea id={`${prefix}-${key}`} name={`${prefix}.${key}`} rows={3} defaultValue={(value?.exemptions[key] ?? []).join('\n')} />
          </div>
        ))}
      </div>
    </fieldset>
  );
}

/** Lines of a textarea, trimmed, empty ones dropped. */
export function lines(value: FormDataEntryValue | null): string[] {
  return typeof value === 'string'
    ? value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
    : [];
}

/** The configuration the fields hold (unvalidated: the caller parses it with the request's contract). */
export function readPsaConfiguration(form: FormData, prefix: string): unknown {
  const defaults: Record<string, unknown> = {};
  for (const mode of MODES) {
    defaults[mode] = form.get(`${prefix}.${mode}`);
    defaults[`${mode}-version`] = form.get(`${prefix}.${mode}-version`);
  }
  return {
    defaults,
    exemptions: Object.fromEntries(EXEMPTIONS.map(([key]) => [key, lines(form.get(`${prefix}.${key}`))])),
  };
}

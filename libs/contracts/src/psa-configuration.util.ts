import { PsaConfiguration } from './ingest.contract.js';
import type { PsaConfigurationSource } from './query.contract.js';

// Stored JSON was validated when written; a row that no longer parses (written by hand, an older shape) is skipped
// rather than failing a page, and the next source in precedence applies.
const Stored = PsaConfiguration.nullable().catch(null);

/** A cluster's effective Pod Security admission configuration and where it comes from. */
export interface EffectivePsaConfiguration {
  source: PsaConfigurationSource;
  configuration: PsaConfiguration;
}

/**
 * The configuration readiness, at-risk and coverage use for a cluster, by precedence: set through the API
 * (`clusters.psa_configuration_override`), else reported by the agent's heartbeat (`clusters.psa_configuration`),
 * else the organization's `defaultPsaConfiguration`, else upstream's defaults (every mode privileged at latest, no
 * exemptions: `admission/api/v1/defaults.go`). Arguments are stored JSON (null when absent).
 */
export function resolvePsaConfiguration(apiSet: unknown, agentReported: unknown, organizationDefault: unknown): EffectivePsaConfiguration {
  const candidates: [PsaConfigurationSource, unknown][] = [
    ['api', apiSet],
    ['agent', agentReported],
    ['organization', organizationDefault],
  ];
  for (const [source, stored] of candidates) {
    const configuration = Stored.parse(stored ?? null);
    if (configuration !== null) return { source, configuration };
  }
  return { source: 'upstream', configuration: PsaConfiguration.parse({}) };
}

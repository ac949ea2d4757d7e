import { describe, expect, it } from '@jest/globals';

import { PsaConfiguration, resolvePsaConfiguration } from '../src/index.js';

const config = (enforce: 'baseline' | 'restricted' | 'privileged') => PsaConfiguration.parse({ defaults: { enforce } });

describe('resolvePsaConfiguration', () => {
  it('takes the API-set configuration over the agent-reported one over the organization default over upstream', () => {
    expect(resolvePsaConfiguration(config('restricted'), config('baseline'), config('privileged'))).toEqual({ source: 'api', configuration: config('restricted') });
    expect(resolvePsaConfiguration(null, config('baseline'), config('privileged'))).toEqual({ source: 'agent', configuration: config('baseline') });
    expect(resolvePsaConfiguration(null, null, config('restricted'))).toEqual({ source: 'organization', configuration: config('restricted') });
    expect(resolvePsaConfiguration(null, undefined, null)).toEqual({ source: 'upstream', configuration: PsaConfiguration.parse({}) });
  });

  it('skips a stored value that no longer parses instead of failing', () => {
    expect(resolvePsaConfiguration({ defaults: { enforce: 'strict' } }, config('baseline'), null).source).toBe('agent');
  });
});

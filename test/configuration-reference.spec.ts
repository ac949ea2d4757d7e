import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { CONFIGURATION_DOC, configurationReference, variablesOf } from '../scripts/config-reference.js';

describe('docs/configuration.md', () => {
  it('is what the apps\' configuration schemas generate (run npm run docs:config after changing a schema)', () => {
    expect(readFileSync(CONFIGURATION_DOC, 'utf8')).toBe(configurationReference());
  });

  it('marks credentials secret: database and Redis URLs, SMTP URL, agent and simulator tokens', () => {
    const secret = [...configurationReference().matchAll(/^\| `(\w+)` \| [^|]+ \| yes \|/gm)].map((m) => m[1]);
    expect([...new Set(secret)].sort()).toEqual(['DATABASE_URL', 'RATCHET_AGENT_TOKEN', 'RATCHET_SIM_TOKEN', 'RATCHET_SMTP_URL', 'REDIS_URL']);
  });

  it('refuses a variable without a description, and reads defaults through wrappers', () => {
    expect(() => variablesOf(z.object({ UNDOCUMENTED: z.string() }))).toThrow(/UNDOCUMENTED has no .meta\(\{ description \}\)/);
    const sut = variablesOf(
      z.object({
        A: z.coerce.number().default(3).meta({ description: 'a' }),
        B: z.string().optional().meta({ description: 'b', secret: true }),
        C: z.string().meta({ description: 'c' }),
      }),
    );
    expect(sut).toEqual([
      { variable: 'A', defaultValue: '3', secret: false, description: 'a' },
      { variable: 'B', defaultValue: '(unset)', secret: true, description: 'b' },
      { variable: 'C', defaultValue: '(required)', secret: false, description: 'c' },
    ]);
  });
});

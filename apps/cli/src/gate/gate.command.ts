import type { Writable } from 'node:stream';

import { fetchGate } from './gate-client.js';
import type { GateRequest } from './gate-client.js';
import { parseGateEnv } from './gate-env.util.js';
import { renderGateText } from './gate-report.js';

export interface GateOptions extends GateRequest {
  output: 'text' | 'json';
}

/** `ratchet gate`: 0 ready, 1 not ready; errors (GateError) are the caller's exit 2. */
export async function runGate(options: GateOptions, env: NodeJS.ProcessEnv, stdout: Writable): Promise<number> {
  const result = await fetchGate(parseGateEnv(env), options);
  const text = options.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderGateText(result);
  await new Promise<void>((resolve, reject) => stdout.write(text, (error) => (error ? reject(error) : resolve())));
  return result.verdict === 'ready' ? 0 : 1;
}

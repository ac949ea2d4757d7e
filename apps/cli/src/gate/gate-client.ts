import { ErrorResponse, GateResult } from '@ratchet/contracts';

import type { GateEnv } from './gate-env.util.js';
import { GateError } from './gate-env.util.js';

/** What to ask the gate. */
export interface GateRequest {
  clusterId: string;
  level: 'baseline' | 'restricted';
  version: string;
  namespaces?: string[];
  /** Per HTTP request, in ms. */
  timeoutMs: number;
  /** How long 503 answers (an evaluation the API queued) are retried, after their Retry-After, in ms. */
  waitMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `GET /api/v1/clusters/:clusterId/gate` with the API token. Retries a 503 after its Retry-After while
 * `waitMs` lasts (the API queued an evaluation a later call reads); throws GateError with the API's message for any
 * other error status, a network failure, or an answer that is not a GateResult.
 */
export async function fetchGate(env: GateEnv, request: GateRequest, now: () => number = Date.now): Promise<GateResult> {
  const url = new URL(`/api/v1/clusters/${encodeURIComponent(request.clusterId)}/gate`, env.RATCHET_API_URL);
  url.searchParams.set('level', request.level);
  url.searchParams.set('version', request.version);
  if (request.namespaces && request.namespaces.length > 0) url.searchParams.set('namespaces', request.namespaces.join(','));
  const deadline = now() + request.waitMs;
  for (;;) {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${env.RATCHET_API_TOKEN}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(request.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new GateError(`cannot reach ${url.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new GateError(`${url.origin} answered ${response.status} with a body that is not JSON: is RATCHET_API_URL the Ratchet URL?`);
    }
    if (response.ok) {
      const parsed = GateResult.safeParse(body);
      if (!parsed.success) throw new GateError(`${url.origin} answered ${response.status} with something that is not a gate result: is RATCHET_API_URL the Ratchet URL?`);
      return parsed.data;
    }
    const error = ErrorResponse.safeParse(body);
    const message = error.success ? `${error.data.code}: ${error.data.message}` : `HTTP ${response.status}`;
    const retryAfter = Number(response.headers.get('retry-after') ?? '');
    if (response.status === 503 && Number.isFinite(retryAfter) && now() + retryAfter * 1000 <= deadline) {
      await sleep(retryAfter * 1000);
      continue;
    }
    throw new GateError(`the API answered ${response.status}: ${message}`);
  }
}

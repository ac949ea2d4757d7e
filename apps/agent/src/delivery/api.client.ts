import { IDEMPOTENCY_KEY_HEADER } from '@ratchet/contracts';
import { fetch } from 'undici';

/** The API's answer to one POST: status and parsed JSON body (undefined when it was not JSON). */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/**
 * Posts JSON to the Ratchet API with the agent token; network failures reject. Sends with undici's `fetch`, the
 * HTTP client the Kubernetes calls already load, rather than Node's global `fetch`: that one is a second copy of
 * undici inside Node, loaded at the first POST with its own HTTP parser (a first global `fetch` takes a bare Node from 45 to 59 MB RSS).
 */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  /** `body` is sent as is when it is a string (already JSON), else serialized. */
  async post(path: string, idempotencyKey: string, body: unknown): Promise<ApiAnswer> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${this.token}`,
        'Content-Type': 'application/json',
        [IDEMPOTENCY_KEY_HEADER]: idempotencyKey,
        'User-Agent': 'ratchet-agent',
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  }
}

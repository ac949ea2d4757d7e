import { postPinned } from '../outbound/pinned-http.js';
import { failedSend } from './alert-channel.js';
import type { SendContext, SendResult } from './alert-channel.js';

/** POSTs a JSON document through the outbound guard; a 2xx is a success. */
export async function postJson(url: string, document: unknown, context: SendContext): Promise<SendResult> {
  try {
    const answer = await postPinned(url, JSON.stringify(document), context.policy, { timeoutMs: context.timeoutMs, headers: {} });
    const ok = answer.status >= 200 && answer.status < 300;
    return { ok, responseCode: answer.status, responseExcerpt: answer.excerpt, error: ok ? null : `the receiver answered ${answer.status}` };
  } catch (error) {
    return failedSend(error);
  }
}

import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

import { OutboundRefusedError, pinOutboundHost } from './outbound-address.js';
import type { OutboundPolicy } from './outbound-address.js';

/** What a receiver answered: its status and the first EXCERPT_BYTES of its body. */
export interface HttpAnswer {
  status: number;
  excerpt: string;
}

/** Bytes of a receiver's answer kept in the delivery log. */
export const EXCERPT_BYTES = 1024;

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * POSTs `body` to `url` after checking its host against the policy, connecting to the address that was checked
 * (the socket's lookup returns the pinned address; TLS still verifies the certificate for the URL's host name).
 * Redirects are not followed: a 3xx is an answer like any other, so a receiver cannot bounce the request to an
 * address the check would refuse. Throws OutboundRefusedError, or the network error.
 */
export async function postPinned(url: string, body: string, policy: OutboundPolicy, options: PostOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new OutboundRefusedError(target.host, `${target.protocol} is not http or https`);
  const pinned = await pinOutboundHost(target.hostname, policy);
  const pinnedLookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    // Node asks with `all: true` when autoSelectFamily is on; answer in the shape asked for.
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: pinned.address, family: pinned.family }]);
    } else {
      callback(null, pinned.address, pinned.family);
    }
  };
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString(), 'user-agent': 'Ratchet-Alerts/1', ...options.headers },
        lookup: pinnedLookup,
        // A fresh connection per delivery: a kept-alive socket to a host that re-resolved would skip the check.
        agent: false,
        timeout: options.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < EXCERPT_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, and what it answered. */
export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
  status: number;
  /** For a signing receiver: why the signature was refused, or null when it verified. */
  signatureProblem: string | null;
}

export interface HttpReceiver {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** Answer the next `count` requests with `status` (then 200 again). */
  failNext(count: number, status?: number): void;
  /** Answer every request with `status` until reset with `failAlways(null)`. */
  failAlways(status: number | null): void;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** Verify `x-ratchet-signature` with this secret, and `x-ratchet-timestamp` within `replayWindowSeconds` of `now()`. */
  secret?: string;
  replayWindowSeconds?: number;
  now?: () => Date;
  /** Check the body's shape (Slack Block Kit, Teams Adaptive Card); a problem answers 400. */
  validate?: (json: unknown) => string | null;
  /** The status of a good request (Slack answers 200 "ok", Teams Workflows 202). */
  okStatus?: number;
  okBody?: string;
}

/**
 * Verifies a Ratchet webhook signature the way docs/alerts.md tells receivers to: recompute HMAC-SHA256 over
 * `<timestamp>.<raw body>`, compare in constant time, and refuse a timestamp outside the replay window.
 */
export function verifyRatchetSignature(secret: string, headers: http.IncomingHttpHeaders, body: string, nowSeconds: number, windowSeconds: number): string | null {
  const timestamp = Number(headers['x-ratchet-timestamp']);
  const signature = String(headers['x-ratchet-signature'] ?? '');
  if (!Number.isInteger(timestamp)) return 'no timestamp';
  if (Math.abs(nowSeconds - timestamp) > windowSeconds) return 'timestamp outside the replay window';
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
  return null;
}

/** A real HTTP server on 127.0.0.1 that records every POST and answers as told. */
export async function startHttpReceiver(options: ReceiverOptions = {}): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  let failures = 0;
  let failStatus = 500;
  let always: number | null = null;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      let status = options.okStatus ?? 200;
      let signatureProblem: string | null = null;
      if (options.secret !== undefined) {
        const now = (options.now ?? (() => new Date()))();
        signatureProblem = verifyRatchetSignature(options.secret, request.headers, body, Math.floor(now.getTime() / 1000), options.replayWindowSeconds ?? 300);
        if (signatureProblem) status = 401;
      }
      const shapeProblem = options.validate?.(json) ?? null;
      if (shapeProblem) status = 400;
      if (always !== null) status = always;
      else if (failures > 0) {
        failures -= 1;
        status = failStatus;
      }
      received.push({ path: request.url ?? '', headers: request.headers, body, json, status, signatureProblem });
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status < 300 ? (options.okBody ?? 'ok') : `refused: ${signatureProblem ?? shapeProblem ?? 'told to fail'}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    failNext(count, status = 500) {
      failures = count;
      failStatus = status;
    },
    failAlways(status) {
      always = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Slack's incoming-webhook body: a fallback `text` and Block Kit `blocks` (header, sections, context). */
export function slackShape(json: unknown): string | null {
  const body = json as { text?: unknown; blocks?: { type?: unknown; text?: { text?: unknown } }[] } | null;
  if (typeof body?.text !== 'string' || !Array.isArray(body.blocks)) return 'not a Block Kit message';
  if (body.blocks.length > 50) return 'more than 50 blocks';
  for (const block of body.blocks) {
    if (!['header', 'section', 'context', 'divider'].includes(String(block.type))) return `unknown block ${String(block.type)}`;
    if (block.type === 'section' && (typeof block.text?.text !== 'string' || block.text.text.length > 3000)) return 'section text missing or over 3000 characters';
  }
  return null;
}

/** A Teams Workflows webhook body: a message with one Adaptive Card attachment. */
export function teamsShape(json: unknown): string | null {
  const body = json as { type?: unknown; attachments?: { contentType?: unknown; content?: { type?: unknown; version?: unknown; body?: unknown } }[] } | null;
  if (body?.type !== 'message' || !Array.isArray(body.attachments) || body.attachments.length !== 1) return 'not a message with one attachment';
  const card = body.attachments[0]!;
  if (card.contentType !== 'application/vnd.microsoft.card.adaptive') return 'not an Adaptive Card';
  if (card.content?.type !== 'AdaptiveCard' || typeof card.content.version !== 'string' || !Array.isArray(card.content.body)) return 'malformed card';
  return null;
}

// The SMTP receiver is the workspace's shared one (the API's invitation tests use it too).
export { startTestSmtpServer as startSmtpReceiver } from '../../../../test/support/test-smtp-server.js';
export type { ReceivedMail, TestSmtpServer as SmtpReceiver } from '../../../../test/support/test-smtp-server.js';

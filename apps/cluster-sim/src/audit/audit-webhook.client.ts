import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { AuditEvent, AuditEventList } from './audit-event.types.js';

export interface AuditWebhookTarget {
  /** http:// or https:// URL of the receiver (the agent's audit webhook). */
  url: string;
  /** PEM CA that signed the receiver's certificate (https only); default: the system's roots. */
  caCert?: string;
  /** Bearer token the backend sends, as a webhook kubeconfig's user token would. */
  token?: string;
}

/** Thrown when the receiver does not answer 2xx; the events stay with the caller to retry. */
export class AuditWebhookError extends Error {}

/**
 * The audit webhook backend's sender: POSTs one `audit.k8s.io/v1` EventList as JSON, as kube-apiserver's
 * `--audit-webhook-config-file` backend does.
 */
export async function postAuditEvents(target: AuditWebhookTarget, events: AuditEvent[], timeoutMs = 10_000): Promise<void> {
  const body: AuditEventList = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: events };
  const payload = Buffer.from(JSON.stringify(body));
  const url = new URL(target.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': payload.length,
          'User-Agent': 'kube-apiserver-admission',
          ...(target.token ? { Authorization: `Bearer ${target.token}` } : {}),
        },
        ...(url.protocol === 'https:' && target.caCert ? { ca: target.caCert } : {}),
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve();
          else reject(new AuditWebhookError(`audit webhook ${target.url} answered ${code}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new AuditWebhookError(`audit webhook ${target.url} timed out after ${timeoutMs} ms`)));
    req.on('error', (error) => reject(error instanceof AuditWebhookError ? error : new AuditWebhookError(`audit webhook ${target.url}: ${error.message}`)));
    req.end(payload);
  });
}

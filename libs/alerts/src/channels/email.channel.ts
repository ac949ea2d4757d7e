import { EmailChannelConfig } from '@ratchet/contracts';
import type { AlertMessage } from '@ratchet/contracts';
import { createTransport } from 'nodemailer';

import { pinOutboundHost } from '../outbound/outbound-address.js';
import { EXCERPT_BYTES } from '../outbound/pinned-http.js';
import { messageText, messageTitle } from '../render/alert-text.util.js';
import { failedSend } from './alert-channel.js';
import type { AlertChannelSender, SendContext, SendResult } from './alert-channel.js';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The message as a minimal HTML mail: the plain text in a <pre>, so commands copy exactly. */
function messageHtml(message: AlertMessage): string {
  return `<!doctype html><html><body><h2>${escapeHtml(messageTitle(message))}</h2><pre style="font-family:monospace">${escapeHtml(messageText(message))}</pre></body></html>`;
}

/**
 * Email over SMTP with nodemailer. The SMTP host is checked and pinned like a webhook's: the transport connects to
 * the checked address while TLS verifies the certificate for the configured host name (`servername`).
 */
export const emailChannel: AlertChannelSender<EmailChannelConfig> = {
  type: 'email',
  parseConfig: (config) => EmailChannelConfig.parse(config),
  hosts: (config) => [config.host],
  async send(config: EmailChannelConfig, message: AlertMessage, context: SendContext): Promise<SendResult> {
    let transport: ReturnType<typeof createTransport> | undefined;
    try {
      const pinned = await pinOutboundHost(config.host, context.policy);
      transport = createTransport({
        host: pinned.address,
        port: config.port,
        secure: config.security === 'tls',
        requireTLS: config.security === 'starttls',
        ignoreTLS: config.security === 'none',
        tls: { servername: pinned.host },
        name: 'ratchet',
        ...(config.username !== undefined ? { auth: { user: config.username, pass: config.password ?? '' } } : {}),
        connectionTimeout: context.timeoutMs,
        greetingTimeout: context.timeoutMs,
        socketTimeout: context.timeoutMs,
      });
      const info = (await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: messageTitle(message),
        text: messageText(message),
        html: messageHtml(message),
        date: context.now(),
        headers: { 'X-Ratchet-Delivery': context.deliveryId },
      })) as { response?: string };
      const response = info.response ?? '';
      const code = Number.parseInt(response.slice(0, 3), 10);
      return { ok: true, responseCode: Number.isNaN(code) ? null : code, responseExcerpt: response.slice(0, EXCERPT_BYTES), error: null };
    } catch (error) {
      const failed = failedSend(error);
      const smtp = error as { responseCode?: number; response?: string };
      return { ...failed, responseCode: smtp.responseCode ?? null, responseExcerpt: smtp.response?.slice(0, EXCERPT_BYTES) ?? null };
    } finally {
      transport?.close();
    }
  },
};

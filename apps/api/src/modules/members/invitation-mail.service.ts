import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OrgRole } from '@ratchet/contracts';
import { createTransport } from 'nodemailer';
import type { SMTPSentMessageInfo, SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type Mail from 'nodemailer/lib/mailer';

import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';

export interface InvitationMail {
  to: string;
  organizationName: string;
  inviterName: string | null;
  role: OrgRole;
  acceptUrl: string;
  expiresAt: Date;
}

// One line, so a name cannot start a new header or paragraph.
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Sends invitation links by SMTP when RATCHET_SMTP_URL is set. Delivery is best effort: the link is also shown to
 * the inviter, so a failed send is logged and reported, never a failed invitation.
 */
@Injectable()
export class InvitationMailService implements OnApplicationShutdown {
  private readonly logger = new Logger('InvitationMail');
  private readonly transport: Mail<SMTPSentMessageInfo, SMTPTransportOptions> | undefined;
  private readonly from: string;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    // Bounded waits: the inviter's request is waiting on this conversation.
    this.transport = config.RATCHET_SMTP_URL
      ? createTransport({ url: config.RATCHET_SMTP_URL, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 })
      : undefined;
    this.from = config.RATCHET_SMTP_FROM ?? `Ratchet <no-reply@${new URL(config.RATCHET_PUBLIC_URL).hostname}>`;
  }

  /** True when the SMTP server accepted the message. */
  async send(mail: InvitationMail): Promise<boolean> {
    if (!this.transport) return false;
    const organization = oneLine(mail.organizationName);
    const inviter = mail.inviterName ? oneLine(mail.inviterName) : 'Someone';
    try {
      await this.transport.sendMail({
        from: this.from,
        to: mail.to,
        subject: `${inviter} invited you to ${organization} on Ratchet`,
        text: [
          `${inviter} invited you to join ${organization} on Ratchet as ${mail.role === 'admin' ? 'an' : 'a'} ${mail.role}.`,
          '',
          `Accept the invitation: ${mail.acceptUrl}`,
          '',
          `The link works once and expires on ${mail.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
          'If you did not expect this invitation, ignore this email.',
        ].join('\n'),
      });
      return true;
    } catch (error) {
      // The message may carry the SMTP server's answer; the URL (with its credentials) never reaches the log.
      this.logger.warn(`an invitation email was not sent: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

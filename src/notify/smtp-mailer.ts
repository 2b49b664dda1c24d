/**
 * Email over SMTP with nodemailer: one connection per message (notification volumes are small),
 * short timeouts so a hung server costs seconds, and errors sorted into "the server is down"
 * (retry the channel later), "this recipient, not now" and "this recipient, never".
 */
import nodemailer from 'nodemailer';
import type { Mailer } from '../app/ports/notifier.ts';
import { DeliveryRefused, PermanentDeliveryError } from '../app/ports/notifier.ts';

export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  readonly secure: boolean;
  readonly user?: string;
  readonly password?: string;
  /** The From address, e.g. `OpenPIM <pim@example.com>`. */
  readonly from: string;
  /** Connection, greeting and socket timeouts (ms); default 15 s. */
  readonly timeoutMs?: number;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  command?: string;
  message: string;
}

/** A Mailer over one SMTP server. */
export function smtpMailer(options: SmtpOptions): Mailer {
  const timeout = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    ...(options.user ? { auth: { user: options.user, pass: options.password ?? '' } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
  });
  return {
    async send(message) {
      try {
        await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      } catch (error) {
        const e = error as SmtpError;
        // Refused at RCPT: about this address only. 5xx is final, 4xx may pass later.
        if (e.code === 'EENVELOPE' && e.responseCode !== undefined) {
          const text = `the mail server refused ${message.to}: ${e.message}`;
          throw e.responseCode >= 500 ? new PermanentDeliveryError(text) : new DeliveryRefused(text);
        }
        throw new Error(`SMTP ${options.host}:${options.port}: ${e.message}`, { cause: error });
      }
    },
  };
}

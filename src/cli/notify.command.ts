/**
 * `openpim notify test --to ADDRESS [--webhook URL|NAME]`: sends a test email through the
 * configured SMTP server and/or a test message to a chat webhook, and says what happened.
 */
import { Command, Option } from 'commander';
import type { ChatTarget, Message } from '../app/ports/notifier.ts';
import type { Config } from '../server/config.ts';
import { configFrom, configOption } from './options.ts';

function testMessage(config: Config, formatInstant: (at: number) => string, now: number): Message {
  const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  return {
    subject: 'OpenPIM: test notification',
    summary: 'This is a test message from OpenPIM. If you can read it, notifications reach you.',
    facts: [
      ['Sent', formatInstant(now)],
      ['Public URL', publicUrl],
    ],
    actions: [{ label: 'Open OpenPIM', url: `${publicUrl}/` }],
  };
}

/** A webhook by configured name, or a URL (with --format, or the format of a configured webhook with that URL). */
function webhookTarget(config: Config, given: string, format: ChatTarget['format'] | undefined): ChatTarget & { label: string } {
  const named = config.webhooks.find((w) => w.name === given || w.url === given);
  if (named) return { url: named.url, format: format ?? named.format, label: `webhook '${named.name}'` };
  if (!/^https?:\/\//.test(given)) throw new Error(`--webhook: no webhook named '${given}' is configured, and it is not an http(s) URL`);
  return { url: given, format: format ?? 'slack', label: `webhook at ${new URL(given).host}` };
}

export function notifyCommand(): Command {
  const notify = new Command('notify').description('notifications: email (SMTP) and chat webhooks');
  notify.addCommand(
    configOption(new Command('test'))
      .description('send a test email and/or chat message using the configuration, and report success or the error')
      .option('--to <address>', 'send a test email to this address through the configured SMTP server')
      .option('--webhook <url|name>', 'post a test message to this webhook URL or configured webhook name')
      .addOption(new Option('--format <format>', 'chat payload format for --webhook').choices(['slack', 'teams']))
      .action(async (options) => {
        const config = await configFrom(options);
        if (!options.to && !options.webhook) throw new Error('say where to send the test: --to ADDRESS and/or --webhook URL|NAME');
        const [{ emailHtml, emailText }, { formatInstant }, { chatWebhooks }, { smtpMailer }, { systemClock }] = await Promise.all([
          import('../app/notifications/email.ts'),
          import('../app/notifications/templates.ts'),
          import('../notify/chat-webhook.ts'),
          import('../notify/smtp-mailer.ts'),
          import('../adapters/system-clock.ts'),
        ]);
        const message = testMessage(config, formatInstant, systemClock.now());
        let failed = false;
        const report = async (label: string, send: () => Promise<void>) => {
          try {
            await send();
            process.stdout.write(`${label}: sent\n`);
          } catch (error) {
            failed = true;
            process.stdout.write(`${label}: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
          }
        };
        if (options.to) {
          const smtp = config.smtp;
          if (!smtp) throw new Error('no SMTP server is configured: set smtp.host and smtp.from (or OPENPIM_SMTP_HOST and OPENPIM_SMTP_FROM)');
          await report(`email to ${options.to} via ${smtp.host}:${smtp.port}`, () =>
            smtpMailer(smtp).send({ to: options.to, subject: message.subject, text: emailText(message), html: emailHtml(message) }),
          );
        }
        if (options.webhook) {
          const target = webhookTarget(config, options.webhook, options.format);
          await report(`${target.label} (${target.format})`, () => chatWebhooks().post(target, message));
        }
        if (failed) process.exitCode = 1;
      }),
  );
  return notify;
}

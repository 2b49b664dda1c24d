/**
 * The notification job over a Harness store: a fake mailer and chat sender that record what they
 * were given (and fail on demand), real signed approval links, and the job deps.
 */
import type { DeliverNotificationsDeps, DeliveryRun } from '../../../src/app/jobs/deliver-notifications.ts';
import { deliverNotifications } from '../../../src/app/jobs/deliver-notifications.ts';
import type { WebhookSetting } from '../../../src/app/notifications/settings.ts';
import type { Delivery, DeliveryStatus } from '../../../src/app/ports/notifications.ts';
import type { ChatSender, ChatTarget, EmailMessage, Mailer, Message } from '../../../src/app/ports/notifier.ts';
import { approvalLinkTokens } from '../../../src/adapters/approval-link-tokens.ts';
import { signingKeyring } from '../../../src/adapters/jwt-tokens.ts';
import { signingKeyStore } from '../../../src/store/signing-keys.ts';
import { testIds } from '../../support/fake-clock.ts';
import type { Harness } from '../../support/harness.ts';

export class FakeMailer implements Mailer {
  readonly sent: EmailMessage[] = [];
  /** While set, every send fails with it. */
  failWith: Error | null = null;
  attempts = 0;
  async send(message: EmailMessage): Promise<void> {
    this.attempts++;
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
  }
  to(address: string): EmailMessage[] {
    return this.sent.filter((m) => m.to === address);
  }
}

export class FakeChat implements ChatSender {
  readonly posted: { target: ChatTarget; message: Message }[] = [];
  async post(target: ChatTarget, message: Message): Promise<void> {
    this.posted.push({ target, message });
  }
}

export interface NotifyHarness {
  readonly mailer: FakeMailer;
  readonly chat: FakeChat;
  readonly deps: DeliverNotificationsDeps;
  /** One run of the job at the clock's now. */
  run(): Promise<DeliveryRun>;
  deliveries(status?: DeliveryStatus): Promise<Delivery[]>;
}

export function notifyHarness(
  h: Harness,
  options: { webhooks?: WebhookSetting[]; mailer?: FakeMailer | null; chat?: ChatSender; digest?: boolean } = {},
): NotifyHarness {
  const mailer = options.mailer === undefined ? new FakeMailer() : options.mailer;
  const chat = new FakeChat();
  const deps: DeliverNotificationsDeps = {
    uow: h.store,
    clock: h.clock,
    links: approvalLinkTokens(signingKeyring(signingKeyStore(h.store.db), h.clock, testIds), h.clock, testIds),
    mailer,
    chat: options.chat ?? chat,
    settings: { publicUrl: 'https://pim.contoso.test', webhooks: options.webhooks ?? [], linkTtlMs: 3_600_000, digest: options.digest ?? false },
  };
  return {
    mailer: mailer ?? new FakeMailer(),
    chat,
    deps,
    run: () => deliverNotifications(deps),
    deliveries: async (status) => (await h.store.read.deliveries.list(status ? { status } : {}, 1000)).reverse(),
  };
}

/** The URLs in a text email, by label (`Approve: https://…`). */
export function linksIn(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^([^:\n]+): (https?:\/\/\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

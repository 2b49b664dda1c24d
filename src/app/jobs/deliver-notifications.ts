/**
 * The notification job (docs/architecture.md, "Audit chain and change feed"; decision 0006):
 * consumes the change feed after commit, records the deliveries the policies' Notification_* rules
 * call for, plans the weekly digest when a week has ended, and sends what is due. Nothing here runs
 * inside a use case's transaction, so a slow or dead mail server never delays or rolls back a
 * grant; it only delays the mail.
 */
import type { Instant } from '../../domain/time.ts';
import { recordDigest, type DigestDeps } from '../notifications/digest.ts';
import { recordNotifications, type RecordDeps } from '../notifications/record.ts';
import { sendDue, type SendDeps, type SendResult } from '../notifications/send.ts';

export type DeliverNotificationsDeps = SendDeps & RecordDeps & DigestDeps;

export interface DeliveryRun extends SendResult {
  /** Deliveries recorded in this run. */
  readonly recorded: number;
  /** When a pending delivery is next due, if any. */
  readonly next: Instant | null;
}

export async function deliverNotifications(deps: DeliverNotificationsDeps): Promise<DeliveryRun> {
  const channels = { email: deps.mailer !== null, webhooks: deps.settings.webhooks };
  let recorded = await recordNotifications(deps, channels);
  if (deps.settings.digest) recorded += await recordDigest(deps, channels);
  const sent = await sendDue(deps);
  return { ...sent, recorded, next: await deps.uow.read.deliveries.nextAttempt() };
}

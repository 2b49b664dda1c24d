/**
 * Sends recorded deliveries that are due — outside any transaction, after the change that caused
 * them committed long ago. Each attempt first claims its delivery (so two nodes do not both send
 * it); success marks it sent, never to be sent again; failure retries with exponential back-off
 * (30 s doubling to 1 h) for up to three days, then gives up. One-click approval links are signed
 * at sending time, so a mail delayed by an SMTP outage still arrives with links that work.
 */
import { currentStage } from '../../domain/approvals/approval.ts';
import { DAY, HOUR, MINUTE, type Instant } from '../../domain/time.ts';
import type { Clock } from '../ports/clock.ts';
import type { Delivery } from '../ports/notifications.ts';
import { DeliveryRefused, PermanentDeliveryError, type ApprovalLinks, type ChatSender, type Mailer } from '../ports/notifier.ts';
import type { AutocommitUnitOfWork } from '../ports/repositories.ts';
import { emailHtml, emailText } from './email.ts';
import type { NotificationParams, NotificationType } from './events.ts';
import type { NotificationSettings } from './settings.ts';
import { render, type DecisionLinks } from './templates.ts';

export const FIRST_RETRY = 30_000;
export const MAX_RETRY = HOUR;
export const GIVE_UP_AFTER = 3 * DAY;
/** How long a claimed delivery stays hidden from other senders (longer than any send may take). */
const LEASE = 2 * MINUTE;
const BATCH = 100;
/** Chat messages carry links for at most this many approvers; the rest use the UI. */
const MAX_CHAT_APPROVERS = 5;

/** The wait before the next attempt after `attempts` failed ones. */
export const backoff = (attempts: number): number => Math.min(MAX_RETRY, FIRST_RETRY * 2 ** Math.max(0, attempts - 1));

export interface SendDeps {
  /** A delivery's attempt state is written as it goes, outside any transaction. */
  readonly uow: AutocommitUnitOfWork<'deliveries' | 'approvals', 'deliveries'>;
  readonly clock: Clock;
  readonly links: ApprovalLinks;
  readonly mailer: Mailer | null;
  readonly chat: ChatSender;
  readonly settings: NotificationSettings;
  readonly onError?: (error: unknown, context: string) => void;
}

export interface SendResult {
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
  readonly skipped: number;
}

const channelKey = (d: Delivery) => (d.channel === 'email' ? 'email' : `chat:${d.recipient}`);

/** Sends what is due now, once each; returns what happened. */
export async function sendDue(deps: SendDeps): Promise<SendResult> {
  const result = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  const now = deps.clock.now();
  const store = deps.uow.read.deliveries;
  // A channel that just failed is not tried again in this run: a dead SMTP server costs one timeout, not one per mail.
  const down = new Map<string, { error: string; retryAt: Instant }>();
  for (const d of await store.due(now, BATCH)) {
    const outage = down.get(channelKey(d));
    if (outage) {
      if (now - d.createdAt >= GIVE_UP_AFTER) {
        await store.fail(d.id, outage.error);
        result.failed++;
      } else {
        await store.postpone(d.id, outage.error, now, outage.retryAt);
        result.retried++;
      }
      continue;
    }
    const obsolete = await obsoleteBecause(deps, d);
    if (obsolete) {
      await store.skip(d.id, obsolete);
      result.skipped++;
      continue;
    }
    if (!(await store.claim(d.id, now, now + LEASE))) continue;
    try {
      await sendOne(deps, d, now);
      await store.sent(d.id, deps.clock.now());
      result.sent++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.onError?.(error, `notification delivery ${d.id} (${d.channel} to ${d.recipient})`);
      const retryAt = now + backoff(d.attempts + 1);
      if (!(error instanceof PermanentDeliveryError) && !(error instanceof DeliveryRefused))
        down.set(channelKey(d), { error: `not tried: ${message}`, retryAt });
      if (error instanceof PermanentDeliveryError || now - d.createdAt >= GIVE_UP_AFTER) {
        await store.fail(d.id, message);
        result.failed++;
      } else {
        await store.retry(d.id, message, retryAt);
        result.retried++;
      }
    }
  }
  return result;
}

/** An approval request whose step was decided (or timed out) before its turn came is not sent: its links could no longer work. */
async function obsoleteBecause(deps: SendDeps, d: Delivery): Promise<string | null> {
  const p = d.params as unknown as NotificationParams;
  if (d.template !== 'approvalNeeded' || !p.approvalId || !p.stepId) return null;
  const approval = await deps.uow.read.approvals.get(d.tenantId, p.approvalId);
  const stage = approval && currentStage(approval);
  return stage && stage.index === Number(p.stepId) - 1 ? null : 'not sent: the approval step was no longer waiting when its turn came';
}

async function sendOne(deps: SendDeps, d: Delivery, now: Instant): Promise<void> {
  const params = d.params as unknown as NotificationParams;
  const template = d.template as NotificationType;
  const decisionLinks = await signLinks(deps, d, params);
  const message = render(template, params, { publicUrl: deps.settings.publicUrl, decisionLinks, linksExpireAt: now + deps.settings.linkTtlMs });
  if (d.channel === 'email') {
    if (!deps.mailer) throw new PermanentDeliveryError('email is not configured (smtp)');
    await deps.mailer.send({ to: d.recipient, subject: message.subject, text: emailText(message), html: emailHtml(message) });
    return;
  }
  const target = deps.settings.webhooks.find((w) => w.name === d.recipient);
  if (!target) throw new PermanentDeliveryError(`no webhook named '${d.recipient}' is configured any more`);
  await deps.chat.post(target, message);
}

/** Approve and deny links for the approvers this delivery speaks to. */
async function signLinks(deps: SendDeps, d: Delivery, p: NotificationParams): Promise<DecisionLinks[]> {
  if (d.template !== 'approvalNeeded' || !p.approvalId || !p.stepId) return [];
  const approvers =
    d.channel === 'email' ? (p.approverId ? [{ id: p.approverId, name: p.recipientName ?? '' }] : []) : (p.approvers ?? []).slice(0, MAX_CHAT_APPROVERS);
  // The portal's page shows what the link would do and decides only when the approver confirms
  // (mail scanners follow links); it calls the API at /openpim/approvals/act with the token.
  const base = `${deps.settings.publicUrl.replace(/\/+$/, '')}/approve?token=`;
  const out: DecisionLinks[] = [];
  for (const a of approvers) {
    const claims = { tenantId: d.tenantId, approvalId: p.approvalId, stepId: p.stepId, approverId: a.id };
    out.push({
      approverName: a.name,
      approve: base + (await deps.links.sign({ ...claims, decision: 'Approve' }, deps.settings.linkTtlMs)),
      deny: base + (await deps.links.sign({ ...claims, decision: 'Deny' }, deps.settings.linkTtlMs)),
    });
  }
  return out;
}

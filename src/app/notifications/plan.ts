/**
 * The planner: an event, the governing policy's nine Notification_* rules and the configured
 * channels in, the deliveries to record out. Pure — the rules are decided here and tested as a
 * table (test/notify/plan.test.ts).
 *
 * - A rule with `notificationLevel: "None"` sends nothing; `"Critical"` only critical events (events.ts).
 * - `isDefaultRecipientsEnabled: false` drops the default recipients (approvers, requester, admins);
 *   `notificationRecipients` are always added.
 * - One message per address and event, even when someone is both requester and admin.
 * - Chat webhooks are not governed by the policy's email rules: each gets every event it subscribes to.
 * - A tenant alert (a break-glass account was used) is governed by no role's policy (`rules` null):
 *   every default recipient is emailed, and no rule can turn it off.
 */
import { ruleOf, type PolicyRules, type RuleId, type NotificationRule } from '../../domain/policy/rules.ts';
import type { Instant } from '../../domain/time.ts';
import type { NewDelivery } from '../ports/notifications.ts';
import { isCritical, type NotificationEvent, type NotificationParams, type NotificationType, type Person, type RecipientType } from './events.ts';
import { render } from './templates.ts';

export interface WebhookSubscription {
  readonly name: string;
  /** The event kinds this webhook wants; absent = all. */
  readonly events?: readonly NotificationType[];
}

export interface PlanOptions {
  /** Is email configured? Without it no email deliveries are recorded. */
  readonly email: boolean;
  readonly webhooks: readonly WebhookSubscription[];
  readonly at: Instant;
}

const ORDER: readonly RecipientType[] = ['Requestor', 'Approver', 'Admin'];

/** The people a rule sends this event to. */
export function recipientsUnder(rule: NotificationRule, critical: boolean, defaults: readonly Person[]): Person[] {
  if (rule.notificationLevel === 'None') return [];
  if (rule.notificationLevel === 'Critical' && !critical) return [];
  const extra = rule.notificationRecipients.map((address): Person => ({ principalId: null, name: address, address }));
  return [...(rule.isDefaultRecipientsEnabled ? defaults : []), ...extra];
}

export const subscribes = (w: WebhookSubscription, type: NotificationType): boolean => !w.events || w.events.includes(type);

function delivery(
  tenantId: string,
  key: string,
  type: NotificationType,
  channel: 'email' | 'chat',
  recipient: string,
  params: NotificationParams,
  at: Instant,
): NewDelivery {
  return {
    tenantId,
    channel,
    recipient,
    template: type,
    params: params as unknown as Record<string, unknown>,
    createdAt: at,
    dedupeKey: `${key}:${type}:${channel}:${recipient.toLowerCase()}`,
    subject: render(type, params).subject,
  };
}

/**
 * The deliveries one event calls for: email per the governing rules (or to every default recipient
 * when `rules` is null: a tenant alert), chat per webhook subscription.
 */
export function plan(event: NotificationEvent, rules: PolicyRules | null, options: PlanOptions): NewDelivery[] {
  const out: NewDelivery[] = [];
  const critical = isCritical(event);
  if (options.email) {
    const seen = new Set<string>();
    for (const type of ORDER) {
      const defaults = event.audiences[type];
      if (!defaults) continue;
      const people =
        rules === null || event.context === null
          ? defaults
          : recipientsUnder(ruleOf(rules, `Notification_${type}_${event.context}` as RuleId, 'notification'), critical, defaults);
      for (const person of people) {
        const address = person.address.toLowerCase();
        if (seen.has(address)) continue;
        seen.add(address);
        const params: NotificationParams = {
          ...event.params,
          audience: type,
          recipientName: person.name,
          ...(type === 'Approver' && person.principalId ? { approverId: person.principalId } : {}),
        };
        out.push(delivery(event.tenantId, event.key, event.type, 'email', person.address, params, options.at));
      }
    }
  }
  const approvers = (event.audiences.Approver ?? []).flatMap((p) => (p.principalId ? [{ id: p.principalId, name: p.name }] : []));
  for (const webhook of options.webhooks) {
    if (!subscribes(webhook, event.type)) continue;
    const params: NotificationParams = { ...event.params, audience: 'Channel', ...(event.type === 'approvalNeeded' ? { approvers } : {}) };
    out.push(delivery(event.tenantId, event.key, event.type, 'chat', webhook.name, params, options.at));
  }
  return out;
}

/** The weekly digest: to every privileged administrator by email and to subscribed webhooks. Not governed by role policies. */
export function planDigest(tenantId: string, params: Omit<NotificationParams, 'audience'>, admins: readonly Person[], options: PlanOptions): NewDelivery[] {
  const key = `digest:${tenantId}:${params.digest?.week ?? ''}`;
  const out: NewDelivery[] = [];
  const seen = new Set<string>();
  if (options.email) {
    for (const admin of admins) {
      if (seen.has(admin.address.toLowerCase())) continue;
      seen.add(admin.address.toLowerCase());
      out.push(delivery(tenantId, key, 'digest', 'email', admin.address, { ...params, audience: 'Admin', recipientName: admin.name }, options.at));
    }
  }
  for (const webhook of options.webhooks) {
    if (subscribes(webhook, 'digest')) out.push(delivery(tenantId, key, 'digest', 'chat', webhook.name, { ...params, audience: 'Channel' }, options.at));
  }
  return out;
}

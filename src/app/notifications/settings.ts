/** What the notification job is configured with (parsed from the server's config). */
import type { ChatTarget } from '../ports/notifier.ts';
import type { WebhookSubscription } from './plan.ts';

export interface WebhookSetting extends ChatTarget, WebhookSubscription {}

export interface NotificationSettings {
  /** Base URL of OpenPIM as people reach it; links in messages start with it. */
  readonly publicUrl: string;
  readonly webhooks: readonly WebhookSetting[];
  /** How long a one-click approve/deny link works after it is sent (ms). */
  readonly linkTtlMs: number;
  /** Send the weekly digest to privileged administrators. */
  readonly digest: boolean;
}

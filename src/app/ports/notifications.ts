/**
 * Storage the notification job needs: reading the change feed with durable cursors, the
 * deliveries it records and sends, the approval links already used, and the week's numbers for
 * the digest. Part of Repositories, so recording a delivery and advancing the cursor share one
 * transaction.
 */
import type { Instant } from '../../domain/time.ts';
import type { FeedEvent } from './change-feed.ts';

export interface FeedReader {
  /** Rows with seq > `afterSeq`, in order (commit order: see feed.repository.ts). */
  after(afterSeq: number, limit: number): Promise<FeedEvent[]>;
  /** The newest seq committed (0 when the feed is empty). */
  head(): Promise<number>;
  /** A consumer's position (the last seq it handled), or null before its first run. */
  cursor(consumer: string): Promise<number | null>;
  /** Sets a consumer's position. */
  advance(consumer: string, position: number): Promise<void>;
}

export type DeliveryChannel = 'email' | 'chat';
/** `skipped`: no longer worth sending when its turn came (an approval request already decided). */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/** A notification to send, as the planner records it. Rendered when sent, from `template` and `params`. */
export interface NewDelivery {
  readonly tenantId: string;
  /** Unique: the same notification is never recorded (nor sent) twice. */
  readonly dedupeKey: string;
  readonly channel: DeliveryChannel;
  /** An email address, or the name of a configured chat webhook. */
  readonly recipient: string;
  readonly template: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly subject: string;
  readonly createdAt: Instant;
}

export interface Delivery extends NewDelivery {
  readonly id: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Instant;
  readonly lastError: string | null;
  readonly sentAt: Instant | null;
}

export interface DeliveryRepository {
  /** Records a delivery due at once, unless one with its dedupe key exists. Returns whether it was new. */
  add(delivery: NewDelivery): Promise<boolean>;
  /** Pending deliveries whose next attempt is due at `at`, oldest first. */
  due(at: Instant, limit: number): Promise<Delivery[]>;
  /**
   * Takes a due delivery for one attempt: counts the attempt and hides it until `leaseUntil`, so
   * another node does not send it meanwhile. False when someone else took it first.
   */
  claim(id: number, at: Instant, leaseUntil: Instant): Promise<boolean>;
  sent(id: number, at: Instant): Promise<void>;
  /** Not attempted now (its channel is down): try at `retryAt`, unless someone else has claimed it meanwhile. */
  postpone(id: number, reason: string, at: Instant, retryAt: Instant): Promise<void>;
  /** The attempt failed: try again at `retryAt`. */
  retry(id: number, error: string, retryAt: Instant): Promise<void>;
  /** Given up: never tried again. */
  fail(id: number, error: string): Promise<void>;
  /** Not sent, on purpose, for `reason`: never tried again. */
  skip(id: number, reason: string): Promise<void>;
  /** The earliest next attempt of a pending delivery, if any. */
  nextAttempt(): Promise<Instant | null>;
  /** Deliveries, newest first (operations and tests). */
  list(filter: { readonly status?: DeliveryStatus; readonly tenantId?: string }, limit: number): Promise<Delivery[]>;
}

export interface ApprovalLinkUses {
  /** Records a link as used; ApprovalLinkUsed (a conflict) when it already was. */
  use(use: {
    readonly jti: string;
    readonly tenantId: string;
    readonly approvalId: string;
    readonly approverId: string;
    readonly usedAt: Instant;
  }): Promise<void>;
  /** Undoes `use` when the decision it was for was refused, so the link can be tried again. */
  release(jti: string): Promise<void>;
  isUsed(jti: string): Promise<boolean>;
}

/** What the weekly digest reports about one tenant's week. */
export interface WeekStats {
  readonly activations: number;
  readonly activationsByRole: readonly { readonly roleDefinitionId: string; readonly count: number }[];
  /** Permanent grants made in the week: active (`Assigned`) and eligible. */
  readonly newPermanentActive: number;
  readonly newPermanentEligible: number;
  /** Open active assignments whose creating request is not on record. */
  readonly outsidePim: number;
}

export interface ActivityStats {
  tenantIds(): Promise<string[]>;
  /** Numbers for schedules created in [from, to). */
  week(tenantId: string, from: Instant, to: Instant, at: Instant): Promise<WeekStats>;
}

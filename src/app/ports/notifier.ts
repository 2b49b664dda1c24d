/**
 * The ways out for notifications (used after commit, never inside a transaction: decision 0006):
 * email, chat webhooks, and signing the one-click approve/deny links they carry.
 */
import type { Instant } from '../../domain/time.ts';

/** One email, already rendered. */
export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends email (SMTP in production). Throws on failure; the caller retries later. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/** What a notification says, before it becomes an email or a chat card. */
export interface Message {
  readonly subject: string;
  /** One or two sentences: what happened and what is asked of the reader. */
  readonly summary: string;
  readonly facts: readonly (readonly [label: string, value: string])[];
  /** Links: into the UI, or one-click decisions. */
  readonly actions: readonly { readonly label: string; readonly url: string; readonly style?: 'primary' | 'danger' }[];
  /** A closing line (e.g. how long the links work). */
  readonly note?: string;
  /** A security alert (a break-glass account was used): laid out to stand out from routine messages. */
  readonly urgent?: boolean;
}

export type ChatFormat = 'slack' | 'teams';

export interface ChatTarget {
  readonly url: string;
  readonly format: ChatFormat;
}

/** Posts a message to a chat webhook as Slack- or Teams-compatible JSON. Throws on failure. */
export interface ChatSender {
  post(target: ChatTarget, message: Message): Promise<void>;
}

/** A failure that retrying cannot cure (a webhook answering 404, an address the server refuses for good). */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** A failure of this one message, not of the channel (a recipient the server refuses for now): others are still sent. */
export class DeliveryRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryRefused';
  }
}

/** What a signed approve/deny link says. The link alone is never authority: the holder must be signed in as `approverId`. */
export interface ApprovalLinkClaims {
  readonly tenantId: string;
  readonly approvalId: string;
  readonly stepId: string;
  readonly approverId: string;
  readonly decision: 'Approve' | 'Deny';
  /** Unique per link: recorded when used, so a link works once. */
  readonly jti: string;
  readonly expiresAt: Instant;
}

/**
 * Signs and verifies approval link tokens. `verify` throws DomainError `ApprovalLinkInvalid`
 * (bad signature, malformed, not a link token) or `ApprovalLinkExpired`.
 */
export interface ApprovalLinks {
  sign(claims: Omit<ApprovalLinkClaims, 'jti' | 'expiresAt'>, ttlMs: number): Promise<string>;
  verify(token: string): Promise<ApprovalLinkClaims>;
}

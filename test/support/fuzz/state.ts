/**
 * "A refused request changed nothing", made cheap enough to check around every fuzzed request: the
 * row count of every table (one UNION ALL query) and the audit chain's head. Every change to the
 * directory, grants, policies and credentials is audited in its own transaction, so an unchanged
 * chain head also means none of those rows was updated; an update nothing audits (a session's last
 * use, a lockout counter) is beyond this check.
 *
 * A few things are written on a refusal by design; `changesOfRefusal` lets exactly those through
 * and names anything else.
 */
import { sql, type Kysely } from 'kysely';
import { ACTIVITY } from '../../../src/domain/audit/activities.ts';
import { BREAK_GLASS_USED } from '../../../src/app/identity/record-break-glass-use.ts';
import type { Database } from '../../../src/store/schema.ts';

export interface StateSnapshot {
  readonly counts: Readonly<Record<string, number>>;
  /** chain_head: the last audit event's seq and hash, and the last change-feed seq. */
  readonly head: { readonly auditSeq: number; readonly auditHash: string; readonly feedSeq: number };
  /** Pending WebAuthn challenges (a handful of rows): whose each is, to tell which a refusal may use up. */
  readonly challenges: readonly { readonly challenge: string; readonly principalId: string; readonly expiresAt: number }[];
}

/** Who made the refused request, and when. */
export interface RefusalContext {
  readonly principalId: string | null;
  readonly now: number;
}

/** Tables a refused request may change however it likes, and why. */
const WRITTEN_ON_REFUSAL: Readonly<Record<string, string>> = {
  // A sign-in attempt is counted before its password or code is checked (app/identity/attempts.ts),
  // so concurrent guesses cannot outrun the lockout: a wrong password leaves its failure behind.
  sign_in_states: 'failed sign-in attempts are counted',
  // A break-glass account's use is recorded and alerted even if the request is then refused.
  break_glass_uses: 'break-glass use is recorded',
};
/** Audit events and feed topics that accompany those: a lockout, a break-glass use and its alert. */
const AUDITED_ON_REFUSAL = new Set<string>([ACTIVITY.accountLocked, ACTIVITY.breakGlassUsed]);
const FED_ON_REFUSAL = new Set<string>([BREAK_GLASS_USED]);

/** Every table of the store (read once; the schema does not change under a running test). */
export async function tablesOf(db: Kysely<Database>): Promise<string[]> {
  return (await db.introspection.getTables())
    .filter((t) => !t.isView)
    .map((t) => t.name)
    .sort();
}

export async function snapshot(db: Kysely<Database>, tables: readonly string[]): Promise<StateSnapshot> {
  const union = sql.join(
    tables.map((t) => sql`select ${t} as t, count(*) as n from ${sql.table(t)}`),
    sql` union all `,
  );
  const rows = (await sql<{ t: string; n: number | string }>`${union}`.execute(db)).rows;
  const head = await db.selectFrom('chain_head').select(['audit_seq', 'audit_hash', 'feed_seq']).where('id', '=', 1).executeTakeFirst();
  const challenges = await db.selectFrom('webauthn_challenges').select(['challenge', 'principal_id', 'expires_at']).execute();
  return {
    counts: Object.fromEntries(rows.map((r) => [r.t, Number(r.n)])),
    // pg returns int8 as text.
    head: { auditSeq: Number(head?.audit_seq ?? 0), auditHash: head?.audit_hash ?? '', feedSeq: Number(head?.feed_seq ?? 0) },
    challenges: challenges.map((c) => ({ challenge: c.challenge, principalId: c.principal_id, expiresAt: Number(c.expires_at) })),
  };
}

/**
 * A WebAuthn challenge is used up by the answer to it, right or wrong (a wrong answer must not be
 * retried against it), and expired ones are swept: a refusal may take out the caller's own and
 * expired ones — never add one, nor take someone else's.
 */
function challengeProblems(before: StateSnapshot, after: StateSnapshot, context: RefusalContext): string[] {
  const now = new Set(after.challenges.map((c) => c.challenge));
  const was = new Set(before.challenges.map((c) => c.challenge));
  const added = after.challenges.filter((c) => !was.has(c.challenge));
  const taken = before.challenges.filter((c) => !now.has(c.challenge) && c.expiresAt > context.now && c.principalId !== context.principalId);
  return [
    ...(added.length > 0 ? [`webauthn_challenges: ${added.length} added`] : []),
    ...(taken.length > 0
      ? [
          `webauthn_challenges: a pending challenge of ${taken.map((c) => c.principalId).join(', ')} taken out by ${context.principalId ?? 'an unauthenticated caller'}`,
        ]
      : []),
  ];
}

/**
 * What a refused request changed beyond what a refusal may write: `[]` when nothing. Reads the
 * audit events and feed rows appended since `before` only when the head moved.
 */
export async function changesOfRefusal(db: Kysely<Database>, before: StateSnapshot, after: StateSnapshot, context: RefusalContext): Promise<string[]> {
  const problems: string[] = [];
  const ruled = new Set(['audit_events', 'change_feed', 'webauthn_challenges', ...Object.keys(WRITTEN_ON_REFUSAL)]);
  for (const [table, n] of Object.entries(after.counts)) {
    const was = before.counts[table] ?? 0;
    if (n !== was && !ruled.has(table)) problems.push(`${table}: ${was} → ${n} rows`);
  }
  problems.push(...challengeProblems(before, after, context));
  if (after.head.auditSeq !== before.head.auditSeq || after.head.auditHash !== before.head.auditHash) {
    const events = await db.selectFrom('audit_events').select(['seq', 'activity']).where('seq', '>', before.head.auditSeq).execute();
    const unexpected = events.filter((e) => !AUDITED_ON_REFUSAL.has(e.activity));
    if (unexpected.length > 0 || events.length === 0)
      problems.push(`audit events appended: ${unexpected.map((e) => e.activity).join('; ') || 'the chain head changed without one'}`);
  }
  if (after.counts.audit_events !== before.counts.audit_events && after.head.auditSeq === before.head.auditSeq) {
    problems.push(`audit_events: ${before.counts.audit_events} → ${after.counts.audit_events} rows, chain head unchanged`);
  }
  if (after.head.feedSeq !== before.head.feedSeq || after.counts.change_feed !== before.counts.change_feed) {
    const rows = await db.selectFrom('change_feed').select(['seq', 'topic']).where('seq', '>', before.head.feedSeq).execute();
    const unexpected = rows.filter((r) => !FED_ON_REFUSAL.has(r.topic));
    if (unexpected.length > 0) problems.push(`change feed rows appended: ${unexpected.map((r) => r.topic).join(', ')}`);
    if (after.counts.change_feed! < before.counts.change_feed!) problems.push(`change_feed: ${before.counts.change_feed} → ${after.counts.change_feed} rows`);
  }
  return problems;
}

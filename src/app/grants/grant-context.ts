/**
 * What grant mechanics need, whoever calls them — a request, an approval, the timeline, SCIM: the
 * transaction, ids, the instant, and who acts under which correlation id (their audit events say
 * so). Nothing about the HTTP input or the caller's rights: those are checked before.
 */
import type { AuditActor } from '../../domain/audit/event.ts';
import type { Instant } from '../../domain/time.ts';
import { actorOf } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Ids } from '../ports/clock.ts';
import type { ReadRepositories, Repositories } from '../ports/repositories.ts';

/** The repositories grant mechanics write, and those they only read. */
export type GrantRepositories = Pick<Repositories, 'schedules' | 'requests' | 'approvals' | 'timeline' | 'audit' | 'feed'> &
  ReadRepositories<'principals' | 'scopes'>;

export interface GrantContext {
  readonly tx: GrantRepositories;
  readonly ids: Ids;
  readonly now: Instant;
  readonly actor: AuditActor;
  readonly correlationId: string;
}

/** The context of a caller's use case. */
export const grantContextOf = (tx: GrantRepositories, ids: Ids, now: Instant, caller: Caller): GrantContext => ({
  tx,
  ids,
  now,
  actor: actorOf(caller),
  correlationId: caller.correlationId,
});

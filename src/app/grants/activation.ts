/**
 * Which eligibility an activation comes from and the window it gets — for a request activating now
 * and for one whose approval just landed alike.
 */
import { DomainError } from '../../domain/errors.ts';
import { isInEffect, type AssignmentKey, type RequestSchedule, type Schedule } from '../../domain/model.ts';
import { ruleOf, type PolicyRules } from '../../domain/policy/rules.ts';
import { windowOf, type Window } from '../../domain/requests/window.ts';
import { parseDuration, type Instant } from '../../domain/time.ts';
import { scopeAncestors } from '../scopes/ancestry.ts';
import { expireIfOverdue } from './end-schedule.ts';
import { findOpenClosingOverdue } from './find-open.ts';
import type { GrantContext } from './grant-context.ts';

const usable = (e: Schedule | null, now: Instant): e is Schedule => e !== null && !e.closed && (isInEffect(e, now) || e.startAt > now);

/**
 * The eligibility an activation of `key` comes from: the principal's own at this scope; else one at
 * an ancestor scope (the activation narrows it to a child, docs/api.md "Scopes" — nearest first);
 * else one held by a group the principal is in now (group-derived eligibility, memberType Group).
 * The first that is current or yet to start wins; the principal's own, if overdue, is closed on the way.
 */
export async function findEligibilityClosingOverdue(ctx: GrantContext, key: AssignmentKey): Promise<Schedule | null> {
  const { tx, now } = ctx;
  const own = await tx.schedules.findOpen({ ...key, kind: 'eligibility' });
  if (own && !(await expireIfOverdue(ctx, own)) && usable(own, now)) return own;
  const ancestors = await scopeAncestors(tx, key.tenantId, key.directoryScopeId);
  const holders = [key.principalId, ...(await tx.principals.groupsOf(key.tenantId, key.principalId, now))];
  const found = await tx.schedules.eligibilitiesAt(key.tenantId, holders, key.roleDefinitionId, ancestors, now);
  const rank = (e: Schedule) => (e.principalId === key.principalId ? 0 : 1000) + ancestors.indexOf(e.directoryScopeId);
  return found.filter((e) => usable(e, now)).sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/**
 * The eligibility an activation of `key` (an assignment key) comes from and the window it gets,
 * counting the asked duration from `base` (now, or when an approval landed) within the policy's
 * maximum and the eligibility's own end. Refuses a second activation.
 */
export async function activationWindow(
  ctx: GrantContext,
  key: AssignmentKey,
  rules: PolicyRules,
  scheduleInfo: RequestSchedule,
  base: Instant,
): Promise<{ eligibility: Schedule; window: Window }> {
  const eligibility = await findEligibilityClosingOverdue(ctx, key);
  if (!eligibility) throw new DomainError('RoleAssignmentDoesNotExist', 'You are not eligible for this role at this scope.');
  const maximum = parseDuration(ruleOf(rules, 'Expiration_EndUser_Assignment', 'expiration').maximumDuration);
  const asked = windowOf(scheduleInfo, base, maximum);
  if (asked.startAt < eligibility.startAt) {
    throw new DomainError('InvalidScheduleInfo', 'The activation would start before the eligibility does.');
  }
  // An activation never outlives the eligibility it comes from.
  const endAt = eligibility.endAt !== null && (asked.endAt === null || asked.endAt > eligibility.endAt) ? eligibility.endAt : asked.endAt;
  if (await findOpenClosingOverdue(ctx, key)) throw new DomainError('RoleAssignmentExists', 'The role assignment already exists.');
  return { eligibility, window: { startAt: asked.startAt, endAt } };
}

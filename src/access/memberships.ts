/**
 * Group memberships in the decision index: static ones (the group_members table: no window) and
 * timed ones (PIM for Groups, docs/decisions/0007: an open `member` assignment at
 * `/groups/{groupId}` makes its principal a member of that group for the assignment's window).
 *
 * A timed membership is an edge, not a grant: it allows no action itself; through it the member
 * holds what the group holds (and, through nesting, what the groups containing it hold) while
 * startAt ≤ at < endAt, compared on every check like a grant's window. Its id is the schedule's,
 * so the index's `putGrant` adds or replaces it by id and `removeGrant` removes it.
 *
 * Both kinds are kept per pid (principals.ts): static as pid lists (`memberOf`, `members`), timed
 * as edge records in sparse Maps by pid (`timedOf`, `timedIn`), plus a Map<id, edge>. Closures
 * are computed over both, windows ignored (closures.ts), so a change of window alone invalidates
 * nothing.
 *
 * Cost: adding or removing a static membership is O(the member's groups + the group's members)
 * plus invalidating the member's downward cone; a timed one the same, plus one Map operation;
 * replacing a timed one's window (same member and group) is O(1).
 */
import { groupOfScope, GROUP_ROLE } from '../domain/group-access.ts';
import type { GroupClosures } from './closures.ts';
import type { Principals, TimedEdge } from './principals.ts';
import type { Grant } from './types.ts';

/**
 * The group a grant makes its principal a member of, or null when it is an ordinary grant: a
 * `member` assignment at a group's scope is a membership; any other grant (including `owner` at
 * a group's scope, and a `member` assignment anywhere else) is an ordinary grant.
 */
export function membershipGroup(grant: Pick<Grant, 'roleDefinitionId' | 'scopeId'>): string | null {
  return grant.roleDefinitionId === GROUP_ROLE.member ? groupOfScope(grant.scopeId) : null;
}

export class Memberships {
  private readonly principals: Principals;
  private readonly closures: GroupClosures;
  private byId = new Map<string, TimedEdge>();
  /** While the index loads no closure is cached, so membership changes need not invalidate any. */
  loading = false;

  constructor(principals: Principals, closures: GroupClosures) {
    this.principals = principals;
    this.closures = closures;
  }

  /** How many timed memberships are held (in effect or not). */
  get timedSize(): number {
    return this.byId.size;
  }

  reset(): void {
    this.byId = new Map();
  }

  hasTimed(id: string): boolean {
    return this.byId.has(id);
  }

  /** Records that `memberId` is a direct (static) member of `groupId`. Idempotent. */
  add(groupId: string, memberId: string): void {
    const P = this.principals;
    const group = P.pid(groupId);
    const member = P.pid(memberId);
    const of = P.memberOf[member]!;
    if (of.includes(group)) return;
    of.push(group);
    (P.members[group] ??= []).push(member);
    if (!this.loading) this.closures.invalidate(member);
  }

  /** Removes a static membership; unknown ones are ignored. */
  remove(groupId: string, memberId: string): void {
    const P = this.principals;
    const group = P.pidOf.get(groupId);
    const member = P.pidOf.get(memberId);
    if (group === undefined || member === undefined) return;
    const of = P.memberOf[member]!;
    const i = of.indexOf(group);
    if (i < 0) return;
    swapRemove(of, i);
    const below = P.members[group]!;
    swapRemove(below, below.indexOf(member));
    if (!this.loading) this.closures.invalidate(member);
    this.forgetIfIdle(member);
    this.forgetIfIdle(group);
  }

  /**
   * Adds or replaces (by id) a timed membership of `memberId` in `groupId` for [startAt, endAt).
   * The caller has removed any ordinary grant with this id.
   */
  putTimed(id: string, memberId: string, groupId: string, startAt: number, endAt: number): void {
    const P = this.principals;
    const old = this.byId.get(id);
    if (old !== undefined && P.pId[old.member] === memberId && P.pId[old.group] === groupId) {
      // Same edge, new window: closures ignore windows, so nothing cached changes.
      old.startAt = startAt;
      old.endAt = endAt;
      return;
    }
    if (old !== undefined) this.removeTimed(id);
    const edge: TimedEdge = { id, member: P.pid(memberId), group: P.pid(groupId), startAt, endAt };
    this.byId.set(id, edge);
    push(P.timedOf, edge.member, edge);
    push(P.timedIn, edge.group, edge);
    this.closures.timedEdges++;
    if (!this.loading) this.closures.invalidate(edge.member);
  }

  /** Removes a timed membership by id; returns false when there is none with that id. */
  removeTimed(id: string): boolean {
    const edge = this.byId.get(id);
    if (edge === undefined) return false;
    const P = this.principals;
    this.byId.delete(id);
    pull(P.timedOf, edge.member, edge);
    pull(P.timedIn, edge.group, edge);
    this.closures.timedEdges--;
    if (!this.loading) this.closures.invalidate(edge.member);
    this.forgetIfIdle(edge.member);
    this.forgetIfIdle(edge.group);
    return true;
  }

  /** A principal with no grants and no memberships either way gives its number back. */
  forgetIfIdle(pid: number): void {
    if (!this.principals.isIdle(pid)) return;
    this.closures.forget(pid);
    this.principals.release(pid);
  }
}

function swapRemove<X>(xs: X[], i: number): void {
  xs[i] = xs[xs.length - 1]!;
  xs.pop();
}

function push(byPid: Map<number, TimedEdge[]>, pid: number, edge: TimedEdge): void {
  const list = byPid.get(pid);
  if (list === undefined) byPid.set(pid, [edge]);
  else list.push(edge);
}

/** Removes the edge from pid's list, and the key with the last one (principals.ts: isIdle). */
function pull(byPid: Map<number, TimedEdge[]>, pid: number, edge: TimedEdge): void {
  const list = byPid.get(pid)!;
  swapRemove(list, list.indexOf(edge));
  if (list.length === 0) byPid.delete(pid);
}

/**
 * The decision index itself (overview in index.ts): composes the principal records
 * (principals.ts), group memberships (memberships.ts) and closures (closures.ts), the grant arena
 * (grant-arena.ts), scopes (scopes.ts) and roles (roles.ts), and answers checks over them.
 *
 * Check cost: one Map lookup each for principal, scope and action (plus, for an unregistered path,
 * one substring and lookup per level up to a known ancestor); then for the principal and each
 * group in its closure (c = 1 + |groups|): a sign test (is the group reached only through a timed
 * membership?), a summary test and, if it passes, a sequential scan of its k packed grants (two
 * compares, a search of the ≤ depth-long ancestry, a byte read each) or, above the scan limit,
 * ≤ depth lookups in its per-scope map. O(c · min(k, depth + matches)); `isAllowed` allocates
 * nothing once the closure and the ancestry are cached. Timed memberships add work only where
 * they are: when a group reached only through one would allow, one walk of the edges in effect
 * above the principal (O(those edges), no allocation) says whether it is a member at `at`; a
 * principal with no timed membership above it pays nothing more. `check` and `holdings` allocate
 * their answers (and, when a group's grant counts, the membership chains at `at`).
 *
 * Update cost: putGrant/removeGrant O(k of that holder) (moving a block when it fills: amortised
 * O(1) per grant; a scope-version bump when a new scope node appears, after which each cached
 * ancestry is recomputed once, O(depth), on next use); for a timed membership (a `member` grant
 * at a group's scope), as addMember/removeMember: O(the member's downward cone) to mark cached
 * closures stale, except a change of window alone, O(1); putRole O(1) plus clearing the action
 * cache; putScope O(1) plus a version bump. `load` is O(everything), in two passes so every block
 * is allocated once at its final size.
 */
import type { RoleDefinition, Scope } from '../domain/model.ts';
import type { Instant } from '../domain/time.ts';
import { GroupClosures } from './closures.ts';
import { GrantArena } from './grant-arena.ts';
import { holdersAt } from './holders.ts';
import { hashId } from './id-table.ts';
import { C_LEN, C_OFF, CAP, F, LEN, MARK, MASK_HI, MASK_LO, OFF, R } from './layout.ts';
import { membershipGroup, Memberships } from './memberships.ts';
import { Principals } from './principals.ts';
import { below, collect, DENY, type Explained } from './reasons.ts';
import { type ActionRow, allows, type RoleEntry, RoleTable } from './roles.ts';
import { type ScopeNode, ScopeTable } from './scopes.ts';
import type { AccessIndexOptions, AccessIndexStats, AccessSnapshot, Decision, Grant, Holder, Holding } from './types.ts';

const SCAN_LIMIT = 16;

export class AccessIndex {
  private readonly scanLimit: number;
  private readonly principals = new Principals();
  private readonly closures = new GroupClosures(this.principals);
  private readonly memberships = new Memberships(this.principals, this.closures);
  private readonly arena = new GrantArena(this.principals);
  private readonly scopes = new ScopeTable();
  private readonly roles = new RoleTable();
  private readonly explained: Explained = { principals: this.principals, arena: this.arena, closures: this.closures, roles: this.roles, scopes: this.scopes };

  constructor(options: AccessIndexOptions = {}) {
    this.scanLimit = options.scanLimit ?? SCAN_LIMIT;
  }

  /**
   * Replaces everything with a snapshot. O(grants + memberships + roles + scopes): grants are
   * counted per holder first, so each block is allocated once at its final size. Rows sorted by
   * principal load fastest (consecutive rows of one principal skip the lookup). Timed
   * memberships among the grants go to memberships.ts.
   */
  load(snapshot: AccessSnapshot): void {
    this.reset();
    this.memberships.loading = true;
    let repeated = false;
    try {
      for (const r of snapshot.roles) this.putRole(r);
      for (const s of snapshot.scopes) this.putScope(s);
      for (const m of snapshot.memberships) this.addMember(m.groupId, m.memberId);
      const grants = snapshot.grants;
      const holder = new Int32Array(grants.length); // -1: a timed membership
      let lastId: string | null = null;
      let lastPid = -1;
      let ordinary = 0;
      for (let i = 0; i < grants.length; i++) {
        const g = grants[i]!;
        if (membershipGroup(g) !== null) {
          holder[i] = -1;
          continue;
        }
        if (g.principalId !== lastId) {
          lastId = g.principalId;
          lastPid = this.principals.pid(lastId);
        }
        holder[i] = lastPid;
        ordinary++;
      }
      const M = this.principals.M;
      for (let i = 0; i < grants.length; i++) if (holder[i]! >= 0) M[holder[i]! * R + CAP]!++;
      this.arena.placeBlocks(ordinary);
      for (let i = 0; i < grants.length && !repeated; i++) {
        const g = grants[i]!;
        const h = hashId(g.id);
        if (this.arena.holderOf(g.id, h) !== undefined || this.memberships.hasTimed(g.id)) repeated = true;
        else if (holder[i]! >= 0) this.append(holder[i]!, g, h);
        else this.memberships.putTimed(g.id, g.principalId, membershipGroup(g)!, g.startAt, g.endAt ?? Infinity);
      }
    } finally {
      this.memberships.loading = false;
    }
    if (repeated) this.loadOneByOne(snapshot);
  }

  /** The slow path for a snapshot that repeats a grant id: the later one replaces the earlier. */
  private loadOneByOne(snapshot: AccessSnapshot): void {
    this.reset();
    for (const r of snapshot.roles) this.putRole(r);
    for (const s of snapshot.scopes) this.putScope(s);
    for (const m of snapshot.memberships) this.addMember(m.groupId, m.memberId);
    for (const g of snapshot.grants) this.putGrant(g);
  }

  // ---------------------------------------------------------------- incremental updates

  /**
   * Adds or replaces (by id) a grant — or, for a `member` grant at `/groups/{id}`, a timed
   * membership of that group. O(k) for the holder(s) involved.
   */
  putGrant(grant: Grant): void {
    const h = hashId(grant.id);
    const old = this.arena.holderOf(grant.id, h);
    if (old !== undefined) this.detach(old, grant.id, h);
    const group = membershipGroup(grant);
    if (group !== null) {
      this.memberships.putTimed(grant.id, grant.principalId, group, grant.startAt, grant.endAt ?? Infinity);
      return;
    }
    this.memberships.removeTimed(grant.id); // it was a membership until now
    const pid = this.principals.pid(grant.principalId);
    if (this.arena.isFull(pid)) this.arena.growBlock(pid);
    this.append(pid, grant, h);
  }

  /** Removes a grant (or timed membership) by id; unknown ids are ignored. */
  removeGrant(id: string): void {
    const h = hashId(id);
    const pid = this.arena.holderOf(id, h);
    if (pid !== undefined) this.detach(pid, id, h);
    else this.memberships.removeTimed(id);
  }

  /** Records that `memberId` (a user, service principal or group) is a direct, static member of `groupId`. */
  addMember(groupId: string, memberId: string): void {
    this.memberships.add(groupId, memberId);
  }

  removeMember(groupId: string, memberId: string): void {
    this.memberships.remove(groupId, memberId);
  }

  /** Adds or replaces a role definition. Grants refer to it by number, so they see the change at once. */
  putRole(role: RoleDefinition): void {
    this.roles.put(role);
  }

  /** Forgets a deleted role definition: grants still naming it (none should) allow nothing from now on. */
  removeRole(roleId: string): void {
    this.roles.remove(roleId);
  }

  /** Registers a scope (or changes its explicit parent). */
  putScope(scope: Scope): void {
    this.scopes.register(scope);
  }

  // ---------------------------------------------------------------- queries

  /**
   * The fast decision; allocates nothing once the principal's closure, the scope's ancestry and
   * the (role, action) decisions are cached. Allowed iff a grant held by the principal or by a
   * group containing it at `at` (transitively, through static memberships and timed ones in
   * effect), at the scope or an ancestor, with startAt ≤ at < endAt, has a role that allows the
   * action.
   */
  isAllowed(principalId: string, action: string, scopePath: string, at: Instant): boolean {
    const P = this.principals;
    const pid = P.pidOf.get(principalId);
    if (pid === undefined) return false;
    const scope = this.scopes.resolve(scopePath);
    if (scope === null) return false;
    const row = this.roles.actionRow(action);
    // Nothing below numbers a principal or adds a grant, so M and A stay put.
    const M = P.M;
    const A = this.arena.A;
    const roleList = this.roles.list;
    if (this.holds(M, A, roleList, pid, scope, row, at)) return true;
    let n = M[pid * R + C_LEN]!;
    if (n < 0) n = this.closures.compute(pid);
    if (n === 0) return false;
    const C = this.closures.C;
    const off = M[pid * R + C_OFF]!;
    let markAt = 0; // the walk of memberships in effect at `at`, once needed
    for (let k = off; k < off + n; k++) {
      const g = C[k]!;
      if (g >= 0) {
        if (this.holds(M, A, roleList, g, scope, row, at)) return true;
      } else if (this.holds(M, A, roleList, ~g, scope, row, at)) {
        // Reached only through a timed membership: it counts if pid is in the group at `at`.
        if (markAt === 0) markAt = this.closures.markAt(pid, at);
        if (M[~g * R + MARK] === markAt) return true;
      }
    }
    return false;
  }

  /** The decision with every grant that supports it. Same answer as `isAllowed`, slower. */
  check(principalId: string, action: string, scopePath: string, at: Instant): Decision {
    const pid = this.principals.pidOf.get(principalId);
    if (pid === undefined) return DENY;
    const scope = this.scopes.resolve(scopePath);
    if (scope === null) return DENY;
    const row = this.roles.actionRow(action);
    const roleList = this.roles.list;
    const A = this.arena.A; // collecting adds nothing, so A stays put
    const reasons = collect(this.explained, pid, at, scope.ancestry, (slot) => allows(row, roleList, A[slot * F + 3]!));
    return reasons.length === 0 ? DENY : { allowed: true, reasons: below(reasons, scope.path, scopePath) };
  }

  /**
   * What a principal holds at `at`: every grant in effect, held directly or through groups it is
   * in at `at`. With `scopePath`, only grants that apply there (at it or an ancestor: `inherited`
   * says which). O(c · k) plus the answer.
   */
  holdings(principalId: string, at: Instant, scopePath?: string): Holding[] {
    const pid = this.principals.pidOf.get(principalId);
    if (pid === undefined) return [];
    let anc: number[] | null = null;
    if (scopePath !== undefined) {
      const scope = this.scopes.resolve(scopePath);
      if (scope === null) return [];
      anc = scope.ancestry;
    }
    const held = collect(this.explained, pid, at, anc, () => true);
    return scopePath === undefined ? held : below(held, this.scopes.resolve(scopePath)!.path, scopePath);
  }

  /**
   * Who holds what at a scope at `at` (holders.ts): every principal with a grant in effect that
   * applies there, directly or as a member (at `at`) of the holder group, with the reason; sorted
   * by principal, then grant. O(principals + their grants + members of holder groups + answer).
   */
  holders(scopePath: string, at: Instant): Holder[] {
    const scope = this.scopes.resolve(scopePath);
    if (scope === null) return [];
    const found = below(holdersAt(this.explained, scope, at), scope.path, scopePath);
    return found.sort((a, b) => compare(a.principalId, b.principalId) || compare(a.grantId, b.grantId));
  }

  /**
   * The groups a principal belongs to, directly or through nested groups: at `at`, through static
   * memberships and timed ones in effect; without `at`, through every membership whatever its window.
   */
  groupsOf(principalId: string, at?: Instant): string[] {
    const P = this.principals;
    const pid = P.pidOf.get(principalId);
    if (pid === undefined) return [];
    if (at === undefined) return this.closures.of(pid).map((g) => P.pId[g]!);
    const all = this.closures.of(pid); // before marking: computing a closure is a walk of its own
    const mark = this.closures.markAt(pid, at);
    return all.filter((g) => P.M[g * R + MARK] === mark).map((g) => P.pId[g]!);
  }

  stats(): AccessIndexStats {
    return {
      grants: this.arena.size,
      timedMemberships: this.memberships.timedSize,
      principals: this.principals.size,
      scopes: this.scopes.size,
      roles: this.roles.size,
    };
  }

  // ---------------------------------------------------------------- internals

  /** Does `pid` itself hold a grant in effect at `at`, at the scope or an ancestor, whose role allows the row's action? */
  private holds(M: Int32Array, A: Float64Array, roleList: readonly RoleEntry[], pid: number, scope: ScopeNode, row: ActionRow, at: number): boolean {
    const b = pid * R;
    const n = M[b + LEN]!;
    if (n === 0 || ((M[b + MASK_LO]! & scope.maskLo) | (M[b + MASK_HI]! & scope.maskHi)) === 0) return false;
    const anc = scope.ancestry;
    if (n <= this.scanLimit) {
      const end = (M[b + OFF]! + n) * F;
      for (let i = M[b + OFF]! * F; i < end; i += F) {
        if (A[i]! <= at && at < A[i + 1]! && contains(anc, A[i + 2]!) && allows(row, roleList, A[i + 3]!)) return true;
      }
      return false;
    }
    const byScope = this.principals.byScope[pid] ?? this.arena.buildByScope(pid);
    for (let k = 0; k < anc.length; k++) {
      const slots = byScope.get(anc[k]!);
      if (slots === undefined) continue;
      for (let j = 0; j < slots.length; j++) {
        const i = slots[j]! * F;
        if (A[i]! <= at && at < A[i + 1]! && allows(row, roleList, A[i + 3]!)) return true;
      }
    }
    return false;
  }

  private reset(): void {
    this.principals.reset();
    this.closures.reset();
    this.memberships.reset();
    this.arena.reset();
    this.scopes.reset();
    this.roles.reset();
  }

  /** Writes a grant into the next free slot of pid's block (which has room). */
  private append(pid: number, g: Grant, h: number): void {
    const scope = this.scopes.node(g.scopeId);
    scope.grantCount++;
    this.arena.append(pid, g.id, h, g.startAt, g.endAt ?? Infinity, scope.idx, this.roles.role(g.roleDefinitionId).idx);
  }

  /** Removes grant `id` from pid's block, dropping its scope node and pid once nothing uses them. */
  private detach(pid: number, id: string, h: number): void {
    const s = this.arena.detach(pid, id, h);
    if (s < 0) return;
    const scope = this.scopes.at(s);
    if (--scope.grantCount === 0 && !scope.registered) this.scopes.release(scope);
    this.memberships.forgetIfIdle(pid);
  }
}

function contains(anc: number[], scope: number): boolean {
  for (let i = 0; i < anc.length; i++) if (anc[i] === scope) return true;
  return false;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

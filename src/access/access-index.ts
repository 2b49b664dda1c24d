/**
 * The decision index itself (overview in index.ts): composes the principal records
 * (principals.ts), group closures (closures.ts), the grant arena (grant-arena.ts), scopes
 * (scopes.ts) and roles (roles.ts), and answers checks over them.
 *
 * Check cost: one Map lookup each for principal, scope and action (plus, for an unregistered path,
 * one substring and lookup per level up to a known ancestor); then for the principal and each
 * group in its closure (c = 1 + |groups|): a summary test and, if it passes, a sequential scan of
 * its k packed grants (two compares, a search of the ≤ depth-long ancestry, a byte read each) or,
 * above the scan limit, ≤ depth lookups in its per-scope map. O(c · min(k, depth + matches));
 * `isAllowed` allocates nothing once the closure and the ancestry are cached. `check` and
 * `holdings` allocate their answers.
 *
 * Update cost: putGrant/removeGrant O(k of that holder) (moving a block when it fills: amortised
 * O(1) per grant; a scope-version bump when a new scope node appears, after which each cached
 * ancestry is recomputed once, O(depth), on next use); addMember/removeMember O(the member's
 * downward cone) to mark cached closures stale; putRole O(1) plus clearing the action cache;
 * putScope O(1) plus a version bump. `load` is O(everything), in two passes so every block is
 * allocated once at its final size.
 */
import type { RoleDefinition, Scope } from '../domain/model.ts';
import type { Instant } from '../domain/time.ts';
import { GroupClosures } from './closures.ts';
import { GrantArena } from './grant-arena.ts';
import { hashId } from './id-table.ts';
import { C_LEN, C_OFF, CAP, F, LEN, MASK_HI, MASK_LO, OFF, R } from './layout.ts';
import { Principals } from './principals.ts';
import { below, collect, DENY, type Explained } from './reasons.ts';
import { type ActionRow, allows, type RoleEntry, RoleTable } from './roles.ts';
import { type ScopeNode, ScopeTable } from './scopes.ts';
import type { AccessIndexOptions, AccessIndexStats, AccessSnapshot, Decision, Grant, Holding } from './types.ts';

const SCAN_LIMIT = 16;

export class AccessIndex {
  private readonly scanLimit: number;
  private readonly principals = new Principals();
  private readonly closures = new GroupClosures(this.principals);
  private readonly arena = new GrantArena(this.principals);
  private readonly scopes = new ScopeTable();
  private readonly roles = new RoleTable();
  private readonly explained: Explained = { principals: this.principals, arena: this.arena, closures: this.closures, roles: this.roles, scopes: this.scopes };
  /** While `load` runs no closure is cached, so membership changes need not invalidate any. */
  private loading = false;

  constructor(options: AccessIndexOptions = {}) {
    this.scanLimit = options.scanLimit ?? SCAN_LIMIT;
  }

  /**
   * Replaces everything with a snapshot. O(grants + memberships + roles + scopes): grants are
   * counted per holder first, so each block is allocated once at its final size. Rows sorted by
   * principal load fastest (consecutive rows of one principal skip the lookup).
   */
  load(snapshot: AccessSnapshot): void {
    this.reset();
    this.loading = true;
    let repeated = false;
    try {
      for (const r of snapshot.roles) this.putRole(r);
      for (const s of snapshot.scopes) this.putScope(s);
      for (const m of snapshot.memberships) this.addMember(m.groupId, m.memberId);
      const grants = snapshot.grants;
      const holder = new Int32Array(grants.length);
      let lastId: string | null = null;
      let lastPid = -1;
      for (let i = 0; i < grants.length; i++) {
        const id = grants[i]!.principalId;
        if (id !== lastId) {
          lastId = id;
          lastPid = this.principals.pid(id);
        }
        holder[i] = lastPid;
      }
      const M = this.principals.M;
      for (let i = 0; i < grants.length; i++) M[holder[i]! * R + CAP]!++;
      this.arena.placeBlocks(grants.length);
      for (let i = 0; i < grants.length; i++) {
        const g = grants[i]!;
        const h = hashId(g.id);
        if (this.arena.holderOf(g.id, h) !== undefined) {
          repeated = true;
          break;
        }
        this.append(holder[i]!, g, h);
      }
    } finally {
      this.loading = false;
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

  /** Adds or replaces (by id) a grant. O(k) for the holder(s) involved. */
  putGrant(grant: Grant): void {
    const h = hashId(grant.id);
    const old = this.arena.holderOf(grant.id, h);
    if (old !== undefined) this.detach(old, grant.id, h);
    const pid = this.principals.pid(grant.principalId);
    if (this.arena.isFull(pid)) this.arena.growBlock(pid);
    this.append(pid, grant, h);
  }

  /** Removes a grant by id; unknown ids are ignored. */
  removeGrant(id: string): void {
    const h = hashId(id);
    const pid = this.arena.holderOf(id, h);
    if (pid !== undefined) this.detach(pid, id, h);
  }

  /** Records that `memberId` (a user, service principal or group) is a direct member of `groupId`. */
  addMember(groupId: string, memberId: string): void {
    const P = this.principals;
    const group = P.pid(groupId);
    const member = P.pid(memberId);
    const of = P.memberOf[member]!;
    if (of.includes(group)) return;
    of.push(group);
    (P.members[group] ??= []).push(member);
    if (!this.loading) this.closures.invalidate(member);
  }

  removeMember(groupId: string, memberId: string): void {
    const P = this.principals;
    const group = P.pidOf.get(groupId);
    const member = P.pidOf.get(memberId);
    if (group === undefined || member === undefined) return;
    const of = P.memberOf[member]!;
    const i = of.indexOf(group);
    if (i < 0) return;
    of[i] = of[of.length - 1]!;
    of.pop();
    const below = P.members[group]!;
    const j = below.indexOf(member);
    below[j] = below[below.length - 1]!;
    below.pop();
    if (!this.loading) this.closures.invalidate(member);
    this.forgetIfIdle(member);
    this.forgetIfIdle(group);
  }

  /** Adds or replaces a role definition. Grants refer to it by number, so they see the change at once. */
  putRole(role: RoleDefinition): void {
    this.roles.put(role);
  }

  /** Registers a scope (or changes its explicit parent). */
  putScope(scope: Scope): void {
    this.scopes.register(scope);
  }

  // ---------------------------------------------------------------- queries

  /**
   * The fast decision; allocates nothing once the principal's closure, the scope's ancestry and
   * the (role, action) decisions are cached. Allowed iff a grant held by the principal or by a
   * group containing it (transitively), at the scope or an ancestor, with startAt ≤ at < endAt,
   * has a role that allows the action.
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
    for (let k = off; k < off + n; k++) {
      if (this.holds(M, A, roleList, C[k]!, scope, row, at)) return true;
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
   * What a principal holds at `at`: every grant in effect, held directly or through groups. With
   * `scopePath`, only grants that apply there (at it or an ancestor: `inherited` says which).
   * O(c · k) plus the answer.
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

  /** The groups a principal belongs to, directly or through nested groups. */
  groupsOf(principalId: string): string[] {
    const P = this.principals;
    const pid = P.pidOf.get(principalId);
    return pid === undefined ? [] : this.closures.of(pid).map((g) => P.pId[g]!);
  }

  stats(): AccessIndexStats {
    return { grants: this.arena.size, principals: this.principals.size, scopes: this.scopes.size, roles: this.roles.size };
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
    this.forgetIfIdle(pid);
  }

  /** A principal with no grants and no memberships either way gives its number back. */
  private forgetIfIdle(pid: number): void {
    if (!this.principals.isIdle(pid)) return;
    this.closures.forget(pid);
    this.principals.release(pid);
  }
}

function contains(anc: number[], scope: number): boolean {
  for (let i = 0; i < anc.length; i++) if (anc[i] === scope) return true;
  return false;
}

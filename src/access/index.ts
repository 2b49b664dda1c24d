/**
 * The decision index (ARCHITECTURE "access/", PRODUCT §6): *may principal P do action A at scope S
 * at instant T?* answered from memory in a few microseconds at a million grants.
 *
 * Pure in-memory structures, no I/O, no clock: the caller passes `at` on every call, and every
 * grant's window is compared with it on every check — an ended grant never allows anything, even
 * if nobody has removed it yet (TARGETS T5, ARCHITECTURE invariant 2). The index is built from a
 * snapshot of the database (`load`) and kept current by applying the change feed with the
 * incremental methods, which are all idempotent (at-least-once delivery is fine).
 *
 * One index serves one tenant: scope paths (`/` above all) are per tenant.
 *
 * Layout. At a million grants a check costs what its cache misses cost (≈ 150–200 ns each on the
 * machines we measure), so what a check reads is kept dense rather than spread over objects:
 *
 *   principals  numbered (pid): `pidOf: Map<id, pid>`. Per pid, one 32-byte record in `M`
 *               (Int32Array): its block in the grant arena (offset, length, capacity), a mark for
 *               graph walks, its cached closure (offset and length in `C`, -1 = not computed)
 *               and a 64-bit summary of the scopes its grants sit at (bit = scope number mod 64),
 *               so a holder with nothing at any of the requested scope's ancestors is skipped
 *               without touching its grants. Plain arrays per pid: direct groups (`memberOf`),
 *               direct members (groups only, to invalidate downwards) and, for principals
 *               holding more than `scanLimit` (16) grants, a lazily built Map<scope, slots>.
 *   closures    `C` (Int32Array): for each principal asked about, every group containing it
 *               transitively, computed lazily (breadth first with a generation mark, so membership
 *               cycles terminate). A membership change marks the member's whole downward cone
 *               stale; when `C` fills up and is mostly stale, every closure is dropped and
 *               recomputed on demand.
 *   arena       `A` (Float64Array), 4 numbers per grant slot: startAt, endAt (Infinity =
 *               permanent), scope number, role number. Each principal's grants sit in one block
 *               of power-of-two capacity; freed blocks are reused through per-size free lists.
 *               `slotId` holds the grant ids (read only to explain and to confirm a lookup);
 *               `ids` (id-table.ts: a hash of the id → pid, in typed arrays) finds a grant's
 *               holder to replace or remove it.
 *   scopes      `Map<path, ScopeNode>` for registered scopes and every path holding a grant,
 *               numbered; each caches its ancestry (its own number and each known ancestor's,
 *               nearest first) and that ancestry's 64-bit summary, recomputed lazily when the
 *               scope version changes (new node, putScope). A request path nobody registered
 *               walks the string rule up to its nearest known ancestor; only the part below that
 *               ancestor is checked for shape.
 *   roles       numbered, compiled once. Per action (bounded cache, cleared on any role change)
 *               a byte per role caches the decision: 0 unknown, 1 allow, 2 deny.
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
import type { MemberType, RoleDefinition, Schedule, Scope } from '../domain/model.ts';
import type { Instant } from '../domain/time.ts';
import { type ActionMatcher, compileRole, DENY_ALL, splitAction } from './actions.ts';
import { hashId, IdTable } from './id-table.ts';
import { isCanonicalScope, parentPath } from './scope-path.ts';

/** An active assignment as the index needs it: only open `assignment` schedules grant anything. */
export interface Grant {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly scopeId: string;
  readonly startAt: Instant;
  /** null = permanent. */
  readonly endAt: Instant | null;
}

export interface Membership {
  readonly groupId: string;
  readonly memberId: string;
}

export interface AccessSnapshot {
  readonly roles: readonly RoleDefinition[];
  readonly scopes: readonly Scope[];
  readonly memberships: readonly Membership[];
  readonly grants: readonly Grant[];
}

/** Why access is allowed (or, for `holdings`, what is held): one grant in effect. */
export interface Reason {
  readonly grantId: string;
  readonly roleDefinitionId: string;
  /** null when the index has not seen the role (such a grant never allows anything). */
  readonly roleDisplayName: string | null;
  /** Where the grant was made: the requested scope, or (inherited) one of its ancestors. */
  readonly scopeId: string;
  readonly inherited: boolean;
  /** 'group' when the grant is held by a group the principal belongs to. */
  readonly via: 'direct' | 'group';
  /** The holder group when via a group, else null. */
  readonly groupId: string | null;
  /** Membership chain from the principal to the holder: [direct group, …, holder]. Empty when direct. */
  readonly groupPath: readonly string[];
  /** Graph's memberType: Group when via a group, else Inherited when from an ancestor scope, else Direct. */
  readonly memberType: MemberType;
  readonly startAt: Instant;
  /** null = permanent. */
  readonly endAt: Instant | null;
}

export interface Decision {
  readonly allowed: boolean;
  /** Every grant that allows the action (empty on deny). */
  readonly reasons: readonly Reason[];
}

/** A grant in effect as `holdings` lists it: a Reason without the action it was asked for. */
export type Holding = Reason;

export interface AccessIndexStats {
  readonly grants: number;
  readonly principals: number;
  readonly scopes: number;
  readonly roles: number;
}

export interface AccessIndexOptions {
  /** Grants a principal may hold before checks use its per-scope map (default 16; tests use 0 to cover that path). */
  readonly scanLimit?: number;
}

/**
 * The facts of a schedule that grant access, or null when it grants nothing (eligibilities and
 * closed schedules). For the loader and the change-feed follower.
 */
export function grantFromSchedule(s: Schedule): Grant | null {
  if (s.kind !== 'assignment' || s.closed) return null;
  return { id: s.id, principalId: s.principalId, roleDefinitionId: s.roleDefinitionId, scopeId: s.directoryScopeId, startAt: s.startAt, endAt: s.endAt };
}

/**
 * An unregistered scope is answered by its nearest registered ancestor; every grant found there is
 * then inherited from above the scope that was asked about.
 */
function below(reasons: Reason[], resolved: string, asked: string): Reason[] {
  if (resolved === asked) return reasons;
  return reasons.map((r) => ({ ...r, inherited: true, memberType: r.via === 'group' ? 'Group' : 'Inherited' }));
}

/** Numbers per grant slot in the arena: startAt, endAt, scope number, role number. */
const F = 4;
/** Int32s per principal record in M. */
const R = 8;
const OFF = 0;
const LEN = 1;
const CAP = 2;
const MARK = 3;
const C_OFF = 4;
const C_LEN = 5;
const MASK_LO = 6;
const MASK_HI = 7;
const SCAN_LIMIT = 16;
/** Bounds on cached action rows (cleared when full: requested actions are caller-controlled). */
const ACTION_CACHE_LIMIT = 4096;
const ACTION_CACHE_MAX_LENGTH = 512;

class RoleEntry {
  id: string;
  idx: number;
  def: RoleDefinition | null = null;
  allows: ActionMatcher = DENY_ALL;
  constructor(id: string, idx: number) {
    this.id = id;
    this.idx = idx;
  }
}

class ScopeNode {
  idx: number;
  path: string;
  canonical: boolean;
  /** The registered scope's explicit parent, else null (string rule). */
  explicitParent: string | null = null;
  registered = false;
  grantCount = 0;
  /** Its own number and each known ancestor's, nearest first; valid when ancestryVersion is current. */
  ancestry: number[] = [];
  maskLo = 0;
  maskHi = 0;
  ancestryVersion = -1;
  constructor(idx: number, path: string) {
    this.idx = idx;
    this.path = path;
    this.canonical = isCanonicalScope(path);
  }
}

/** Per action: its segments and one cached decision byte per role number. */
interface ActionRow {
  readonly segments: readonly string[];
  readonly decisions: Uint8Array;
}

const pow2AtLeast = (n: number): number => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));
/** A scope number's bit in a 64-bit summary, as [low word bit, high word bit]. */
const bitLo = (scope: number): number => ((scope & 63) < 32 ? 1 << (scope & 31) : 0);
const bitHi = (scope: number): number => ((scope & 63) >= 32 ? 1 << (scope & 31) : 0);

export class AccessIndex {
  private readonly scanLimit: number;

  // principals, by pid
  private pidOf = new Map<string, number>();
  private pId: (string | undefined)[] = [];
  private M = new Int32Array(64 * R);
  private memberOf: number[][] = [];
  private members: (number[] | null)[] = [];
  private byScope: (Map<number, number[]> | null)[] = [];
  private freePids: number[] = [];

  // closures
  private C = new Int32Array(1024);
  private cTop = 0;
  private cStale = 0;
  private scratch: number[] = [];

  // grant arena, by slot
  private A = new Float64Array(64 * F);
  private slotId: (string | undefined)[] = [];
  private top = 0;
  private freeBlocks = new Map<number, number[]>();
  private ids = new IdTable();

  // scopes and roles
  private scopes = new Map<string, ScopeNode>();
  private scopeList: (ScopeNode | undefined)[] = [];
  /** Numbers of dropped scope nodes, reused by new ones (safe: making a node bumps the scope version). */
  private freeScopes: number[] = [];
  /** Bumped whenever a scope's ancestry may change. */
  private scopeVersion = 0;
  private roles = new Map<string, RoleEntry>();
  private roleList: RoleEntry[] = [];
  private actionRows = new Map<string, ActionRow>();
  private rowWidth = 64;

  private generation = 0;
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
          lastPid = this.pid(id);
        }
        holder[i] = lastPid;
      }
      const M = this.M;
      for (let i = 0; i < grants.length; i++) M[holder[i]! * R + CAP]!++;
      let slots = 0;
      for (let p = 0; p < this.pId.length; p++) slots += M[p * R + CAP]! > 0 ? pow2AtLeast(M[p * R + CAP]!) : 0;
      this.ensureArena(slots);
      for (let p = 0; p < this.pId.length; p++) {
        const n = M[p * R + CAP]!;
        if (n === 0) continue;
        M[p * R + OFF] = this.top;
        M[p * R + CAP] = pow2AtLeast(n);
        this.top += M[p * R + CAP]!;
      }
      this.ids.reserve(grants.length);
      for (let i = 0; i < grants.length; i++) {
        const g = grants[i]!;
        const h = hashId(g.id);
        if (this.holderOf(g.id, h) !== undefined) {
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
    const old = this.holderOf(grant.id, h);
    if (old !== undefined) this.detach(old, grant.id, h);
    const pid = this.pid(grant.principalId);
    if (this.M[pid * R + LEN] === this.M[pid * R + CAP]) this.growBlock(pid);
    this.append(pid, grant, h);
  }

  /** Removes a grant by id; unknown ids are ignored. */
  removeGrant(id: string): void {
    const h = hashId(id);
    const pid = this.holderOf(id, h);
    if (pid !== undefined) this.detach(pid, id, h);
  }

  /** Records that `memberId` (a user, service principal or group) is a direct member of `groupId`. */
  addMember(groupId: string, memberId: string): void {
    const group = this.pid(groupId);
    const member = this.pid(memberId);
    const of = this.memberOf[member]!;
    if (of.includes(group)) return;
    of.push(group);
    (this.members[group] ??= []).push(member);
    this.invalidateClosures(member);
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.pidOf.get(groupId);
    const member = this.pidOf.get(memberId);
    if (group === undefined || member === undefined) return;
    const of = this.memberOf[member]!;
    const i = of.indexOf(group);
    if (i < 0) return;
    of[i] = of[of.length - 1]!;
    of.pop();
    const below = this.members[group]!;
    const j = below.indexOf(member);
    below[j] = below[below.length - 1]!;
    below.pop();
    this.invalidateClosures(member);
    this.forgetIfIdle(member);
    this.forgetIfIdle(group);
  }

  /** Adds or replaces a role definition. Grants refer to it by number, so they see the change at once. */
  putRole(role: RoleDefinition): void {
    const entry = this.role(role.id);
    entry.def = role;
    entry.allows = compileRole(role);
    this.actionRows.clear();
  }

  /** Registers a scope (or changes its explicit parent). */
  putScope(scope: Scope): void {
    const node = this.scopeNode(scope.id);
    node.registered = true;
    node.explicitParent = scope.parentId;
    this.scopeVersion++;
  }

  // ---------------------------------------------------------------- queries

  /**
   * The fast decision; allocates nothing once the principal's closure, the scope's ancestry and
   * the (role, action) decisions are cached. Allowed iff a grant held by the principal or by a
   * group containing it (transitively), at the scope or an ancestor, with startAt ≤ at < endAt,
   * has a role that allows the action.
   */
  isAllowed(principalId: string, action: string, scopePath: string, at: Instant): boolean {
    const pid = this.pidOf.get(principalId);
    if (pid === undefined) return false;
    const scope = this.scopeFor(scopePath);
    if (scope === null) return false;
    const row = this.actionRow(action);
    if (this.holds(pid, scope, row, at)) return true;
    let n = this.M[pid * R + C_LEN]!;
    if (n < 0) n = this.computeClosure(pid);
    if (n === 0) return false;
    const C = this.C;
    const off = this.M[pid * R + C_OFF]!;
    for (let k = off; k < off + n; k++) {
      if (this.holds(C[k]!, scope, row, at)) return true;
    }
    return false;
  }

  /** The decision with every grant that supports it. Same answer as `isAllowed`, slower. */
  check(principalId: string, action: string, scopePath: string, at: Instant): Decision {
    const pid = this.pidOf.get(principalId);
    if (pid === undefined) return DENY;
    const scope = this.scopeFor(scopePath);
    if (scope === null) return DENY;
    const row = this.actionRow(action);
    const reasons = this.collect(pid, at, scope.ancestry, (slot) => this.allows(row, this.A[slot * F + 3]!));
    return reasons.length === 0 ? DENY : { allowed: true, reasons: below(reasons, scope.path, scopePath) };
  }

  /**
   * What a principal holds at `at`: every grant in effect, held directly or through groups. With
   * `scopePath`, only grants that apply there (at it or an ancestor: `inherited` says which).
   * O(c · k) plus the answer.
   */
  holdings(principalId: string, at: Instant, scopePath?: string): Holding[] {
    const pid = this.pidOf.get(principalId);
    if (pid === undefined) return [];
    let anc: number[] | null = null;
    if (scopePath !== undefined) {
      const scope = this.scopeFor(scopePath);
      if (scope === null) return [];
      anc = scope.ancestry;
    }
    const held = this.collect(pid, at, anc, () => true);
    return scopePath === undefined ? held : below(held, this.scopeFor(scopePath)!.path, scopePath);
  }

  /** The groups a principal belongs to, directly or through nested groups. */
  groupsOf(principalId: string): string[] {
    const pid = this.pidOf.get(principalId);
    return pid === undefined ? [] : this.closureOf(pid).map((g) => this.pId[g]!);
  }

  stats(): AccessIndexStats {
    return { grants: this.ids.size, principals: this.pidOf.size, scopes: this.scopes.size, roles: this.roles.size };
  }

  // ---------------------------------------------------------------- internals: hot path

  /** Does `pid` itself hold a grant in effect at `at`, at the scope or an ancestor, whose role allows the row's action? */
  private holds(pid: number, scope: ScopeNode, row: ActionRow, at: number): boolean {
    const M = this.M;
    const b = pid * R;
    const n = M[b + LEN]!;
    if (n === 0 || ((M[b + MASK_LO]! & scope.maskLo) | (M[b + MASK_HI]! & scope.maskHi)) === 0) return false;
    const A = this.A;
    const anc = scope.ancestry;
    if (n <= this.scanLimit) {
      const end = (M[b + OFF]! + n) * F;
      for (let i = M[b + OFF]! * F; i < end; i += F) {
        if (A[i]! <= at && at < A[i + 1]! && contains(anc, A[i + 2]!) && this.allows(row, A[i + 3]!)) return true;
      }
      return false;
    }
    const byScope = this.byScope[pid] ?? this.buildByScope(pid);
    for (let k = 0; k < anc.length; k++) {
      const slots = byScope.get(anc[k]!);
      if (slots === undefined) continue;
      for (let j = 0; j < slots.length; j++) {
        const i = slots[j]! * F;
        if (A[i]! <= at && at < A[i + 1]! && this.allows(row, A[i + 3]!)) return true;
      }
    }
    return false;
  }

  private allows(row: ActionRow, roleIdx: number): boolean {
    const d = row.decisions[roleIdx];
    if (d === 1) return true;
    if (d === 2) return false;
    const ok = this.roleList[roleIdx]!.allows(row.segments);
    if (roleIdx < row.decisions.length) row.decisions[roleIdx] = ok ? 1 : 2;
    return ok;
  }

  private actionRow(action: string): ActionRow {
    let row = this.actionRows.get(action);
    if (row === undefined) {
      row = { segments: splitAction(action), decisions: new Uint8Array(this.rowWidth) };
      if (action.length > ACTION_CACHE_MAX_LENGTH) return row; // answered, not kept
      if (this.actionRows.size >= ACTION_CACHE_LIMIT) this.actionRows.clear();
      this.actionRows.set(action, row);
    }
    return row;
  }

  /**
   * The known scope whose ancestry (kept current) a check at `path` draws on: the path's own node,
   * else its nearest known ancestor — a path nobody registered holds nothing — provided the path
   * is well formed: the ancestor's own flag plus a check of the part below it (the string rule
   * only cuts before a `/`, so the ancestor's path is a prefix of the request's). Null for a
   * malformed path or when no ancestor is known.
   */
  private scopeFor(path: string): ScopeNode | null {
    let node = this.scopes.get(path);
    if (node === undefined) {
      for (let up = parentPath(path); up !== null; up = parentPath(up)) {
        node = this.scopes.get(up);
        if (node === undefined) continue;
        if (!isCanonicalScope(path, node.path === '/' ? 0 : node.path.length)) return null;
        break;
      }
      if (node === undefined) return null;
    }
    if (!node.canonical) return null;
    if (node.ancestryVersion !== this.scopeVersion) this.computeAncestry(node);
    return node;
  }

  /** Walks explicit parents (or the string rule) to the root; a visited set stops parent loops. O(depth). */
  private computeAncestry(node: ScopeNode): void {
    const chain: number[] = [node.idx];
    const seen = new Set<string>([node.path]);
    let up: string | null = node.explicitParent ?? parentPath(node.path);
    while (up !== null && !seen.has(up)) {
      seen.add(up);
      const known = this.scopes.get(up);
      if (known !== undefined) {
        chain.push(known.idx);
        up = known.explicitParent ?? parentPath(up);
      } else {
        up = parentPath(up);
      }
    }
    node.ancestry = chain;
    node.maskLo = 0;
    node.maskHi = 0;
    for (const s of chain) {
      node.maskLo |= bitLo(s);
      node.maskHi |= bitHi(s);
    }
    node.ancestryVersion = this.scopeVersion;
  }

  /**
   * Transitive groups of `pid` (excluding itself), breadth first; marks make cycles terminate.
   * Stored in C; returns how many. O(closure edges).
   */
  private computeClosure(pid: number): number {
    const M = this.M;
    const gen = ++this.generation;
    M[pid * R + MARK] = gen;
    const out = this.scratch;
    out.length = 0;
    for (let i = -1; i < out.length; i++) {
      for (const g of this.memberOf[i < 0 ? pid : out[i]!]!) {
        if (M[g * R + MARK] === gen) continue;
        M[g * R + MARK] = gen;
        out.push(g);
      }
    }
    if (this.cTop + out.length > this.C.length) this.makeRoomInC(out.length);
    const off = this.cTop;
    for (let i = 0; i < out.length; i++) this.C[off + i] = out[i]!;
    this.cTop += out.length;
    M[pid * R + C_OFF] = off;
    M[pid * R + C_LEN] = out.length;
    return out.length;
  }

  /** When C is full: drop every closure if most are stale (they recompute on demand), else grow. */
  private makeRoomInC(need: number): void {
    if (this.cStale * 2 >= this.cTop) {
      for (let p = 0; p < this.pId.length; p++) this.M[p * R + C_LEN] = -1;
      this.cTop = 0;
      this.cStale = 0;
    }
    if (this.cTop + need > this.C.length) {
      const C = new Int32Array(Math.max(this.C.length * 2, this.cTop + need));
      C.set(this.C.subarray(0, this.cTop));
      this.C = C;
    }
  }

  private closureOf(pid: number): number[] {
    let n = this.M[pid * R + C_LEN]!;
    if (n < 0) n = this.computeClosure(pid);
    const off = this.M[pid * R + C_OFF]!;
    return Array.from(this.C.subarray(off, off + n));
  }

  private buildByScope(pid: number): Map<number, number[]> {
    const m = new Map<number, number[]>();
    const from = this.M[pid * R + OFF]!;
    const end = from + this.M[pid * R + LEN]!;
    for (let slot = from; slot < end; slot++) {
      const scope = this.A[slot * F + 2]!;
      const slots = m.get(scope);
      if (slots === undefined) m.set(scope, [slot]);
      else slots.push(slot);
    }
    this.byScope[pid] = m;
    return m;
  }

  // ---------------------------------------------------------------- internals: explaining

  /** Grants in effect at `at` held by pid or its groups, at `anc` (any scope when null), passing `keep`. */
  private collect(pid: number, at: number, anc: number[] | null, keep: (slot: number) => boolean): Reason[] {
    const out: Reason[] = [];
    const A = this.A;
    let paths: Map<number, number[]> | null = null;
    for (const holder of [pid, ...this.closureOf(pid)]) {
      const from = this.M[holder * R + OFF]!;
      const end = from + this.M[holder * R + LEN]!;
      for (let slot = from; slot < end; slot++) {
        const i = slot * F;
        if (!(A[i]! <= at && at < A[i + 1]!)) continue;
        if (anc !== null && !anc.includes(A[i + 2]!)) continue;
        if (!keep(slot)) continue;
        if (holder !== pid) paths ??= this.groupPaths(pid);
        out.push(this.reasonOf(slot, holder, holder === pid ? null : paths!.get(holder)!, anc !== null && A[i + 2] !== anc[0]));
      }
    }
    return out;
  }

  /** For each group containing pid, the membership chain from pid to it (shortest, breadth first). */
  private groupPaths(pid: number): Map<number, number[]> {
    const paths = new Map<number, number[]>([[pid, []]]);
    const queue = [pid];
    for (let i = 0; i < queue.length; i++) {
      const from = queue[i]!;
      for (const g of this.memberOf[from]!) {
        if (paths.has(g)) continue;
        paths.set(g, [...paths.get(from)!, g]);
        queue.push(g);
      }
    }
    return paths;
  }

  private reasonOf(slot: number, holder: number, groupPath: number[] | null, inherited: boolean): Reason {
    const i = slot * F;
    const A = this.A;
    const role = this.roleList[A[i + 3]!]!;
    const viaGroup = groupPath !== null;
    return {
      grantId: this.slotId[slot]!,
      roleDefinitionId: role.id,
      roleDisplayName: role.def?.displayName ?? null,
      scopeId: this.scopeList[A[i + 2]!]!.path,
      inherited,
      via: viaGroup ? 'group' : 'direct',
      groupId: viaGroup ? this.pId[holder]! : null,
      groupPath: viaGroup ? groupPath.map((g) => this.pId[g]!) : [],
      memberType: viaGroup ? 'Group' : inherited ? 'Inherited' : 'Direct',
      startAt: A[i]!,
      endAt: A[i + 1] === Infinity ? null : A[i + 1]!,
    };
  }

  // ---------------------------------------------------------------- internals: bookkeeping

  private reset(): void {
    this.pidOf = new Map();
    this.pId = [];
    this.M = new Int32Array(64 * R);
    this.memberOf = [];
    this.members = [];
    this.byScope = [];
    this.freePids = [];
    this.C = new Int32Array(1024);
    this.cTop = 0;
    this.cStale = 0;
    this.A = new Float64Array(64 * F);
    this.slotId = [];
    this.top = 0;
    this.freeBlocks = new Map();
    this.ids = new IdTable();
    this.scopes = new Map();
    this.scopeList = [];
    this.freeScopes = [];
    this.scopeVersion++;
    this.roles = new Map();
    this.roleList = [];
    this.actionRows = new Map();
    this.rowWidth = 64;
  }

  /** The pid of a principal, numbering it if new (a fresh record: no grants, closure not computed). */
  private pid(id: string): number {
    const known = this.pidOf.get(id);
    if (known !== undefined) return known;
    let pid = this.freePids.pop();
    if (pid === undefined) {
      pid = this.pId.length;
      this.pId.push(id);
      this.memberOf.push([]);
      this.members.push(null);
      this.byScope.push(null);
      if ((pid + 1) * R > this.M.length) {
        const M = new Int32Array(this.M.length * 2);
        M.set(this.M);
        this.M = M;
      }
    } else {
      this.pId[pid] = id;
    }
    this.M.fill(0, pid * R, (pid + 1) * R);
    this.M[pid * R + C_LEN] = -1;
    this.pidOf.set(id, pid);
    return pid;
  }

  /** Who holds grant `id` (h = its hash). */
  private holderOf(id: string, h: number): number | undefined {
    return this.ids.get(id, h, this.confirmHolder);
  }

  private readonly confirmHolder = (pid: number, id: string): boolean => this.slotOf(pid, id) >= 0;

  /** The arena slot of grant `id` in pid's block, or -1. O(k). */
  private slotOf(pid: number, id: string): number {
    const from = this.M[pid * R + OFF]!;
    for (let slot = from + this.M[pid * R + LEN]! - 1; slot >= from; slot--) if (this.slotId[slot] === id) return slot;
    return -1;
  }

  /** Writes a grant into the next free slot of pid's block (which has room). */
  private append(pid: number, g: Grant, h: number): void {
    const b = pid * R;
    const M = this.M;
    const slot = M[b + OFF]! + M[b + LEN]!++;
    const scope = this.scopeNode(g.scopeId);
    scope.grantCount++;
    const i = slot * F;
    const A = this.A;
    A[i] = g.startAt;
    A[i + 1] = g.endAt ?? Infinity;
    A[i + 2] = scope.idx;
    A[i + 3] = this.role(g.roleDefinitionId).idx;
    M[b + MASK_LO] = M[b + MASK_LO]! | bitLo(scope.idx);
    M[b + MASK_HI] = M[b + MASK_HI]! | bitHi(scope.idx);
    this.slotId[slot] = g.id;
    this.ids.add(h, pid);
    this.byScope[pid] = null;
  }

  /** Moves pid's grants to a block twice as large (amortised O(1) per grant). */
  private growBlock(pid: number): void {
    const b = pid * R;
    const oldCap = this.M[b + CAP]!;
    const cap = Math.max(2, oldCap * 2);
    const start = this.allocBlock(cap);
    const from = this.M[b + OFF]!;
    const len = this.M[b + LEN]!;
    this.A.copyWithin(start * F, from * F, (from + len) * F);
    for (let k = 0; k < len; k++) {
      this.slotId[start + k] = this.slotId[from + k];
      this.slotId[from + k] = undefined;
    }
    if (oldCap > 0) this.freeBlock(from, oldCap);
    this.M[b + OFF] = start;
    this.M[b + CAP] = cap;
    this.byScope[pid] = null;
  }

  private allocBlock(cap: number): number {
    const reuse = this.freeBlocks.get(cap)?.pop();
    if (reuse !== undefined) return reuse;
    const start = this.top;
    this.ensureArena(start + cap);
    this.top += cap;
    return start;
  }

  private freeBlock(start: number, cap: number): void {
    const list = this.freeBlocks.get(cap);
    if (list === undefined) this.freeBlocks.set(cap, [start]);
    else list.push(start);
  }

  /** Makes room for `slots` slots in the arena (doubling), keeping `slotId` dense. */
  private ensureArena(slots: number): void {
    if (slots * F > this.A.length) {
      const A = new Float64Array(Math.max(slots, (this.A.length / F) * 2) * F);
      A.set(this.A);
      this.A = A;
    }
    while (this.slotId.length < this.A.length / F) this.slotId.push(undefined);
  }

  /** Removes grant `id` from pid's block: the block's last grant takes its slot. */
  private detach(pid: number, id: string, h: number): void {
    const b = pid * R;
    const M = this.M;
    const from = M[b + OFF]!;
    const last = from + M[b + LEN]! - 1;
    const slot = this.slotOf(pid, id);
    if (slot < 0) return;
    const A = this.A;
    const scope = this.scopeList[A[slot * F + 2]!]!;
    A.copyWithin(slot * F, last * F, (last + 1) * F);
    this.slotId[slot] = this.slotId[last];
    this.slotId[last] = undefined;
    M[b + LEN]!--;
    // The scope summary keeps only what is left.
    M[b + MASK_LO] = 0;
    M[b + MASK_HI] = 0;
    for (let s = from; s < last; s++) {
      M[b + MASK_LO] = M[b + MASK_LO]! | bitLo(A[s * F + 2]!);
      M[b + MASK_HI] = M[b + MASK_HI]! | bitHi(A[s * F + 2]!);
    }
    if (M[b + LEN] === 0) {
      this.freeBlock(from, M[b + CAP]!);
      M[b + CAP] = 0;
    }
    this.byScope[pid] = null;
    this.ids.delete(h, pid);
    if (--scope.grantCount === 0 && !scope.registered) {
      // No version bump: cached ancestries that still name this number stay correct, as nothing
      // holds it any more until a new node reuses it — and making a node bumps the version.
      this.scopes.delete(scope.path);
      this.scopeList[scope.idx] = undefined;
      this.freeScopes.push(scope.idx);
    }
    this.forgetIfIdle(pid);
  }

  private role(id: string): RoleEntry {
    let entry = this.roles.get(id);
    if (entry === undefined) {
      entry = new RoleEntry(id, this.roleList.length);
      this.roles.set(id, entry);
      this.roleList.push(entry);
      if (this.roleList.length > this.rowWidth) {
        this.rowWidth *= 2;
        this.actionRows.clear();
      }
    }
    return entry;
  }

  private scopeNode(path: string): ScopeNode {
    let node = this.scopes.get(path);
    if (node === undefined) {
      node = new ScopeNode(this.freeScopes.pop() ?? this.scopeList.length, path);
      this.scopes.set(path, node);
      this.scopeList[node.idx] = node;
      this.scopeVersion++;
    }
    return node;
  }

  /** Marks stale the cached closures of `member` and of everything below it (its members, transitively). */
  private invalidateClosures(member: number): void {
    if (this.loading) return;
    const M = this.M;
    const gen = ++this.generation;
    const stack = [member];
    M[member * R + MARK] = gen;
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (M[node * R + C_LEN]! >= 0) {
        this.cStale += M[node * R + C_LEN]!;
        M[node * R + C_LEN] = -1;
      }
      const below = this.members[node];
      if (below === null || below === undefined) continue;
      for (const m of below) {
        if (M[m * R + MARK] === gen) continue;
        M[m * R + MARK] = gen;
        stack.push(m);
      }
    }
  }

  /** A principal with no grants and no memberships either way gives its number back. */
  private forgetIfIdle(pid: number): void {
    if (this.pId[pid] === undefined) return; // already given back (a group that was its own member)
    if (this.M[pid * R + LEN] !== 0 || this.memberOf[pid]!.length !== 0 || (this.members[pid]?.length ?? 0) !== 0) return;
    const n = this.M[pid * R + C_LEN]!;
    if (n > 0) this.cStale += n;
    this.M[pid * R + C_LEN] = -1;
    this.pidOf.delete(this.pId[pid]!);
    this.pId[pid] = undefined;
    this.members[pid] = null;
    this.byScope[pid] = null;
    this.freePids.push(pid);
  }
}

const DENY: Decision = Object.freeze({ allowed: false, reasons: Object.freeze([]) as readonly Reason[] });

function contains(anc: number[], scope: number): boolean {
  for (let i = 0; i < anc.length; i++) if (anc[i] === scope) return true;
  return false;
}

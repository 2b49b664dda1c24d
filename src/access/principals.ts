/**
 * The decision index's principals, numbered (pid): `pidOf: Map<id, pid>`. Per pid, one 32-byte
 * record in `M` (Int32Array, layout.ts): its block in the grant arena (offset, length, capacity),
 * a mark for graph walks, its cached closure (offset and length in `C`, -1 = not computed) and a
 * 64-bit summary of the scopes its grants sit at (bit = scope number mod 64), so a holder with
 * nothing at any of the requested scope's ancestors is skipped without touching its grants. Plain
 * arrays per pid: direct groups through static memberships (`memberOf`), direct static members
 * (groups only, to invalidate downwards) and, for principals holding more than the scan limit, a
 * lazily built Map<scope, slots> (grant-arena.ts builds it). Timed memberships (memberships.ts)
 * are few (activations), so they sit in two sparse Maps by pid rather than arrays: `timedOf`, a
 * member's edges up, and `timedIn`, a group's edges down (a key only while its list is not
 * empty), which costs the principals without any nothing.
 *
 * The fields are read directly by the other parts (the hot path keeps them in locals); `M` is
 * replaced when it grows, so never keep it across a call that may number a principal.
 */
import { C_LEN, LEN, MARK, R } from './layout.ts';

/**
 * A timed membership: an open `member` assignment at `/groups/{group}` (docs/decisions/0007)
 * makes `member` a member of `group` for startAt ≤ at < endAt (Infinity = permanent). The id is
 * the schedule's, as for grants.
 */
export interface TimedEdge {
  readonly id: string;
  readonly member: number;
  readonly group: number;
  startAt: number;
  endAt: number;
}

/** Is a timed membership in effect at `at`? (NaN is never in effect, like a grant.) */
export const inEffectAt = (e: TimedEdge, at: number): boolean => e.startAt <= at && at < e.endAt;

export class Principals {
  pidOf = new Map<string, number>();
  pId: (string | undefined)[] = [];
  M = new Int32Array(64 * R);
  memberOf: number[][] = [];
  members: (number[] | null)[] = [];
  timedOf = new Map<number, TimedEdge[]>();
  timedIn = new Map<number, TimedEdge[]>();
  byScope: (Map<number, number[]> | null)[] = [];
  private freePids: number[] = [];
  /** The last mark handed out for a graph walk (records' MARK field). */
  private generation = 0;

  get size(): number {
    return this.pidOf.size;
  }

  /** How many pids are numbered (live or given back): records 0 … count-1 exist in `M`. */
  get count(): number {
    return this.pId.length;
  }

  reset(): void {
    this.pidOf = new Map();
    this.pId = [];
    this.M = new Int32Array(64 * R);
    this.memberOf = [];
    this.members = [];
    this.timedOf = new Map();
    this.timedIn = new Map();
    this.byScope = [];
    this.freePids = [];
  }

  /** A fresh mark for a graph walk: records whose MARK equals it have been visited by that walk. */
  nextMark(): number {
    this.generation = (this.generation + 1) | 0;
    if (this.generation === 0) {
      // Wrapped after 2^32 walks: clear every mark so none can be mistaken for a new one.
      for (let p = 0; p < this.pId.length; p++) this.M[p * R + MARK] = 0;
      this.generation = 1;
    }
    return this.generation;
  }

  /** The pid of a principal, numbering it if new (a fresh record: no grants, closure not computed). */
  pid(id: string): number {
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

  /** Is pid live and holding no grants and no memberships (static or timed) either way? */
  isIdle(pid: number): boolean {
    if (this.pId[pid] === undefined) return false; // already given back (a group that was its own member)
    return (
      this.M[pid * R + LEN] === 0 &&
      this.memberOf[pid]!.length === 0 &&
      (this.members[pid]?.length ?? 0) === 0 &&
      !this.timedOf.has(pid) &&
      !this.timedIn.has(pid)
    );
  }

  /** Gives an idle pid's number back (its cached closure must already be dropped). */
  release(pid: number): void {
    this.pidOf.delete(this.pId[pid]!);
    this.pId[pid] = undefined;
    this.members[pid] = null;
    this.byScope[pid] = null;
    this.freePids.push(pid);
  }
}

/**
 * Group closures for the decision index: `C` (Int32Array) holds, for each principal asked about,
 * every group containing it transitively, computed lazily (breadth first with a mark, so
 * membership cycles terminate). A membership change marks the member's whole downward cone
 * stale; when `C` fills up and is mostly stale, every closure is dropped and recomputed on demand.
 *
 * Timed memberships (memberships.ts). A closure is computed over static *and* timed edges,
 * ignoring windows: a superset of the groups the principal is in at any instant, so it never
 * needs recomputing when time passes or a window moves. It is stored in two parts: first the
 * groups reachable through static edges alone (a member whatever the time: stored as the pid),
 * then those reachable only through at least one timed edge (stored as `~pid`, negative). The
 * hot path trusts the first part as before; for an entry of the second part it asks, only when
 * that group's grants would allow, whether the group is reachable at the check's instant through
 * edges in effect (`markAt`). A principal without timed memberships anywhere above it has no
 * negative entries, so its checks cost what they did (one sign test per group).
 *
 * Cost: computing a closure is O(its edges); a membership change is O(the member's downward
 * cone, through static and timed members); `markAt` is O(the edges in effect above pid).
 */
import { C_LEN, C_OFF, MARK, R } from './layout.ts';
import { inEffectAt, type Principals } from './principals.ts';

/** The group of a closure entry (entries reached through a timed edge are stored as ~group). */
export const groupOfEntry = (entry: number): number => (entry < 0 ? ~entry : entry);

export class GroupClosures {
  /** Read directly by the hot path: closure of pid at M[C_OFF] … M[C_OFF] + M[C_LEN]. */
  C = new Int32Array(1024);
  private top = 0;
  private stale = 0;
  private scratch: number[] = [];
  private readonly principals: Principals;
  /** How many timed memberships exist (memberships.ts keeps it): none, no second part to look for. */
  timedEdges = 0;

  constructor(principals: Principals) {
    this.principals = principals;
  }

  reset(): void {
    this.C = new Int32Array(1024);
    this.top = 0;
    this.stale = 0;
    this.timedEdges = 0;
  }

  /**
   * Transitive groups of `pid` (excluding itself), breadth first; marks make cycles terminate.
   * Stored in C (static part, then timed part as ~pid); returns how many. O(closure edges).
   */
  compute(pid: number): number {
    const P = this.principals;
    const M = P.M;
    const mark = P.nextMark();
    M[pid * R + MARK] = mark;
    const out = this.scratch;
    out.length = 0;
    // Static edges only: groups pid is in whatever the time.
    for (let i = -1; i < out.length; i++) {
      for (const g of P.memberOf[i < 0 ? pid : out[i]!]!) {
        if (M[g * R + MARK] === mark) continue;
        M[g * R + MARK] = mark;
        out.push(g);
      }
    }
    const fixed = out.length;
    // Then from every node found, timed edges too: what is found now needs a timed edge to reach.
    if (this.timedEdges > 0) {
      for (let i = -1; i < out.length; i++) {
        const node = i < 0 ? pid : out[i]!;
        const timed = P.timedOf.get(node);
        if (timed !== undefined) {
          for (const e of timed) {
            if (M[e.group * R + MARK] === mark) continue;
            M[e.group * R + MARK] = mark;
            out.push(e.group);
          }
        }
        if (i < fixed) continue; // its static edges were followed above
        for (const g of P.memberOf[node]!) {
          if (M[g * R + MARK] === mark) continue;
          M[g * R + MARK] = mark;
          out.push(g);
        }
      }
    }
    if (this.top + out.length > this.C.length) this.makeRoom(out.length);
    const off = this.top;
    for (let i = 0; i < out.length; i++) this.C[off + i] = i < fixed ? out[i]! : ~out[i]!;
    this.top += out.length;
    M[pid * R + C_OFF] = off;
    M[pid * R + C_LEN] = out.length;
    return out.length;
  }

  /** The closure of pid as a fresh array of groups, windows ignored (computed if needed). */
  of(pid: number): number[] {
    const M = this.principals.M;
    let n = M[pid * R + C_LEN]!;
    if (n < 0) n = this.compute(pid);
    const off = M[pid * R + C_OFF]!;
    return Array.from(this.C.subarray(off, off + n), groupOfEntry);
  }

  /**
   * Marks every group pid is in at `at` — through static edges and timed ones in effect at `at`
   * — with a fresh mark, and returns it: group g is in iff M[g·R + MARK] equals it (until the
   * next walk). Allocates nothing. O(the edges in effect above pid).
   */
  markAt(pid: number, at: number): number {
    const P = this.principals;
    const M = P.M;
    const mark = P.nextMark();
    M[pid * R + MARK] = mark;
    const out = this.scratch;
    out.length = 0;
    for (let i = -1; i < out.length; i++) {
      const node = i < 0 ? pid : out[i]!;
      for (const g of P.memberOf[node]!) {
        if (M[g * R + MARK] === mark) continue;
        M[g * R + MARK] = mark;
        out.push(g);
      }
      if (P.timedOf.size === 0) continue;
      const timed = P.timedOf.get(node);
      if (timed === undefined) continue;
      for (const e of timed) {
        if (M[e.group * R + MARK] === mark || !inEffectAt(e, at)) continue;
        M[e.group * R + MARK] = mark;
        out.push(e.group);
      }
    }
    return mark;
  }

  /**
   * Marks stale the cached closures of `member` and of everything below it (its members, static
   * and timed, transitively).
   */
  invalidate(member: number): void {
    const P = this.principals;
    const M = P.M;
    const mark = P.nextMark();
    const stack = [member];
    M[member * R + MARK] = mark;
    const visit = (m: number): void => {
      if (M[m * R + MARK] === mark) return;
      M[m * R + MARK] = mark;
      stack.push(m);
    };
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (M[node * R + C_LEN]! >= 0) {
        this.stale += M[node * R + C_LEN]!;
        M[node * R + C_LEN] = -1;
      }
      const below = P.members[node];
      if (below !== null && below !== undefined) for (const m of below) visit(m);
      const timed = P.timedIn.get(node);
      if (timed !== undefined) for (const e of timed) visit(e.member);
    }
  }

  /** Drops pid's own cached closure (it is being given back). */
  forget(pid: number): void {
    const M = this.principals.M;
    const n = M[pid * R + C_LEN]!;
    if (n > 0) this.stale += n;
    M[pid * R + C_LEN] = -1;
  }

  /** When C is full: drop every closure if most are stale (they recompute on demand), else grow. */
  private makeRoom(need: number): void {
    if (this.stale * 2 >= this.top) {
      const M = this.principals.M;
      for (let p = 0; p < this.principals.count; p++) M[p * R + C_LEN] = -1;
      this.top = 0;
      this.stale = 0;
    }
    if (this.top + need > this.C.length) {
      const C = new Int32Array(Math.max(this.C.length * 2, this.top + need));
      C.set(this.C.subarray(0, this.top));
      this.C = C;
    }
  }
}

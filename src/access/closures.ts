/**
 * Group closures for the decision index: `C` (Int32Array) holds, for each principal asked about,
 * every group containing it transitively, computed lazily (breadth first with a generation mark,
 * so membership cycles terminate). A membership change marks the member's whole downward cone
 * stale; when `C` fills up and is mostly stale, every closure is dropped and recomputed on demand.
 *
 * Cost: computing a closure is O(its edges); a membership change is O(the member's downward cone).
 */
import { C_LEN, C_OFF, MARK, R } from './layout.ts';
import type { Principals } from './principals.ts';

export class GroupClosures {
  /** Read directly by the hot path: closure of pid at M[C_OFF] … M[C_OFF] + M[C_LEN]. */
  C = new Int32Array(1024);
  private top = 0;
  private stale = 0;
  private scratch: number[] = [];
  private generation = 0;
  private readonly principals: Principals;

  constructor(principals: Principals) {
    this.principals = principals;
  }

  reset(): void {
    this.C = new Int32Array(1024);
    this.top = 0;
    this.stale = 0;
  }

  /**
   * Transitive groups of `pid` (excluding itself), breadth first; marks make cycles terminate.
   * Stored in C; returns how many. O(closure edges).
   */
  compute(pid: number): number {
    const P = this.principals;
    const M = P.M;
    const gen = ++this.generation;
    M[pid * R + MARK] = gen;
    const out = this.scratch;
    out.length = 0;
    for (let i = -1; i < out.length; i++) {
      for (const g of P.memberOf[i < 0 ? pid : out[i]!]!) {
        if (M[g * R + MARK] === gen) continue;
        M[g * R + MARK] = gen;
        out.push(g);
      }
    }
    if (this.top + out.length > this.C.length) this.makeRoom(out.length);
    const off = this.top;
    for (let i = 0; i < out.length; i++) this.C[off + i] = out[i]!;
    this.top += out.length;
    M[pid * R + C_OFF] = off;
    M[pid * R + C_LEN] = out.length;
    return out.length;
  }

  /** The closure of pid as a fresh array (computed if needed). */
  of(pid: number): number[] {
    const M = this.principals.M;
    let n = M[pid * R + C_LEN]!;
    if (n < 0) n = this.compute(pid);
    const off = M[pid * R + C_OFF]!;
    return Array.from(this.C.subarray(off, off + n));
  }

  /** Marks stale the cached closures of `member` and of everything below it (its members, transitively). */
  invalidate(member: number): void {
    const P = this.principals;
    const M = P.M;
    const gen = ++this.generation;
    const stack = [member];
    M[member * R + MARK] = gen;
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (M[node * R + C_LEN]! >= 0) {
        this.stale += M[node * R + C_LEN]!;
        M[node * R + C_LEN] = -1;
      }
      const below = P.members[node];
      if (below === null || below === undefined) continue;
      for (const m of below) {
        if (M[m * R + MARK] === gen) continue;
        M[m * R + MARK] = gen;
        stack.push(m);
      }
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

/**
 * The grant arena: `A` (Float64Array), 4 numbers per grant slot (layout.ts): startAt, endAt
 * (Infinity = permanent), scope number, role number. Each principal's grants sit in one block of
 * power-of-two capacity (its record in `M` says where); freed blocks are reused through per-size
 * free lists. `slotId` holds the grant ids (read only to explain and to confirm a lookup); `ids`
 * (id-table.ts: a hash of the id → pid, in typed arrays) finds a grant's holder to replace or
 * remove it.
 *
 * Cost: finding, adding or removing one of a holder's k grants is O(k); moving a block when it
 * fills is amortised O(1) per grant.
 */
import { IdTable } from './id-table.ts';
import { bitHi, bitLo, CAP, F, LEN, MASK_HI, MASK_LO, OFF, pow2AtLeast, R } from './layout.ts';
import type { Principals } from './principals.ts';

export class GrantArena {
  /** Read directly by the hot path; replaced when it grows. */
  A = new Float64Array(64 * F);
  slotId: (string | undefined)[] = [];
  private top = 0;
  private freeBlocks = new Map<number, number[]>();
  private ids = new IdTable();
  private readonly principals: Principals;

  constructor(principals: Principals) {
    this.principals = principals;
  }

  /** How many grants are held. */
  get size(): number {
    return this.ids.size;
  }

  reset(): void {
    this.A = new Float64Array(64 * F);
    this.slotId = [];
    this.top = 0;
    this.freeBlocks = new Map();
    this.ids = new IdTable();
  }

  /**
   * For `load` into an empty arena: every principal's record holds its grant count in CAP; gives
   * each one block of the final size, back to back, and makes room for `grants` ids.
   */
  placeBlocks(grants: number): void {
    const M = this.principals.M;
    const count = this.principals.count;
    let slots = 0;
    for (let p = 0; p < count; p++) slots += M[p * R + CAP]! > 0 ? pow2AtLeast(M[p * R + CAP]!) : 0;
    this.ensureArena(slots);
    for (let p = 0; p < count; p++) {
      const n = M[p * R + CAP]!;
      if (n === 0) continue;
      M[p * R + OFF] = this.top;
      M[p * R + CAP] = pow2AtLeast(n);
      this.top += M[p * R + CAP]!;
    }
    this.ids.reserve(grants);
  }

  /** Who holds grant `id` (h = its hash). */
  holderOf(id: string, h: number): number | undefined {
    return this.ids.get(id, h, this.confirmHolder);
  }

  private readonly confirmHolder = (pid: number, id: string): boolean => this.slotOf(pid, id) >= 0;

  /** The arena slot of grant `id` in pid's block, or -1. O(k). */
  private slotOf(pid: number, id: string): number {
    const M = this.principals.M;
    const from = M[pid * R + OFF]!;
    for (let slot = from + M[pid * R + LEN]! - 1; slot >= from; slot--) if (this.slotId[slot] === id) return slot;
    return -1;
  }

  /** Is pid's block full (a grant must move it first)? */
  isFull(pid: number): boolean {
    const M = this.principals.M;
    return M[pid * R + LEN] === M[pid * R + CAP];
  }

  /** Writes a grant into the next free slot of pid's block (which has room). */
  append(pid: number, id: string, h: number, startAt: number, endAt: number, scope: number, role: number): void {
    const b = pid * R;
    const M = this.principals.M;
    const slot = M[b + OFF]! + M[b + LEN]!++;
    const i = slot * F;
    const A = this.A;
    A[i] = startAt;
    A[i + 1] = endAt;
    A[i + 2] = scope;
    A[i + 3] = role;
    M[b + MASK_LO] = M[b + MASK_LO]! | bitLo(scope);
    M[b + MASK_HI] = M[b + MASK_HI]! | bitHi(scope);
    this.slotId[slot] = id;
    this.ids.add(h, pid);
    this.principals.byScope[pid] = null;
  }

  /** Moves pid's grants to a block twice as large (amortised O(1) per grant). */
  growBlock(pid: number): void {
    const b = pid * R;
    const M = this.principals.M;
    const oldCap = M[b + CAP]!;
    const cap = Math.max(2, oldCap * 2);
    const start = this.allocBlock(cap);
    const from = M[b + OFF]!;
    const len = M[b + LEN]!;
    this.A.copyWithin(start * F, from * F, (from + len) * F);
    for (let k = 0; k < len; k++) {
      this.slotId[start + k] = this.slotId[from + k];
      this.slotId[from + k] = undefined;
    }
    if (oldCap > 0) this.freeBlock(from, oldCap);
    M[b + OFF] = start;
    M[b + CAP] = cap;
    this.principals.byScope[pid] = null;
  }

  /**
   * Removes grant `id` from pid's block: the block's last grant takes its slot. Returns the scope
   * number the grant sat at, or -1 when pid does not hold it.
   */
  detach(pid: number, id: string, h: number): number {
    const b = pid * R;
    const M = this.principals.M;
    const from = M[b + OFF]!;
    const last = from + M[b + LEN]! - 1;
    const slot = this.slotOf(pid, id);
    if (slot < 0) return -1;
    const A = this.A;
    const scope = A[slot * F + 2]!;
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
    this.principals.byScope[pid] = null;
    this.ids.delete(h, pid);
    return scope;
  }

  /** pid's grants grouped by scope number (slots), built for a holder above the scan limit and kept until its block changes. */
  buildByScope(pid: number): Map<number, number[]> {
    const m = new Map<number, number[]>();
    const M = this.principals.M;
    const from = M[pid * R + OFF]!;
    const end = from + M[pid * R + LEN]!;
    for (let slot = from; slot < end; slot++) {
      const scope = this.A[slot * F + 2]!;
      const slots = m.get(scope);
      if (slots === undefined) m.set(scope, [slot]);
      else slots.push(slot);
    }
    this.principals.byScope[pid] = m;
    return m;
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
}

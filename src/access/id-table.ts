/**
 * Grant id → holder (pid), for replacing and removing grants by id. A JS Map of a million string
 * keys costs ~30 bytes an entry plus the garbage of every growth, and most of the index's build
 * time; this table keeps a 32-bit hash of the id and the pid in two Int32Arrays (open addressing,
 * linear probing, load ≤ 1/2, tombstones on delete) and asks the caller to confirm a candidate
 * (the index looks for the id in that holder's grants), so hash collisions cost a little time,
 * never a wrong answer. ~16 bytes per grant; growing rehashes the two arrays without touching a
 * string.
 */

/** FNV-1a over the UTF-16 code units; never 0. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h === 0 ? 1 : h;
}

const EMPTY = 0;
const DELETED = -1;

export class IdTable {
  private hashes = new Int32Array(16);
  /** pid + 1; EMPTY or DELETED otherwise. */
  private pids = new Int32Array(16);
  private live = 0;
  private used = 0;

  get size(): number {
    return this.live;
  }

  /** The pid holding `id` (h = hashId(id)), if any: `holds(pid, id)` confirms a candidate. O(1) expected. */
  get(id: string, h: number, holds: (pid: number, id: string) => boolean): number | undefined {
    const mask = this.pids.length - 1;
    for (let i = h & mask; this.pids[i] !== EMPTY; i = (i + 1) & mask) {
      const v = this.pids[i]!;
      if (v > 0 && this.hashes[i] === h && holds(v - 1, id)) return v - 1;
    }
    return undefined;
  }

  /** Records a new id (the caller knows it is not present). */
  add(h: number, pid: number): void {
    if ((this.used + 1) * 2 > this.pids.length) this.rehash(this.live * 4 > this.pids.length ? this.pids.length * 2 : this.pids.length);
    const mask = this.pids.length - 1;
    let i = h & mask;
    while (this.pids[i]! > 0) i = (i + 1) & mask;
    if (this.pids[i] === EMPTY) this.used++;
    this.hashes[i] = h;
    this.pids[i] = pid + 1;
    this.live++;
  }

  /** Forgets one entry (h, pid). Two ids of one holder with one hash are interchangeable entries. */
  delete(h: number, pid: number): void {
    const mask = this.pids.length - 1;
    for (let i = h & mask; this.pids[i] !== EMPTY; i = (i + 1) & mask) {
      if (this.pids[i] === pid + 1 && this.hashes[i] === h) {
        this.pids[i] = DELETED;
        this.live--;
        return;
      }
    }
  }

  /** Makes room for `n` entries at once (before a bulk load). */
  reserve(n: number): void {
    let cap = this.pids.length;
    while ((this.used + n) * 2 > cap) cap *= 2;
    if (cap !== this.pids.length) this.rehash(cap);
  }

  private rehash(capacity: number): void {
    const oldH = this.hashes;
    const oldP = this.pids;
    this.hashes = new Int32Array(capacity);
    this.pids = new Int32Array(capacity);
    this.used = 0;
    this.live = 0;
    const mask = capacity - 1;
    for (let j = 0; j < oldP.length; j++) {
      if (oldP[j]! <= 0) continue;
      let i = oldH[j]! & mask;
      while (this.pids[i] !== EMPTY) i = (i + 1) & mask;
      this.hashes[i] = oldH[j]!;
      this.pids[i] = oldP[j]!;
      this.used++;
      this.live++;
    }
  }
}

/**
 * Membership chains at an instant, for explaining (reasons.ts, holders.ts): off the hot path.
 *
 * Through a timed membership a principal holds a group's grants only while the membership is in
 * effect, so a reason through groups ends at the earliest of the grant's end and the ends of the
 * timed memberships along its chain. Several chains may lead to a group; the reason names the one
 * that lasts longest: for each group, the maximum over chains in effect at `at` of the minimum of
 * their timed memberships' ends (static memberships never end: Infinity). That is a widest-path
 * (bottleneck) search, done here label-correcting in FIFO order: a node is queued again whenever
 * its best end improves, which bounds the work by O((d + 1) · edges), d = the number of distinct
 * timed ends met; with static memberships only, every end is Infinity and it is one breadth-first
 * pass, so the chain named is a shortest one, as before timed memberships existed. Cycles
 * terminate: an end only ever improves strictly, and the root is never revisited.
 */
import { inEffectAt, type Principals } from './principals.ts';

/** How long a principal is in a group at `at` (`end`, Infinity = whatever the time), and the chain's next node. */
export interface ChainStep {
  readonly end: number;
  /** Upwards: the node the chain came from (towards the principal); downwards: towards the holder group. */
  readonly next: number;
}

/**
 * Every group `pid` is in at `at` (not pid itself, even in a cycle), with the longest-lasting
 * chain to it. The chain from pid to g is `chainUp(steps, g)`.
 */
export function groupsAt(P: Principals, pid: number, at: number): Map<number, ChainStep> {
  return widest(P, pid, at, true);
}

/**
 * Every principal in group `group` at `at` (not the group itself), with the longest-lasting
 * chain from it up to the group: `chainDown(steps, p)`.
 */
export function membersAt(P: Principals, group: number, at: number): Map<number, ChainStep> {
  return widest(P, group, at, false);
}

/** The chain from the principal up to group g, as `groupPath` names it: [direct group, …, g]. */
export function chainUp(steps: ReadonlyMap<number, ChainStep>, g: number): number[] {
  const path: number[] = [];
  for (let node: number | undefined = g; node !== undefined; node = steps.get(node)?.next) {
    if (!steps.has(node)) break; // the root
    path.push(node);
  }
  return path.reverse();
}

/** The chain from member p up to the root group: [p's direct group, …, root]. */
export function chainDown(steps: ReadonlyMap<number, ChainStep>, p: number, root: number): number[] {
  const path: number[] = [];
  for (let node = steps.get(p)!.next; ; node = steps.get(node)!.next) {
    path.push(node);
    if (node === root) return path;
  }
}

function widest(P: Principals, root: number, at: number, up: boolean): Map<number, ChainStep> {
  const best = new Map<number, ChainStep>();
  const queue = [root];
  const relax = (to: number, end: number, from: number): void => {
    if (to === root) return;
    const known = best.get(to);
    if (known !== undefined && known.end >= end) return;
    best.set(to, { end, next: from });
    queue.push(to);
  };
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const end = node === root ? Infinity : best.get(node)!.end;
    const statics = up ? P.memberOf[node] : P.members[node];
    if (statics !== null && statics !== undefined) for (const other of statics) relax(other, end, node);
    const timed = (up ? P.timedOf : P.timedIn).get(node);
    if (timed === undefined) continue;
    for (const e of timed) if (inEffectAt(e, at)) relax(up ? e.group : e.member, Math.min(end, e.endAt), node);
  }
  return best;
}

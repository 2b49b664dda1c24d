/**
 * Who holds what at a scope (`AccessIndex.holders`, `GET /openpim/access/scopes/{path}/holders`):
 * every principal holding a grant in effect at `at` that applies at the scope — made at it or at
 * an ancestor — directly, and, for a holder that is a group, every principal in that group at
 * `at` (static and timed memberships in effect, nested, cycles terminating), with the reason the
 * principal's own `check` would give (via, groupId, groupPath, memberType and the end, shortened
 * by timed memberships as membership-paths.ts says). So for any principal P,
 * holders(S, at) filtered to P lists exactly the grants of holdings(P, at, S), with the same ends.
 *
 * The arena is kept per holder, not per scope, so this scans every principal's scope summary
 * (one 64-bit test each) and the grants of those that pass: O(principals + their grants + the
 * members of holder groups + the answer). An administrator's read, not a check: no index is kept
 * for it, so it costs checks and memory nothing.
 */
import { F, LEN, MASK_HI, MASK_LO, OFF, R } from './layout.ts';
import { chainDown, membersAt } from './membership-paths.ts';
import { type Explained, reasonOf } from './reasons.ts';
import type { ScopeNode } from './scopes.ts';
import type { Holder } from './types.ts';

/** Holders at `scope` (resolved, ancestry current), unsorted; the caller applies `below`. */
export function holdersAt(x: Explained, scope: ScopeNode, at: number): Holder[] {
  const P = x.principals;
  const M = P.M;
  const A = x.arena.A;
  const anc = scope.ancestry;
  const out: Holder[] = [];
  for (let pid = 0; pid < P.count; pid++) {
    const b = pid * R;
    if (P.pId[pid] === undefined || M[b + LEN] === 0) continue;
    if (((M[b + MASK_LO]! & scope.maskLo) | (M[b + MASK_HI]! & scope.maskHi)) === 0) continue;
    const slots: number[] = [];
    const end = M[b + OFF]! + M[b + LEN]!;
    for (let slot = M[b + OFF]!; slot < end; slot++) {
      const i = slot * F;
      if (A[i]! <= at && at < A[i + 1]! && anc.includes(A[i + 2]!)) slots.push(slot);
    }
    if (slots.length === 0) continue;
    const inherited = (slot: number): boolean => A[slot * F + 2] !== anc[0];
    for (const slot of slots) out.push({ principalId: P.pId[pid]!, ...reasonOf(x, slot, pid, null, inherited(slot), Infinity) });
    if ((P.members[pid]?.length ?? 0) === 0 && !P.timedIn.has(pid)) continue;
    // A group: everyone in it at `at` holds these grants too, through the longest-lasting chain.
    const members = membersAt(P, pid, at);
    for (const [member, step] of members) {
      const path = chainDown(members, member, pid);
      for (const slot of slots) out.push({ principalId: P.pId[member]!, ...reasonOf(x, slot, pid, path, inherited(slot), step.end) });
    }
  }
  return out;
}

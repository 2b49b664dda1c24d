/**
 * Explaining decisions: the reasons (`check`) and holdings (`holdings`) the decision index
 * answers with, built from the arena by a plain scan. Off the hot path; allocates its answers.
 */
import type { GroupClosures } from './closures.ts';
import type { GrantArena } from './grant-arena.ts';
import { F, LEN, OFF, R } from './layout.ts';
import { type ChainStep, chainUp, groupsAt } from './membership-paths.ts';
import type { Principals } from './principals.ts';
import type { RoleTable } from './roles.ts';
import type { ScopeTable } from './scopes.ts';
import type { Decision, Reason } from './types.ts';

export const DENY: Decision = Object.freeze({ allowed: false, reasons: Object.freeze([]) as readonly Reason[] });

/**
 * An unregistered scope is answered by its nearest registered ancestor; every grant found there is
 * then inherited from above the scope that was asked about.
 */
export function below<X extends Reason>(reasons: X[], resolved: string, asked: string): X[] {
  if (resolved === asked) return reasons;
  return reasons.map((r) => ({ ...r, inherited: true, memberType: r.via === 'group' ? 'Group' : 'Inherited' }));
}

/** The parts of the index a reason is read from. */
export interface Explained {
  readonly principals: Principals;
  readonly arena: GrantArena;
  readonly closures: GroupClosures;
  readonly roles: RoleTable;
  readonly scopes: ScopeTable;
}

/**
 * Grants in effect at `at` held by pid or its groups at `at`, at `anc` (any scope when null),
 * passing `keep`. The groups come from pid's cached closure (windows ignored); only when one of
 * them holds a grant that would count are the chains at `at` computed (membership-paths.ts): a
 * group not reachable then (its timed memberships not in effect) counts for nothing.
 */
export function collect(x: Explained, pid: number, at: number, anc: number[] | null, keep: (slot: number) => boolean): Reason[] {
  const out: Reason[] = [];
  const A = x.arena.A;
  const M = x.principals.M;
  let chains: Map<number, ChainStep> | null = null;
  for (const holder of [pid, ...x.closures.of(pid)]) {
    const from = M[holder * R + OFF]!;
    const end = from + M[holder * R + LEN]!;
    let step: ChainStep | undefined;
    let path: number[] | null = null;
    for (let slot = from; slot < end; slot++) {
      const i = slot * F;
      if (!(A[i]! <= at && at < A[i + 1]!)) continue;
      if (anc !== null && !anc.includes(A[i + 2]!)) continue;
      if (!keep(slot)) continue;
      if (holder !== pid) {
        chains ??= groupsAt(x.principals, pid, at);
        step ??= chains.get(holder);
        if (step === undefined) break; // pid is not in this group at `at`
        path ??= chainUp(chains, holder);
      }
      const inherited = anc !== null && A[i + 2] !== anc[0];
      out.push(reasonOf(x, slot, holder, path, inherited, step?.end ?? Infinity));
    }
  }
  return out;
}

/**
 * The reason a grant (at `slot`, held by `holder`) gives: direct when groupPath is null, else
 * through that chain of groups; `until` is when the chain's memberships end (Infinity: never),
 * and the reason ends at the earlier of it and the grant's end.
 */
export function reasonOf(x: Explained, slot: number, holder: number, groupPath: number[] | null, inherited: boolean, until: number): Reason {
  const i = slot * F;
  const A = x.arena.A;
  const pId = x.principals.pId;
  const role = x.roles.list[A[i + 3]!]!;
  const viaGroup = groupPath !== null;
  const end = Math.min(A[i + 1]!, until);
  return {
    grantId: x.arena.slotId[slot]!,
    roleDefinitionId: role.id,
    roleDisplayName: role.def?.displayName ?? null,
    scopeId: x.scopes.at(A[i + 2]!).path,
    inherited,
    via: viaGroup ? 'group' : 'direct',
    groupId: viaGroup ? pId[holder]! : null,
    groupPath: viaGroup ? groupPath.map((g) => pId[g]!) : [],
    memberType: viaGroup ? 'Group' : inherited ? 'Inherited' : 'Direct',
    startAt: A[i]!,
    endAt: end === Infinity ? null : end,
  };
}

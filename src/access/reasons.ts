/**
 * Explaining decisions: the reasons (`check`) and holdings (`holdings`) the decision index
 * answers with, built from the arena by a plain scan. Off the hot path; allocates its answers.
 */
import type { GroupClosures } from './closures.ts';
import type { GrantArena } from './grant-arena.ts';
import { F, LEN, OFF, R } from './layout.ts';
import type { Principals } from './principals.ts';
import type { RoleTable } from './roles.ts';
import type { ScopeTable } from './scopes.ts';
import type { Decision, Reason } from './types.ts';

export const DENY: Decision = Object.freeze({ allowed: false, reasons: Object.freeze([]) as readonly Reason[] });

/**
 * An unregistered scope is answered by its nearest registered ancestor; every grant found there is
 * then inherited from above the scope that was asked about.
 */
export function below(reasons: Reason[], resolved: string, asked: string): Reason[] {
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

/** Grants in effect at `at` held by pid or its groups, at `anc` (any scope when null), passing `keep`. */
export function collect(x: Explained, pid: number, at: number, anc: number[] | null, keep: (slot: number) => boolean): Reason[] {
  const out: Reason[] = [];
  const A = x.arena.A;
  const M = x.principals.M;
  let paths: Map<number, number[]> | null = null;
  for (const holder of [pid, ...x.closures.of(pid)]) {
    const from = M[holder * R + OFF]!;
    const end = from + M[holder * R + LEN]!;
    for (let slot = from; slot < end; slot++) {
      const i = slot * F;
      if (!(A[i]! <= at && at < A[i + 1]!)) continue;
      if (anc !== null && !anc.includes(A[i + 2]!)) continue;
      if (!keep(slot)) continue;
      if (holder !== pid) paths ??= groupPaths(x.principals, pid);
      out.push(reasonOf(x, slot, holder, holder === pid ? null : paths!.get(holder)!, anc !== null && A[i + 2] !== anc[0]));
    }
  }
  return out;
}

/** For each group containing pid, the membership chain from pid to it (shortest, breadth first). */
function groupPaths(principals: Principals, pid: number): Map<number, number[]> {
  const paths = new Map<number, number[]>([[pid, []]]);
  const queue = [pid];
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!;
    for (const g of principals.memberOf[from]!) {
      if (paths.has(g)) continue;
      paths.set(g, [...paths.get(from)!, g]);
      queue.push(g);
    }
  }
  return paths;
}

function reasonOf(x: Explained, slot: number, holder: number, groupPath: number[] | null, inherited: boolean): Reason {
  const i = slot * F;
  const A = x.arena.A;
  const pId = x.principals.pId;
  const role = x.roles.list[A[i + 3]!]!;
  const viaGroup = groupPath !== null;
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
    endAt: A[i + 1] === Infinity ? null : A[i + 1]!,
  };
}

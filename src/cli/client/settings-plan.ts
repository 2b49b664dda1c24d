/**
 * What `openpim config plan` and `apply` compare: a file's settings, its names checked against the
 * server (and spelled as the server spells them), against the server's live state — the changes
 * that would make the server match, the errors that stop any change (a principal, role or scope
 * that does not exist), and the differences the API cannot reconcile (warnings).
 */
import { parseDuration } from '../../domain/time.ts';
import { parentPath } from '../../domain/scope-path.ts';
import type { Directory } from './settings-directory.ts';
import type { FileSettings } from './settings-file.ts';
import type { LiveSchedule } from './settings-live.ts';
import { liveSettings } from './settings-portable.ts';
import type { Change, Plan } from './settings-changes.ts';
import {
  assignmentKey,
  cmp,
  compareAssignments,
  comparePolicyTargets,
  principalLabel,
  targetKey,
  targetLabel,
  type AssignmentSetting,
  type GroupSetting,
  type OwnRules,
  type PolicySetting,
  type PolicyTarget,
  type PrincipalRef,
  type PrincipalType,
  type ScopeRef,
  type ScopeSetting,
  type Settings,
} from './settings-model.ts';
import { planPolicies } from './settings-plan-policies.ts';
import { approversOf, mapApprovers, type FieldChange } from './settings-rules.ts';

export type Section = 'administrativeUnits' | 'scopes' | 'groups' | 'policies' | 'assignments';
export const SECTIONS: readonly Section[] = ['administrativeUnits', 'scopes', 'groups', 'policies', 'assignments'];

type Resolved = { desired: Settings; errors: string[] };

/**
 * The file's names checked against the server: each user, group, service principal, role,
 * administrative unit and scope must exist — or, for groups, administrative units and scopes, be
 * listed in the file (then apply creates it). Names are spelled as the server spells them.
 */
export function resolveFile(file: FileSettings, dir: Directory): Resolved {
  const errors: string[] = [];
  const fileGroups = new Set(file.groups.map((g) => g.name));
  const fileAus = new Set(file.administrativeUnits);
  const fileScopes = new Set(file.scopes.map((s) => s.path));
  const registered = new Set(dir.live.scopes.map((s) => s.id));

  const group = (n: string, where: string): string => {
    const found = dir.groups(n);
    if (found.length === 1) return found[0]!.displayName;
    if (found.length > 1) errors.push(`${where}: two groups are named '${n}'`);
    else if (!fileGroups.has(n)) errors.push(`${where}: no group named '${n}' (on the server, or under groups:)`);
    return n;
  };
  const user = (n: string, where: string): string => {
    const id = dir.userId(n);
    if (!id) errors.push(`${where}: no user '${n}' (config does not create users)`);
    return dir.live.users.find((u) => u.id === id)?.userPrincipalName ?? n;
  };
  const servicePrincipal = (n: string, where: string): string => {
    const found = dir.servicePrincipals(n);
    if (found.length === 1) return found[0]!.displayName;
    errors.push(
      found.length > 1 ? `${where}: two service principals are named '${n}'` : `${where}: no service principal named '${n}' (config does not create them)`,
    );
    return n;
  };
  const principal = (p: PrincipalRef, where: string): PrincipalRef => ({
    type: p.type,
    name: p.type === 'user' ? user(p.name, where) : p.type === 'group' ? group(p.name, where) : servicePrincipal(p.name, where),
  });
  const role = (n: string, where: string): string => {
    const found = dir.roles(n);
    if (found.length === 1) return found[0]!.displayName;
    errors.push(found.length > 1 ? `${where}: two roles are named '${n}'` : `${where}: no role named '${n}'`);
    return n;
  };
  const administrativeUnit = (n: string, where: string): string => {
    const found = dir.administrativeUnits(n);
    if (found.length === 1) return found[0]!.displayName;
    if (found.length > 1) errors.push(`${where}: two administrative units are named '${n}'`);
    else if (!fileAus.has(n)) errors.push(`${where}: no administrative unit named '${n}' (on the server, or under administrativeUnits:)`);
    return n;
  };
  const scope = (s: ScopeRef, where: string): ScopeRef => {
    if ('administrativeUnit' in s) return { administrativeUnit: administrativeUnit(s.administrativeUnit, where) };
    if (s.path === '/') return s;
    if (s.path.startsWith('/groups/')) {
      errors.push(`${where}: name a group's access with group: and access:, not scope ${s.path}`);
      return s;
    }
    const named = dir.scope(s.path);
    if ('administrativeUnit' in named) return named;
    if (s.path.startsWith('/administrativeUnits/')) errors.push(`${where}: no administrative unit ${s.path} (name it with administrativeUnit: NAME)`);
    else if (!registered.has(s.path) && !fileScopes.has(s.path)) errors.push(`${where}: scope ${s.path} is not registered (on the server, or under scopes:)`);
    return s;
  };
  const target = <T extends PolicyTarget>(t: T, where: string): T => {
    if (t.kind === 'role') return { ...t, role: role(t.role, where), scope: scope(t.scope, where) };
    if (t.kind === 'group') return { ...t, group: group(t.group, where) };
    return t;
  };
  const unique = <T>(items: readonly T[], key: (t: T) => string, what: (t: T) => string): void => {
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(key(item))) errors.push(`${what(item)} is listed twice`);
      seen.add(key(item));
    }
  };

  const administrativeUnits = file.administrativeUnits.map((n) => dir.administrativeUnits(n)[0]?.displayName ?? n);
  unique(
    administrativeUnits,
    (n) => n,
    (n) => `administrative unit ${n}`,
  );
  const scopes = file.scopes.map((s) => {
    if (s.path.startsWith('/administrativeUnits/') || s.path.startsWith('/groups/')) errors.push(`scopes: ${s.path} is not a resource scope`);
    if (s.parent && s.parent !== '/' && !registered.has(s.parent) && !fileScopes.has(s.parent))
      errors.push(`scopes: ${s.path}: parent ${s.parent} is not registered (on the server, or under scopes:)`);
    return s;
  });
  const groups = file.groups.map((g): GroupSetting => {
    const name = dir.groups(g.name).length === 1 ? dir.groups(g.name)[0]!.displayName : g.name;
    const where = `groups: ${g.name}`;
    return {
      ...g,
      name,
      members: g.members && {
        users: g.members.users.map((u) => user(u, `${where}: members`)).sort(cmp),
        groups: g.members.groups.map((x) => group(x, `${where}: memberGroups`)).sort(cmp),
        servicePrincipals: g.members.servicePrincipals.map((x) => servicePrincipal(x, `${where}: memberServicePrincipals`)).sort(cmp),
      },
    };
  });
  unique(
    groups,
    (g) => g.name,
    (g) => `group ${g.name}`,
  );
  /** Approvers spelled as the server spells them. */
  const approvers = <T extends OwnRules>(rules: T, where: string): T => {
    const named = approversOf(rules);
    const users = new Map(named.users.map((u) => [u, user(u, `${where}: approver`)]));
    const approverGroups = new Map(named.groups.map((x) => [x, group(x, `${where}: approver`)]));
    return mapApprovers(rules, { user: (u) => users.get(u) ?? u, group: (x) => approverGroups.get(x) ?? x });
  };
  const tenantDefault = approvers(file.tenantDefault, 'tenantDefault');
  const policies = file.policies.map((p): PolicySetting => {
    const where = `policies: ${targetLabel(p.target)}`;
    return { target: target(p.target, where), rules: approvers(p.rules, where) };
  });
  unique(
    policies,
    (p) => targetKey(p.target),
    (p) => `policies: ${targetLabel(p.target)}`,
  );
  const assignments = file.assignments.map((a): AssignmentSetting => {
    const where = `assignments: ${principalLabel(a.principal)}`;
    return { ...a, principal: principal(a.principal, where), target: target(a.target, where) };
  });
  unique(assignments, assignmentKey, (a) => `assignments: ${principalLabel(a.principal)}: ${a.type} ${targetLabel(a.target)}`);
  return { desired: { tenantDefault, administrativeUnits, scopes, groups, policies, assignments }, errors };
}

export const windowOf = (a: { start: string | null; end: string | null; duration: string | null }): string =>
  `${a.start ? `from ${a.start} ` : ''}${a.end ? `until ${a.end}` : a.duration ? `for ${a.duration}` : 'permanent'}`;

/** How the window of a live grant differs from the one the file asks for; an error when it cannot change that way. */
function windowChanges(want: AssignmentSetting, have: LiveSchedule, now: number, errors: string[]): FieldChange[] {
  const fields: FieldChange[] = [];
  const haveStart = Date.parse(have.start);
  const started = have.started;
  const wantStart = want.start && Date.parse(want.start) > now ? Date.parse(want.start) : null;
  if (wantStart !== null && started) {
    errors.push(
      `assignments: ${principalLabel(want.principal)}: ${want.type} ${targetLabel(want.target)} is in effect since ${have.start}: its start cannot move to ${want.start} (remove it from the file, apply, then add it back)`,
    );
  } else if (wantStart !== null ? wantStart !== haveStart : !started) {
    fields.push({ field: 'start', old: have.start, new: wantStart !== null ? want.start : 'now' });
  }
  if (want.duration) {
    const length = have.end === null ? null : Date.parse(have.end) - haveStart;
    if (length === null || Math.abs(length - parseDuration(want.duration)) > 1000)
      fields.push({ field: 'end', old: have.end ?? 'permanent', new: `${want.duration} after the start` });
  } else if ((want.end === null ? null : Date.parse(want.end)) !== (have.end === null ? null : Date.parse(have.end))) {
    fields.push({ field: 'end', old: have.end ?? 'permanent', new: want.end ?? 'permanent' });
  }
  return fields;
}

/** Everything that differs between the file and the server, grouped by section and sorted. */
export function computePlan(file: FileSettings, dir: Directory, now: number): Plan {
  const warnings: string[] = [];
  const current = liveSettings(dir, warnings);
  const { desired, errors } = resolveFile(file, dir);
  const changes: Change[] = [];

  // Administrative units, scopes, groups: created when missing, never deleted.
  const liveAus = new Set(current.administrativeUnits);
  for (const name of desired.administrativeUnits) if (!liveAus.has(name)) changes.push({ section: 'administrativeUnits', action: 'add', name });

  const liveScopes = new Map(dir.live.scopes.map((s) => [s.id, s]));
  const newScopes: ScopeSetting[] = [];
  for (const s of desired.scopes) {
    const have = liveScopes.get(s.path);
    if (!have) {
      newScopes.push(s);
      continue;
    }
    if (s.displayName !== null && s.displayName !== have.displayName)
      warnings.push(`scopes: ${s.path} is named '${have.displayName}' on the server, '${s.displayName}' in the file: the API cannot rename a scope`);
    const parent = s.parent ?? parentPath(s.path);
    if (parent !== have.parentId)
      warnings.push(`scopes: ${s.path} has parent ${have.parentId} on the server, ${parent} in the file: the API cannot move a scope`);
  }
  // Parents before children.
  const pending = [...newScopes].sort((a, b) => cmp(a.path, b.path));
  const placed = new Set<string>();
  while (pending.length > 0) {
    const i = Math.max(
      0,
      pending.findIndex((s) => {
        const p = s.parent ?? parentPath(s.path)!;
        return !pending.some((o) => o.path === p) || placed.has(p);
      }),
    );
    const [next] = pending.splice(i, 1);
    placed.add(next!.path);
    changes.push({ section: 'scopes', action: 'add', scope: next! });
  }

  const liveGroups = new Map(current.groups.map((g) => [g.name, g]));
  for (const g of desired.groups) {
    const have = liveGroups.get(g.name);
    if (!have) {
      changes.push({ section: 'groups', action: 'add', group: g });
    } else {
      if (g.description !== null && g.description !== have.description)
        warnings.push(`groups: ${g.name}: the description differs from the server's: the API cannot change it`);
      if (!file.assignableUnsaid.has(g.name) && g.isAssignableToRole !== have.isAssignableToRole) {
        warnings.push(`groups: ${g.name} is ${have.isAssignableToRole ? '' : 'not '}role-assignable on the server: that is chosen once, when a group is made`);
      }
    }
    if (!g.members) continue;
    const haveMembers = have?.members ?? { users: [], groups: [], servicePrincipals: [] };
    const kinds: [PrincipalType, 'users' | 'groups' | 'servicePrincipals'][] = [
      ['user', 'users'],
      ['group', 'groups'],
      ['servicePrincipal', 'servicePrincipals'],
    ];
    for (const [type, key] of kinds) {
      const want = new Set(g.members[key]);
      const got = new Set(haveMembers[key]);
      for (const m of g.members[key]) if (!got.has(m)) changes.push({ section: 'groups', action: 'add', group: g, member: { type, name: m } });
      for (const m of haveMembers[key]) if (!want.has(m)) changes.push({ section: 'groups', action: 'remove', group: g, member: { type, name: m } });
    }
  }

  // Policies: the tenant default, and the rules each policy sets (settings-plan-policies.ts).
  const newGroups = desired.groups.filter((g) => !liveGroups.has(g.name)).map((g) => g.name);
  changes.push(...planPolicies({ dir, file, current, desired, newGroups, warnings }));

  // Assignments: the file's exactly — eligible and admin-assigned active ones (activations are not settings).
  const haveByKey = new Map<string, LiveSchedule>();
  for (const s of dir.live.schedules) {
    haveByKey.set(assignmentKey({ principal: dir.principal(s.principalId, warnings), target: dir.scheduleTarget(s), type: s.type }), s);
  }
  const currentByKey = new Map(current.assignments.map((a) => [assignmentKey(a), a]));
  const wantKeys = new Set<string>();
  for (const a of desired.assignments) {
    const key = assignmentKey(a);
    wantKeys.add(key);
    const have = haveByKey.get(key);
    if (!have) {
      changes.push({ section: 'assignments', action: 'add', assignment: a, schedule: null, fields: [] });
      continue;
    }
    const fields = windowChanges(a, have, now, errors);
    if (fields.length > 0) changes.push({ section: 'assignments', action: 'change', assignment: a, schedule: have, fields });
  }
  for (const [key, a] of currentByKey) {
    if (!wantKeys.has(key)) changes.push({ section: 'assignments', action: 'remove', assignment: a, schedule: haveByKey.get(key)!, fields: [] });
  }

  return { changes: sortChanges(changes), errors: [...new Set(errors)], warnings: [...new Set(warnings)] };
}

function sortChanges(changes: Change[]): Change[] {
  const rank = (c: Change) => SECTIONS.indexOf(c.section);
  const order = (a: Change, b: Change): number => {
    if (a.section === 'policies' && b.section === 'policies') return comparePolicyTargets(a.target, b.target);
    if (a.section === 'assignments' && b.section === 'assignments') return compareAssignments(a.assignment, b.assignment);
    if (a.section === 'groups' && b.section === 'groups') {
      const am = 'member' in a ? 1 : 0;
      const bm = 'member' in b ? 1 : 0;
      return am - bm || cmp(a.group.name, b.group.name) || ('member' in a && 'member' in b ? cmp(a.member.name, b.member.name) : 0);
    }
    return 0;
  };
  // Stable: scopes keep their parents-first order.
  return changes
    .map((c, i) => ({ c, i }))
    .sort((x, y) => rank(x.c) - rank(y.c) || order(x.c, y.c) || x.i - y.i)
    .map((x) => x.c);
}

// Showing a plan --------------------------------------------------------------------------------

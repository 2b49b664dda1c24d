/**
 * The server's settings named portably (settings-model.ts): what `config export` writes and `config
 * plan` compares with, built from one read of the server (settings-live.ts) through its names
 * (settings-directory.ts).
 */
import { parentPath } from '../../domain/scope-path.ts';
import type { Directory, Problems } from './settings-directory.ts';
import {
  compareAssignments,
  comparePolicyTargets,
  cmp,
  type AssignmentSetting,
  type GroupSetting,
  type PolicySetting,
  type PrincipalType,
  type Settings,
} from './settings-model.ts';

/** Names two objects of a kind share: they cannot be told apart in a file. */
function duplicates(names: readonly string[], what: string, problems: Problems): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) problems.push(`two ${what} are named '${n}': give them different names to use openpim config`);
    seen.add(n);
  }
}

/**
 * The server's settings, portable, in a fixed order: what `config export` writes and `config plan`
 * compares with. Only starts still to come are kept.
 */
export function liveSettings(dir: Directory, problems: Problems): Settings {
  const live = dir.live;
  duplicates(
    live.groups.map((g) => g.displayName),
    'groups',
    problems,
  );
  duplicates(
    live.servicePrincipals.map((s) => s.displayName),
    'service principals',
    problems,
  );
  duplicates(
    live.administrativeUnits.map((a) => a.displayName),
    'administrative units',
    problems,
  );
  duplicates(
    live.roles.map((r) => r.displayName),
    'roles',
    problems,
  );

  const lastSegment = (path: string) => path.split('/').pop()!;
  const scopes = live.scopes
    .map((s) => ({
      path: s.id,
      displayName: s.displayName === lastSegment(s.id) ? null : s.displayName,
      parent: s.parentId === null || s.parentId === parentPath(s.id) ? null : s.parentId,
    }))
    .sort((a, b) => cmp(a.path, b.path));

  const groups: GroupSetting[] = live.groups
    .map((g) => {
      const members = live.members.get(g.id) ?? [];
      const names = (type: PrincipalType) =>
        members
          .filter((m) => m.type === type)
          .map((m) => dir.principal(m.id, problems).name)
          .sort(cmp);
      return {
        name: g.displayName,
        description: g.description || null,
        isAssignableToRole: g.isAssignableToRole,
        members: { users: names('user'), groups: names('group'), servicePrincipals: names('servicePrincipal') },
      };
    })
    .sort((a, b) => cmp(a.name, b.name));

  const policies: PolicySetting[] = live.policies
    .map((p) => ({ target: dir.policyTarget(p), rules: dir.ownRulesOf(p, problems) }))
    .sort((a, b) => comparePolicyTargets(a.target, b.target));

  const assignments: AssignmentSetting[] = live.schedules
    .map((s) => ({
      principal: dir.principal(s.principalId, problems),
      target: dir.scheduleTarget(s),
      type: s.type,
      start: s.started ? null : s.start,
      end: s.end,
      duration: null,
    }))
    .sort(compareAssignments);

  return {
    tenantDefault: dir.rulesOf(live.tenantDefault, problems),
    administrativeUnits: live.administrativeUnits.map((a) => a.displayName).sort(cmp),
    scopes,
    groups,
    policies,
    assignments,
  };
}

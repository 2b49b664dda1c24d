/**
 * The names `openpim config` uses for what the server holds by id, both ways: principals, roles,
 * administrative units, scopes, groups' access, the policy of each target, and the rules of a live
 * policy, portable (settings-model.ts). Built over one read of the server (settings-live.ts).
 */
import { RULE_IDS, type RuleId } from '../../domain/policy/rules.ts';
import type { Live, LiveGroup, LiveObject, LivePolicy, LiveSchedule } from './settings-live.ts';
import {
  ACCESSES,
  TENANT_DEFAULT,
  targetLabel,
  type Access,
  type OwnRules,
  type PolicyTarget,
  type PrincipalRef,
  type PrincipalType,
  type Rules,
  type ScopeRef,
  type Target,
  type TenantDefault,
} from './settings-model.ts';
import { portableRule, type ApproverNames } from './settings-rules.ts';

/** A problem found while naming things: an id nothing names, a name two objects share. */
export type Problems = string[];

/** Look-ups both ways between ids and the names the file uses. */
export class Directory {
  readonly live: Live;
  private readonly byId = new Map<string, { type: PrincipalType; name: string }>();
  private readonly roleNames = new Map<string, string>();
  private readonly auNames = new Map<string, string>();

  constructor(live: Live) {
    this.live = live;
    for (const u of live.users) this.byId.set(u.id, { type: 'user', name: u.userPrincipalName });
    for (const g of live.groups) this.byId.set(g.id, { type: 'group', name: g.displayName });
    for (const s of live.servicePrincipals) this.byId.set(s.id, { type: 'servicePrincipal', name: s.displayName });
    for (const r of live.roles) this.roleNames.set(r.id, r.displayName);
    for (const a of live.administrativeUnits) this.auNames.set(a.id, a.displayName);
  }

  /** The portable name of a principal id (an id nothing names stays an id, and is reported). */
  principal(id: string, problems: Problems): PrincipalRef {
    const found = this.byId.get(id);
    if (found) return found;
    problems.push(`no user, group or service principal has the id ${id}`);
    return { type: 'user', name: id };
  }

  roleName(id: string): string {
    return this.roleNames.get(id) ?? id;
  }

  /** A scope as the file names it: an administrative unit by name, anything else by path. */
  scope(scopeId: string): ScopeRef {
    const au = /^\/administrativeUnits\/([^/]+)$/.exec(scopeId);
    if (au && this.auNames.has(au[1]!)) return { administrativeUnit: this.auNames.get(au[1]!)! };
    return { path: scopeId };
  }

  approverNames(problems: Problems): ApproverNames {
    return {
      userName: (id) => this.principal(id, problems).name,
      groupName: (id) => this.principal(id, problems).name,
    };
  }

  // Names → ids (exact spelling first, then ignoring case; null when none, or several).

  userId(upn: string): string | null {
    const lower = upn.toLowerCase();
    return this.live.users.find((u) => u.userPrincipalName.toLowerCase() === lower)?.id ?? null;
  }

  private unique<T extends LiveObject>(items: readonly T[], name: string): T[] {
    const exact = items.filter((i) => i.displayName === name);
    return exact.length > 0 ? exact : items.filter((i) => i.displayName.toLowerCase() === name.toLowerCase());
  }

  groups(name: string): LiveGroup[] {
    return this.unique(this.live.groups, name);
  }
  servicePrincipals(name: string): LiveObject[] {
    return this.unique(this.live.servicePrincipals, name);
  }
  roles(name: string): LiveObject[] {
    return this.unique(this.live.roles, name);
  }
  administrativeUnits(name: string): LiveObject[] {
    return this.unique(this.live.administrativeUnits, name);
  }

  /** The id of a principal the file names, or null. */
  principalId(p: PrincipalRef): string | null {
    if (p.type === 'user') return this.userId(p.name);
    const found = p.type === 'group' ? this.groups(p.name) : this.servicePrincipals(p.name);
    return found.length === 1 ? found[0]!.id : null;
  }

  /** The store's scope id of a scope the file names, or null (an administrative unit that does not exist). */
  scopeId(scope: ScopeRef): string | null {
    if ('path' in scope) return scope.path;
    const found = this.administrativeUnits(scope.administrativeUnit);
    return found.length === 1 ? `/administrativeUnits/${found[0]!.id}` : null;
  }

  roleId(name: string): string | null {
    const found = this.roles(name);
    return found.length === 1 ? found[0]!.id : null;
  }

  groupId(name: string): string | null {
    const found = this.groups(name);
    return found.length === 1 ? found[0]!.id : null;
  }

  /** The id of the role (or group access) and the store's scope of a target, or null when something is missing. */
  targetIds(t: Target): { roleDefinitionId: string; scopeId: string; groupId: string | null } | null {
    if (t.kind === 'group') {
      const groupId = this.groupId(t.group);
      return groupId ? { roleDefinitionId: t.access, scopeId: `/groups/${groupId}`, groupId } : null;
    }
    const roleDefinitionId = this.roleId(t.role);
    const scopeId = this.scopeId(t.scope);
    return roleDefinitionId && scopeId ? { roleDefinitionId, scopeId, groupId: null } : null;
  }

  /** The live policy of a target, if there is one. */
  policy(t: PolicyTarget | TenantDefault): LivePolicy | null {
    if (t.kind === 'tenantDefault') return this.live.tenantDefault;
    if (t.kind === 'groupDefaults') return this.live.policies.find((p) => p.roleDefinitionId === t.access && p.scopeId === '/') ?? null;
    const ids = this.targetIds(t);
    if (!ids) return null;
    return this.live.policies.find((p) => p.roleDefinitionId === ids.roleDefinitionId && p.scopeId === ids.scopeId) ?? null;
  }

  /** The rules in force for a live policy, whole and portable. */
  rulesOf(policy: LivePolicy, problems: Problems): Rules {
    const names = this.approverNames(problems);
    return Object.fromEntries(RULE_IDS.map((id) => [id, portableRule(id, policy.rules[id], names)])) as Rules;
  }

  /** The rules a live policy sets itself, whole and portable. */
  ownRulesOf(policy: LivePolicy, problems: Problems): OwnRules {
    const names = this.approverNames(problems);
    return Object.fromEntries(RULE_IDS.filter((id) => !policy.inheritedFrom[id]).map((id) => [id, portableRule(id, policy.rules[id], names)])) as OwnRules;
  }

  /** Where a live policy's rule comes from, in words (`the tenant default`, `Reader at /`), or null when the policy sets it. */
  sourceOf(policy: LivePolicy, id: RuleId): string | null {
    const from = policy.inheritedFrom[id];
    if (!from) return null;
    if (from.isOrganizationDefault) return targetLabel(TENANT_DEFAULT);
    const source = this.live.policies.find((p) => p.id === from.policyId);
    return source ? targetLabel(this.policyTarget(source)) : `policy ${from.policyId}`;
  }

  /** The policy target of a live policy. */
  policyTarget(p: LivePolicy): PolicyTarget {
    if ((ACCESSES as readonly string[]).includes(p.roleDefinitionId)) {
      const access = p.roleDefinitionId as Access;
      if (p.scopeId === '/') return { kind: 'groupDefaults', access };
      return { kind: 'group', group: this.nameOfGroupScope(p.scopeId), access };
    }
    return { kind: 'role', role: this.roleName(p.roleDefinitionId), scope: this.scope(p.scopeId) };
  }

  private nameOfGroupScope(scopeId: string): string {
    const id = scopeId.replace(/^\/groups\//, '');
    return this.live.groups.find((g) => g.id === id)?.displayName ?? id;
  }

  /** The target of a live schedule. */
  scheduleTarget(s: LiveSchedule): Target {
    if (s.groupId) return { kind: 'group', group: this.nameOfGroupScope(s.scopeId), access: s.roleDefinitionId as Access };
    return { kind: 'role', role: this.roleName(s.roleDefinitionId), scope: this.scope(s.scopeId) };
  }
}

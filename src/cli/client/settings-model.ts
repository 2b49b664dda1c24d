/**
 * "Settings as code" (`openpim config`): the server's settings in a portable form — every object
 * named as people name it (users by user principal name, groups, service principals, roles and
 * administrative units by display name, resource scopes by path) rather than by id, so that a file
 * exported from one server applies to another. Policy rules are kept whole here (every field,
 * settings-rules.ts); the file holds only what differs from OpenPIM's defaults (settings-file.ts).
 */
import type { RuleId } from '../../domain/policy/rules.ts';

export type PrincipalType = 'user' | 'group' | 'servicePrincipal';
export type Access = 'member' | 'owner';
export const ACCESSES: readonly Access[] = ['member', 'owner'];

/** A user (by user principal name), group or service principal (by display name). */
export interface PrincipalRef {
  readonly type: PrincipalType;
  readonly name: string;
}

/** `/`, a resource scope by path, or an administrative unit by display name. */
export type ScopeRef = { readonly path: string } | { readonly administrativeUnit: string };

/** What an assignment (or a policy) is about: a role at a scope, or PIM for Groups access to a group. */
export type Target =
  { readonly kind: 'role'; readonly role: string; readonly scope: ScopeRef } | { readonly kind: 'group'; readonly group: string; readonly access: Access };

/** A policy is a role's at a scope, a group's own (member / owner), or the defaults for groups (`access` at `/`), which groups' own inherit. */
export type PolicyTarget = Target | { readonly kind: 'groupDefaults'; readonly access: Access };

/** The tenant default role settings: every policy inherits from it the rules it does not set (nor the policies above it). */
export interface TenantDefault {
  readonly kind: 'tenantDefault';
}
export const TENANT_DEFAULT: TenantDefault = { kind: 'tenantDefault' };

/** One rule's fields (not its id or type), approvers named portably (`{user: UPN}`, `{group: name}`, `{manager: 1}`). */
export type PortableRule = Record<string, unknown>;
/** All 17 rules, whole: the tenant default's, or the rules in force for a policy. */
export type Rules = Record<RuleId, PortableRule>;
/** The rules a policy sets itself, each whole; a rule it leaves out, it inherits. */
export type OwnRules = Partial<Rules>;

export interface PolicySetting {
  readonly target: PolicyTarget;
  /** The rules it sets itself (not those it inherits). */
  readonly rules: OwnRules;
}

export interface AssignmentSetting {
  readonly principal: PrincipalRef;
  readonly target: Target;
  readonly type: 'eligible' | 'active';
  /** Only a start still to come; null: from now (or whenever it started). */
  readonly start: string | null;
  /** At most one of end and duration; neither: permanent. */
  readonly end: string | null;
  readonly duration: string | null;
}

export interface Members {
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly servicePrincipals: readonly string[];
}

export interface GroupSetting {
  readonly name: string;
  readonly description: string | null;
  readonly isAssignableToRole: boolean;
  /** Null: the file does not manage this group's members. */
  readonly members: Members | null;
}

export interface ScopeSetting {
  readonly path: string;
  /** Null: the default (the path's last segment), or not said. */
  readonly displayName: string | null;
  /** Null: the default (the path minus its last pair). */
  readonly parent: string | null;
}

export interface Settings {
  /** Every rule, whole. */
  readonly tenantDefault: Rules;
  readonly administrativeUnits: readonly string[];
  readonly scopes: readonly ScopeSetting[];
  readonly groups: readonly GroupSetting[];
  readonly policies: readonly PolicySetting[];
  readonly assignments: readonly AssignmentSetting[];
}

/** Code-point order: the same on every machine, whatever its locale. */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A JSON text with keys sorted, for comparing values. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => cmp(a, b))) : v,
  );
}
export const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

// Keys and labels -------------------------------------------------------------------------------

export const scopeKey = (s: ScopeRef): string => ('path' in s ? s.path : `administrativeUnit:${s.administrativeUnit}`);
export const scopeLabel = (s: ScopeRef): string => ('path' in s ? s.path : `administrative unit ${s.administrativeUnit}`);

export function targetKey(t: PolicyTarget | TenantDefault): string {
  if (t.kind === 'tenantDefault') return 'tenantDefault';
  if (t.kind === 'role') return `role\u0000${t.role}\u0000${scopeKey(t.scope)}`;
  if (t.kind === 'group') return `group\u0000${t.group}\u0000${t.access}`;
  return `groupDefaults\u0000${t.access}`;
}

export function targetLabel(t: PolicyTarget | TenantDefault): string {
  if (t.kind === 'tenantDefault') return 'the tenant default';
  if (t.kind === 'role') return `${t.role} at ${scopeLabel(t.scope)}`;
  if (t.kind === 'group') return `${t.access} of group ${t.group}`;
  return `${t.access} of groups (the defaults groups inherit)`;
}

export const principalKey = (p: PrincipalRef): string => `${p.type}\u0000${p.name}`;
export const principalLabel = (p: PrincipalRef): string =>
  p.type === 'user' ? p.name : p.type === 'group' ? `group ${p.name}` : `service principal ${p.name}`;

export const assignmentKey = (a: Pick<AssignmentSetting, 'principal' | 'target' | 'type'>): string =>
  `${principalKey(a.principal)}\u0000${targetKey(a.target)}\u0000${a.type}`;

/** Sort order of policy targets: the tenant default, roles by name then scope (`/` first), the group defaults, then groups. */
export function comparePolicyTargets(a: PolicyTarget | TenantDefault, b: PolicyTarget | TenantDefault): number {
  const rank = (t: PolicyTarget | TenantDefault) => ['tenantDefault', 'role', 'groupDefaults', 'group'].indexOf(t.kind);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a.kind === 'role' && b.kind === 'role') return cmp(a.role, b.role) || compareScopes(a.scope, b.scope);
  if (a.kind === 'group' && b.kind === 'group') return cmp(a.group, b.group) || cmp(a.access, b.access);
  return cmp((a as { access: string }).access, (b as { access: string }).access);
}

/** `/` first, then paths, then administrative units by name. */
export function compareScopes(a: ScopeRef, b: ScopeRef): number {
  const rank = (s: ScopeRef) => ('path' in s ? (s.path === '/' ? 0 : 1) : 2);
  return rank(a) - rank(b) || cmp(scopeKey(a), scopeKey(b));
}

export function compareAssignments(a: AssignmentSetting, b: AssignmentSetting): number {
  const types: PrincipalType[] = ['user', 'group', 'servicePrincipal'];
  return (
    types.indexOf(a.principal.type) - types.indexOf(b.principal.type) ||
    cmp(a.principal.name, b.principal.name) ||
    comparePolicyTargets(a.target, b.target) ||
    (a.type === b.type ? 0 : a.type === 'eligible' ? -1 : 1)
  );
}

/**
 * "Settings as code" (`openpim config`): the server's settings in a portable form — every object
 * named as people name it (users by user principal name, groups, service principals, roles and
 * administrative units by display name, resource scopes by path) rather than by id, so that a file
 * exported from one server applies to another. Policy rules are kept whole here (every field);
 * the file holds only what differs from OpenPIM's defaults (settings-file.ts).
 */
import { defaultPolicyRules } from '../../domain/policy/defaults.ts';
import { kindOfRule, RULE_IDS, type RuleId, type RuleKind } from '../../domain/policy/rules.ts';

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

/** A policy is a role's at a scope, a group's own (member / owner), or the defaults new groups copy (`access` at `/`). */
export type PolicyTarget = Target | { readonly kind: 'groupDefaults'; readonly access: Access };

/** One rule's fields (not its id or type), approvers named portably (`{user: UPN}`, `{group: name}`, `{manager: 1}`). */
export type PortableRule = Record<string, unknown>;
export type Rules = Record<RuleId, PortableRule>;

export interface PolicySetting {
  readonly target: PolicyTarget;
  /** Every rule, whole. */
  readonly rules: Rules;
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

export function targetKey(t: PolicyTarget): string {
  if (t.kind === 'role') return `role\u0000${t.role}\u0000${scopeKey(t.scope)}`;
  if (t.kind === 'group') return `group\u0000${t.group}\u0000${t.access}`;
  return `groupDefaults\u0000${t.access}`;
}

export function targetLabel(t: PolicyTarget): string {
  if (t.kind === 'role') return `${t.role} at ${scopeLabel(t.scope)}`;
  if (t.kind === 'group') return `${t.access} of group ${t.group}`;
  return `${t.access} of groups (the defaults new groups copy)`;
}

export const principalKey = (p: PrincipalRef): string => `${p.type}\u0000${p.name}`;
export const principalLabel = (p: PrincipalRef): string =>
  p.type === 'user' ? p.name : p.type === 'group' ? `group ${p.name}` : `service principal ${p.name}`;

export const assignmentKey = (a: Pick<AssignmentSetting, 'principal' | 'target' | 'type'>): string =>
  `${principalKey(a.principal)}\u0000${targetKey(a.target)}\u0000${a.type}`;

/** Sort order of policy targets: roles by name then scope (`/` first), the group defaults, then groups. */
export function comparePolicyTargets(a: PolicyTarget, b: PolicyTarget): number {
  const rank = (t: PolicyTarget) => (t.kind === 'role' ? 0 : t.kind === 'groupDefaults' ? 1 : 2);
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

// Rules -----------------------------------------------------------------------------------------

export const RULE_TYPE: Record<RuleKind, string> = {
  expiration: '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
  enablement: '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
  approval: '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
  authenticationContext: '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
  notification: '#microsoft.graph.unifiedRoleManagementPolicyNotificationRule',
};

/** The fields of each kind of rule, in the order the file writes them (`target` comes last). */
export const RULE_FIELDS: Record<RuleKind, readonly string[]> = {
  expiration: ['isExpirationRequired', 'maximumDuration'],
  enablement: ['enabledRules'],
  approval: ['setting'],
  authenticationContext: ['isEnabled', 'claimValue'],
  notification: ['notificationType', 'recipientType', 'notificationLevel', 'isDefaultRecipientsEnabled', 'notificationRecipients'],
};
export const SETTING_FIELDS = [
  'isApprovalRequired',
  'isApprovalRequiredForExtension',
  'isRequestorJustificationRequired',
  'approvalMode',
  'grantStartsAt',
  'approvalStages',
] as const;
const STAGE_FIELDS = [
  'approvalStageTimeOutInDays',
  'isApproverJustificationRequired',
  'escalationTimeInMinutes',
  'isEscalationEnabled',
  'approvalsRequired',
  'primaryApprovers',
  'escalationApprovers',
] as const;
const TARGET_FIELDS = ['caller', 'operations', 'level', 'inheritableSettings', 'enforcedSettings'] as const;
const ENABLEMENT_ORDER = ['MultiFactorAuthentication', 'Justification', 'Ticketing'];

/** How approvers' ids become names and back. */
export interface ApproverNames {
  userName(id: string): string;
  groupName(id: string): string;
}
export interface ApproverIds {
  userId(upn: string): string;
  groupId(name: string): string;
}

const pick = (source: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));

/** An approver as the API writes it (v1.0 `userId` / `groupId`, beta `id`) → `{user}`, `{group}` or `{manager}`. */
function portableApprover(s: Record<string, unknown>, names: ApproverNames): Record<string, unknown> {
  const type = s['@odata.type'];
  const head =
    type === '#microsoft.graph.singleUser'
      ? { user: names.userName(String(s.userId ?? s.id)) }
      : type === '#microsoft.graph.groupMembers'
        ? { group: names.groupName(String(s.groupId ?? s.id)) }
        : { manager: s.managerLevel };
  return { ...head, ...approverExtras(s) };
}

const approverExtras = (s: Record<string, unknown>) => ({
  ...(typeof s.description === 'string' && s.description !== '' ? { description: s.description } : {}),
  ...(s.isBackup === true ? { isBackup: true } : {}),
});

/** A file's approver, in its one spelling. */
const fileApprover = (a: Record<string, unknown>): Record<string, unknown> => ({
  ...('user' in a ? { user: a.user } : 'group' in a ? { group: a.group } : { manager: a.manager }),
  ...approverExtras(a),
});

export function apiApprover(s: Record<string, unknown>, ids: ApproverIds): Record<string, unknown> {
  const extra = approverExtras(s);
  if ('user' in s) return { '@odata.type': '#microsoft.graph.singleUser', userId: ids.userId(String(s.user)), ...extra };
  if ('group' in s) return { '@odata.type': '#microsoft.graph.groupMembers', groupId: ids.groupId(String(s.group)), ...extra };
  return { '@odata.type': '#microsoft.graph.requestorManager', managerLevel: s.manager, ...extra };
}

/** What a stage has when the file leaves a field out: the default stage's. */
const STAGE_DEFAULTS = {
  approvalStageTimeOutInDays: 1,
  isApproverJustificationRequired: true,
  escalationTimeInMinutes: 0,
  isEscalationEnabled: false,
  approvalsRequired: 1,
};

/**
 * A rule → its portable fields, in a fixed order: operations lower case, enabled rules in one
 * order, notification recipients sorted, a stage's quorum (`approvalsRequired`) and `grantStartsAt`
 * spelled out with their defaults, approvers mapped by `approver`.
 */
function shapeRule(id: RuleId, rule: Record<string, unknown>, approver: (a: Record<string, unknown>) => Record<string, unknown>): PortableRule {
  const kind = kindOfRule(id);
  const out = pick(rule, RULE_FIELDS[kind]);
  if (kind === 'enablement') {
    out.enabledRules = [...(rule.enabledRules as string[])].sort((a, b) => ENABLEMENT_ORDER.indexOf(a) - ENABLEMENT_ORDER.indexOf(b) || cmp(a, b));
  }
  if (kind === 'notification') out.notificationRecipients = [...(rule.notificationRecipients as string[])].sort(cmp);
  if (kind === 'authenticationContext') out.claimValue = rule.claimValue ?? null;
  if (kind === 'approval') {
    const setting: Record<string, unknown> = { grantStartsAt: 'approval', ...(rule.setting as Record<string, unknown>) };
    const shaped = pick(setting, SETTING_FIELDS);
    shaped.approvalStages = ((setting.approvalStages as Record<string, unknown>[] | undefined) ?? []).map((stage) => ({
      ...pick({ ...STAGE_DEFAULTS, ...stage }, STAGE_FIELDS),
      primaryApprovers: ((stage.primaryApprovers as Record<string, unknown>[] | undefined) ?? []).map(approver),
      escalationApprovers: ((stage.escalationApprovers as Record<string, unknown>[] | undefined) ?? []).map(approver),
    }));
    out.setting = shaped;
  }
  const target = rule.target as Record<string, unknown>;
  out.target = { ...pick(target, TARGET_FIELDS), operations: ((target.operations as string[] | undefined) ?? []).map((o) => o.toLowerCase()) };
  return out;
}

/** A rule as the API (or the domain's defaults) gives it, portable. */
export const portableRule = (id: RuleId, rule: Record<string, unknown>, names: ApproverNames): PortableRule =>
  shapeRule(id, rule, (a) => portableApprover(a, names));

/** OpenPIM's default rules (docs/guide.md, "Policies"), portable. */
export function defaultRules(): Rules {
  const defaults = defaultPolicyRules();
  const none: ApproverNames = { userName: (x) => x, groupName: (x) => x };
  return Object.fromEntries(RULE_IDS.map((id) => [id, portableRule(id, defaults[id] as unknown as Record<string, unknown>, none)])) as Rules;
}

/** One changed field: `Expiration_EndUser_Assignment.maximumDuration`, `Approval_EndUser_Assignment.setting.isApprovalRequired`. */
export interface FieldChange {
  readonly field: string;
  readonly old: unknown;
  readonly new: unknown;
}

const fieldsOf = (id: RuleId) => [...RULE_FIELDS[kindOfRule(id)], 'target'];

/** The fields of `next` that differ from `base`, one level into an approval's `setting`. */
export function ruleChanges(base: Rules, next: Rules): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const id of RULE_IDS) {
    for (const key of fieldsOf(id)) {
      if (key === 'setting') {
        const sa = base[id].setting as Record<string, unknown>;
        const sb = next[id].setting as Record<string, unknown>;
        for (const sub of SETTING_FIELDS) {
          if (!same(sa[sub], sb[sub])) changes.push({ field: `${id}.setting.${sub}`, old: sa[sub] ?? null, new: sb[sub] ?? null });
        }
      } else if (!same(base[id][key], next[id][key])) {
        changes.push({ field: `${id}.${key}`, old: base[id][key] ?? null, new: next[id][key] ?? null });
      }
    }
  }
  return changes;
}

/** The rules whose fields differ, and which top-level fields: what a PATCH of each must send. */
export function changedRules(base: Rules, next: Rules): { id: RuleId; keys: string[] }[] {
  return RULE_IDS.map((id) => ({ id, keys: fieldsOf(id).filter((key) => !same(base[id][key], next[id][key])) })).filter((r) => r.keys.length > 0);
}

/** What the file writes of a policy: per rule, only the fields (and setting fields) that differ from the defaults. */
export function overridesOf(rules: Rules, defaults: Rules = defaultRules()): Partial<Record<RuleId, PortableRule>> {
  const out: Partial<Record<RuleId, PortableRule>> = {};
  for (const id of RULE_IDS) {
    const fields: PortableRule = {};
    for (const key of fieldsOf(id)) {
      if (key === 'setting') {
        const s = rules[id].setting as Record<string, unknown>;
        const d = defaults[id].setting as Record<string, unknown>;
        const diff = Object.fromEntries(SETTING_FIELDS.filter((k) => !same(s[k], d[k])).map((k) => [k, s[k]]));
        if (Object.keys(diff).length > 0) fields.setting = diff;
      } else if (!same(rules[id][key], defaults[id][key])) {
        fields[key] = rules[id][key];
      }
    }
    if (Object.keys(fields).length > 0) out[id] = fields;
  }
  return out;
}

/** The whole rules a file's overrides stand for: the defaults, with each field (or setting field) given replaced. */
export function withOverrides(overrides: Partial<Record<RuleId, PortableRule>>, defaults: Rules = defaultRules()): Rules {
  const out = structuredClone(defaults);
  for (const id of RULE_IDS) {
    const o = overrides[id];
    if (!o) continue;
    const merged: Record<string, unknown> = { ...out[id] };
    for (const [key, value] of Object.entries(o)) {
      if (key === 'setting' || key === 'target') merged[key] = { ...(out[id][key] as Record<string, unknown>), ...(value as Record<string, unknown>) };
      else merged[key] = value;
    }
    out[id] = shapeRule(id, merged, fileApprover);
  }
  return out;
}

/** Every user and group a rule's approvers name, for checking that they exist. */
export function approversOf(rules: Rules): { users: string[]; groups: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  for (const id of RULE_IDS) {
    const setting = rules[id].setting as { approvalStages?: Record<string, unknown>[] } | undefined;
    for (const stage of setting?.approvalStages ?? []) {
      for (const a of [...(stage.primaryApprovers as Record<string, unknown>[]), ...(stage.escalationApprovers as Record<string, unknown>[])]) {
        if ('user' in a) users.push(String(a.user));
        if ('group' in a) groups.push(String(a.group));
      }
    }
  }
  return { users, groups };
}

/** Renames the approvers of whole rules (a file's names → the server's spelling). */
export function mapApprovers(rules: Rules, map: { user(name: string): string; group(name: string): string }): Rules {
  const out = structuredClone(rules);
  for (const id of RULE_IDS) {
    const setting = out[id].setting as { approvalStages?: Record<string, unknown>[] } | undefined;
    for (const stage of setting?.approvalStages ?? []) {
      for (const list of ['primaryApprovers', 'escalationApprovers']) {
        stage[list] = (stage[list] as Record<string, unknown>[]).map((a) =>
          'user' in a ? { ...a, user: map.user(String(a.user)) } : 'group' in a ? { ...a, group: map.group(String(a.group)) } : a,
        );
      }
    }
  }
  return out;
}

/** A rule's fields for a PATCH (approvers by id), and the domain rule the server would validate. */
export function apiRuleFields(rule: PortableRule, keys: readonly string[], ids: ApproverIds): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key === 'setting') {
      const setting = rule.setting as Record<string, unknown>;
      out.setting = {
        ...setting,
        approvalStages: (setting.approvalStages as Record<string, unknown>[]).map((s) => ({
          ...s,
          primaryApprovers: (s.primaryApprovers as Record<string, unknown>[]).map((a) => apiApprover(a, ids)),
          escalationApprovers: (s.escalationApprovers as Record<string, unknown>[]).map((a) => apiApprover(a, ids)),
        })),
      };
    } else {
      out[key] = rule[key];
    }
  }
  return out;
}

/**
 * Policy rules in the portable form `openpim config` keeps them in (settings-model.ts): every field
 * in a fixed order, approvers by name; how they compare, how the file writes them (only the fields
 * that differ from OpenPIM's built-in defaults) and reads them back, and how a PATCH sends them.
 */
import { defaultPolicyRules } from '../../domain/policy/defaults.ts';
import { kindOfRule, RULE_IDS, type RuleId, type RuleKind } from '../../domain/policy/rules.ts';
import { cmp, same, type OwnRules, type PortableRule, type Rules } from './settings-model.ts';

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

/** One changed field: `maximumDuration`, `setting.isApprovalRequired`, or with its rule, `Expiration_EndUser_Assignment.maximumDuration`. */
export interface FieldChange {
  readonly field: string;
  readonly old: unknown;
  readonly new: unknown;
}

/** A rule's top-level fields: its kind's, then `target`. */
export const fieldsOf = (id: RuleId): string[] => [...RULE_FIELDS[kindOfRule(id)], 'target'];

/** The fields of one rule that differ from `base` to `next`, one level into an approval's `setting` (named without the rule's id). */
export function fieldChanges(id: RuleId, base: PortableRule, next: PortableRule): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of fieldsOf(id)) {
    if (key === 'setting') {
      const sa = base.setting as Record<string, unknown>;
      const sb = next.setting as Record<string, unknown>;
      for (const sub of SETTING_FIELDS) {
        if (!same(sa[sub], sb[sub])) changes.push({ field: `setting.${sub}`, old: sa[sub] ?? null, new: sb[sub] ?? null });
      }
    } else if (!same(base[key], next[key])) {
      changes.push({ field: key, old: base[key] ?? null, new: next[key] ?? null });
    }
  }
  return changes;
}

/** What the file writes of one rule: only the fields (and setting fields) that differ from the built-in default; `{}` when none do. */
export function ruleOverrides(id: RuleId, rule: PortableRule, defaults: Rules = defaultRules()): PortableRule {
  const fields: PortableRule = {};
  for (const key of fieldsOf(id)) {
    if (key === 'setting') {
      const s = rule.setting as Record<string, unknown>;
      const d = defaults[id].setting as Record<string, unknown>;
      const diff = Object.fromEntries(SETTING_FIELDS.filter((k) => !same(s[k], d[k])).map((k) => [k, s[k]]));
      if (Object.keys(diff).length > 0) fields.setting = diff;
    } else if (!same(rule[key], defaults[id][key])) {
      fields[key] = rule[key];
    }
  }
  return fields;
}

/**
 * What the file writes of rules: of the tenant default, only the rules that differ from the
 * built-in defaults (`differing`); of a policy, every rule it sets (`all`), even one that equals
 * the built-in default (`{}`).
 */
export function overridesOf(rules: OwnRules, which: 'differing' | 'all'): OwnRules {
  const defaults = defaultRules();
  const out: OwnRules = {};
  for (const id of RULE_IDS) {
    const rule = rules[id];
    if (!rule) continue;
    const fields = ruleOverrides(id, rule, defaults);
    if (which === 'all' || Object.keys(fields).length > 0) out[id] = fields;
  }
  return out;
}

/** The whole rule a file's fields stand for: the built-in default, with each field (or setting field) given replaced. */
function withFields(id: RuleId, fields: PortableRule, defaults: Rules): PortableRule {
  const merged: Record<string, unknown> = { ...defaults[id] };
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'setting' || key === 'target') merged[key] = { ...(defaults[id][key] as Record<string, unknown>), ...(value as Record<string, unknown>) };
    else merged[key] = value;
  }
  return shapeRule(id, merged, fileApprover);
}

/** The rules a policy's entry sets, whole (settings-file.ts). */
export function ownRules(overrides: OwnRules): OwnRules {
  const defaults = defaultRules();
  return Object.fromEntries(RULE_IDS.flatMap((id) => (overrides[id] ? [[id, withFields(id, overrides[id], defaults)]] : []))) as OwnRules;
}

/** The tenant default's 17 rules, whole: the built-in defaults, with the rules the file gives changed. */
export const withOverrides = (overrides: OwnRules): Rules => ({ ...defaultRules(), ...ownRules(overrides) });

/** Every user and group a rule's approvers name, for checking that they exist. */
export function approversOf(rules: OwnRules): { users: string[]; groups: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  for (const id of RULE_IDS) {
    const setting = rules[id]?.setting as { approvalStages?: Record<string, unknown>[] } | undefined;
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
export function mapApprovers<T extends OwnRules>(rules: T, map: { user(name: string): string; group(name: string): string }): T {
  const out = structuredClone(rules);
  for (const id of RULE_IDS) {
    const setting = out[id]?.setting as { approvalStages?: Record<string, unknown>[] } | undefined;
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

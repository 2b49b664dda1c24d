/**
 * How the settings pages name each policy rule and say where a rule in force comes from: set by the
 * policy shown, or inherited — from the tenant default, the role's settings for the whole directory,
 * the role's settings at a scope above, or (for a group's access) the defaults for groups.
 */
import type { GroupAccess, Policy, Rule, RuleSource } from './policy-api.ts';

/** The tenant default settings page. */
export const TENANT_DEFAULT_PATH = '/admin/roles/tenant-default';

/** The defaults for groups page, showing the member access's (or the owner access's) defaults. */
export const groupsDefaultPath = (access: GroupAccess = 'member'): string => `/admin/groups/defaults${access === 'owner' ? '?access=owner' : ''}`;

/** The defaults for groups: a policy of type Group at `/` (a group's own names the group). */
export const isGroupsDefault = (policy: Policy): boolean => policy.scopeType === 'Group' && policy.scopeId === '/';

export type NotificationLevel = 'Admin_Eligibility' | 'Admin_Assignment' | 'EndUser_Assignment';
export type Recipient = 'Admin' | 'Requestor' | 'Approver';

const EVENT: Record<NotificationLevel, string> = {
  Admin_Eligibility: 'Eligible assignment',
  Admin_Assignment: 'Active assignment',
  EndUser_Assignment: 'Activation',
};

/** A notification rule's row label, as Entra words it ("Role activation alert (admins)"). */
export function recipientLabel(who: Recipient, level: NotificationLevel): string {
  const activation = level === 'EndUser_Assignment';
  if (who === 'Admin') return activation ? 'Role activation alert (admins)' : 'Role assignment alert (admins)';
  if (who === 'Requestor') return activation ? 'Notification to the activated user' : 'Notification to the assigned user';
  return activation ? 'Request to approve an activation' : 'Request to approve an extension or renewal';
}

/** Each rule by the name of the setting it holds, as the sections label it. */
export const RULE_LABEL: Readonly<Record<string, string>> = {
  Expiration_EndUser_Assignment: 'Activation maximum duration',
  Enablement_EndUser_Assignment: 'What activation requires (MFA, justification, ticket)',
  AuthenticationContext_EndUser_Assignment: 'Authentication context on activation',
  Approval_EndUser_Assignment: 'Approval and approvers',
  Expiration_Admin_Eligibility: 'Eligible assignment expiry',
  Expiration_Admin_Assignment: 'Active assignment expiry',
  Enablement_Admin_Assignment: 'What active assignment requires (MFA, justification)',
  Enablement_Admin_Eligibility: 'What eligible assignment requires',
  ...Object.fromEntries(
    (Object.keys(EVENT) as NotificationLevel[]).flatMap((level) =>
      (['Admin', 'Requestor', 'Approver'] as const).map((who) => [`Notification_${who}_${level}`, `${EVENT[level]}: ${recipientLabel(who, level)}`] as const),
    ),
  ),
};

export const ruleLabel = (id: string): string => RULE_LABEL[id] ?? id;

/** A source of inherited rules, as the page names it. */
export type SourceKind =
  | { readonly kind: 'tenant-default' }
  | { readonly kind: 'groups-default'; readonly policyId: string }
  | { readonly kind: 'role-directory' }
  | { readonly kind: 'role-scope'; readonly scopeId: string };

/** What a policy's inherited rule comes from, in the policy's own terms (a group's access inherits from the defaults for groups). */
export function sourceKind(policy: Policy, from: RuleSource): SourceKind {
  if (from.isOrganizationDefault) return { kind: 'tenant-default' };
  if (policy.scopeType === 'Group') return { kind: 'groups-default', policyId: from.policyId };
  return from.scopeId === '/' ? { kind: 'role-directory' } : { kind: 'role-scope', scopeId: from.scopeId };
}

export interface RuleOrigins {
  /** Rules the policy sets itself, in the order given. */
  readonly own: readonly Rule[];
  /** Inherited rules, by the policy they come from, in the order first met. */
  readonly inherited: readonly { readonly from: RuleSource; readonly rules: readonly Rule[] }[];
}

/** Where each of `ruleIds` comes from for this policy. */
export function originsOf(policy: Policy, ruleIds: readonly string[]): RuleOrigins {
  const rules = ruleIds.flatMap((id) => policy.rules.filter((r) => r.id === id));
  const inherited: { from: RuleSource; rules: Rule[] }[] = [];
  for (const rule of rules) {
    if (!rule.inheritedFrom) continue;
    const group = inherited.find((g) => g.from.policyId === rule.inheritedFrom?.policyId);
    if (group) group.rules.push(rule);
    else inherited.push({ from: rule.inheritedFrom, rules: [rule] });
  }
  return { own: rules.filter((r) => !r.inheritedFrom), inherited };
}

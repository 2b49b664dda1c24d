/**
 * Graph's unifiedRoleManagementPolicy, its rules (polymorphic by @odata.type) and
 * unifiedRoleManagementPolicyAssignment.
 */
import { z } from 'zod';
import type { Policy } from '../../app/ports/repositories.ts';
import { DomainError } from '../../domain/errors.ts';
import { groupOfScope } from '../../domain/group-access.ts';
import type { RuleSource } from '../../domain/policy/inherit.ts';
import { RULE_IDS, type PolicyRule, type RuleKind } from '../../domain/policy/rules.ts';
import { toIso } from '../../domain/time.ts';
import { duration, singleLine } from '../validation.ts';

const TYPE_OF: Record<RuleKind, string> = {
  expiration: '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
  enablement: '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
  approval: '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
  authenticationContext: '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
  notification: '#microsoft.graph.unifiedRoleManagementPolicyNotificationRule',
};

export const POLICY_PROPERTIES = [
  'id',
  'displayName',
  'description',
  'isOrganizationDefault',
  'scopeId',
  'scopeType',
  'lastModifiedDateTime',
  'lastModifiedBy',
  'rules',
  'effectiveRules',
] as const;
export const POLICY_FIELDS = ['id', 'scopeId', 'scopeType', 'roleDefinitionId', 'displayName', 'isOrganizationDefault', 'lastModifiedDateTime'];
export const POLICY_ASSIGNMENT_PROPERTIES = ['id', 'policyId', 'roleDefinitionId', 'scopeId', 'scopeType', 'policy'] as const;

/**
 * A rule as Graph writes it: the target's `operations` in Graph's enum spelling (`all`, `activate`,
 * …: lower case, whatever case the policy was written with), its type annotation `#`-qualified. A
 * rule the policy inherits carries OpenPIM's `inheritedFrom`: the policy it comes from.
 */
export function ruleShape(rule: PolicyRule, from?: RuleSource) {
  const { kind, ...fields } = rule;
  const target = { ...rule.target, operations: rule.target.operations.map((o) => o.toLowerCase()) };
  return {
    '@odata.type': TYPE_OF[kind],
    ...fields,
    target: { '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyRuleTarget', ...target },
    ...(from
      ? { inheritedFrom: { policyId: from.policyId, scopeId: groupOfScope(from.scopeId) ?? from.scopeId, isOrganizationDefault: from.isOrganizationDefault } }
      : {}),
  };
}

/** Every rule in force for the policy, in Graph's order, each marked where it is inherited. */
export const rulesShape = (p: Policy) => RULE_IDS.map((id) => ruleShape(p.rules[id], p.inheritedFrom[id]));

/** A group's policies name the group as their scope, as Graph does; the store holds /groups/{id}. */
const publicScopeId = (p: Pick<Policy, 'scopeId'>): string => groupOfScope(p.scopeId) ?? p.scopeId;

/**
 * `rules` and `effectiveRules` (Graph: the rules in force after inheritance) are the same 17: the
 * rules in force, so Entra tools that read and write `rules` find each; inherited ones carry
 * `inheritedFrom`.
 */
export function policyShape(p: Policy, withRules: boolean, withEffectiveRules = false) {
  return {
    id: p.id,
    displayName: p.displayName,
    description: p.description,
    isOrganizationDefault: p.isOrganizationDefault,
    scopeId: publicScopeId(p),
    scopeType: p.scopeType,
    lastModifiedDateTime: p.lastModifiedAt === null ? null : toIso(p.lastModifiedAt),
    lastModifiedBy: p.lastModifiedBy ? { displayName: p.lastModifiedBy.displayName, id: p.lastModifiedBy.id } : null,
    ...(withRules ? { rules: rulesShape(p) } : {}),
    ...(withEffectiveRules ? { effectiveRules: rulesShape(p) } : {}),
  };
}

export const policyAssignmentShape = (p: Policy, withPolicy: boolean) => ({
  id: `${p.id}_${p.roleDefinitionId}`,
  policyId: p.id,
  roleDefinitionId: p.roleDefinitionId,
  scopeId: publicScopeId(p),
  scopeType: p.scopeType,
  ...(withPolicy ? { policy: policyShape(p, true) } : {}),
});

/** A rule PATCH body for /openapi.json: polymorphic by `@odata.type`, so described loosely (parseRulePatch validates). */
export const rulePatchDoc = {
  type: 'object',
  description:
    "One rule's fields to change, as Graph's unifiedRoleManagementPolicyRule subtype named by @odata.type " +
    '(expiration: isExpirationRequired, maximumDuration; enablement: enabledRules; approval: setting; ' +
    'authenticationContext: isEnabled, claimValue; notification: notificationType, recipientType, notificationLevel, ' +
    'isDefaultRecipientsEnabled, notificationRecipients). Fields not sent keep their values.',
  properties: {
    '@odata.type': { type: 'string', enum: Object.values(TYPE_OF), description: "The rule's own type (optional; the leading # may be left out)." },
    id: { type: 'string', description: 'The rule id, if sent, must be the one in the URL.' },
    target: { type: 'object', description: 'caller, operations, level, inheritableSettings, enforcedSettings.', additionalProperties: true },
  },
  additionalProperties: true,
};

const target = z
  .strictObject({
    '@odata.type': z.string().optional(),
    caller: z.enum(['Admin', 'EndUser']),
    operations: z.array(z.string().max(40).check(singleLine)).max(10),
    level: z.enum(['Eligibility', 'Assignment']),
    inheritableSettings: z.array(z.string().max(100).check(singleLine)).max(20).nullish(),
    enforcedSettings: z.array(z.string().max(100).check(singleLine)).max(20).nullish(),
    targetObjects: z.array(z.unknown()).max(0).nullish(),
  })
  .partial();

const objectId = z.string().min(1).max(200).check(singleLine);
const approverFields = { id: objectId.optional(), description: z.string().max(256).nullish(), isBackup: z.boolean().nullish() };
/** A user or group approver names its object `userId` / `groupId` (v1.0) or `id` (beta): either is taken. */
const singleUser = z
  .strictObject({ '@odata.type': z.literal('#microsoft.graph.singleUser'), userId: objectId.optional(), ...approverFields })
  .refine((v) => v.userId ?? v.id, { message: 'userId is required' })
  .transform(({ id, ...v }) => ({ ...v, userId: v.userId ?? id }));
const groupMembers = z
  .strictObject({ '@odata.type': z.literal('#microsoft.graph.groupMembers'), groupId: objectId.optional(), ...approverFields })
  .refine((v) => v.groupId ?? v.id, { message: 'groupId is required' })
  .transform(({ id, ...v }) => ({ ...v, groupId: v.groupId ?? id }));
const subjectSet = z.union([
  singleUser,
  groupMembers,
  z.strictObject({ '@odata.type': z.literal('#microsoft.graph.requestorManager'), managerLevel: z.number().int(), isBackup: z.boolean().nullish() }),
]);

/**
 * Graph beta's `singleUser` and `groupMembers` name their object `id`; v1.0's `userId` and
 * `groupId`. A rule (or anything holding rules) as written under /beta.
 */
export function rulesForBeta<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    if (v['@odata.type'] === '#microsoft.graph.singleUser' && 'userId' in v) {
      const { userId, ...rest } = v;
      return { ...rest, id: userId };
    }
    if (v['@odata.type'] === '#microsoft.graph.groupMembers' && 'groupId' in v) {
      const { groupId, ...rest } = v;
      return { ...rest, id: groupId };
    }
    return v;
  }) as T;
}

const stage = z.strictObject({
  '@odata.type': z.string().optional(),
  approvalStageTimeOutInDays: z.number().int(),
  isApproverJustificationRequired: z.boolean(),
  escalationTimeInMinutes: z.number().int(),
  isEscalationEnabled: z.boolean(),
  primaryApprovers: z.array(subjectSet).max(50),
  escalationApprovers: z.array(subjectSet).max(50),
  approvalsRequired: z.number().int().optional(),
});

const PATCH: Record<RuleKind, z.ZodObject> = {
  expiration: z.strictObject({ isExpirationRequired: z.boolean(), maximumDuration: duration }),
  enablement: z.strictObject({ enabledRules: z.array(z.enum(['MultiFactorAuthentication', 'Justification', 'Ticketing'])).max(3) }),
  approval: z.strictObject({
    setting: z.strictObject({
      '@odata.type': z.string().optional(),
      isApprovalRequired: z.boolean(),
      isApprovalRequiredForExtension: z.boolean(),
      isRequestorJustificationRequired: z.boolean(),
      approvalMode: z.enum(['SingleStage', 'Serial', 'Parallel', 'NoApproval']),
      approvalStages: z.array(stage).max(5),
      grantStartsAt: z.enum(['approval', 'request']).optional(),
    }),
  }),
  authenticationContext: z.strictObject({ isEnabled: z.boolean(), claimValue: z.string().max(100).check(singleLine).nullish() }),
  notification: z.strictObject({
    notificationType: z.literal('Email'),
    recipientType: z.enum(['Requestor', 'Approver', 'Admin']),
    notificationLevel: z.enum(['None', 'Critical', 'All']),
    isDefaultRecipientsEnabled: z.boolean(),
    notificationRecipients: z.array(z.string().max(256).check(singleLine)).max(50),
  }),
};

/**
 * Reads a rule PATCH body: its @odata.type must name the rule's own type (as Graph requires);
 * fields not sent keep their values.
 */
export function parseRulePatch(body: unknown, current: PolicyRule): PolicyRule {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new DomainError('Request_BadRequest', 'The request body must be a JSON object.');
  // A rule read with a Graph SDK and sent back carries annotations (@odata.context, @odata.etag, …) and
  // the read-only `inheritedFrom`: ignored.
  const { '@odata.type': type, id, target: t, inheritedFrom: _readOnly, ...annotated } = body as Record<string, unknown>;
  const rest = Object.fromEntries(Object.entries(annotated).filter(([k]) => !k.startsWith('@odata.')));
  if (type !== undefined && type !== TYPE_OF[current.kind] && type !== TYPE_OF[current.kind].slice(1)) {
    throw new DomainError('Request_BadRequest', `Rule '${current.id}' is of type ${TYPE_OF[current.kind]}, not ${String(type)}.`);
  }
  if (id !== undefined && id !== current.id)
    throw new DomainError('Request_BadRequest', `The body names rule '${String(id)}' but the URL names '${current.id}'.`);
  let targetFields: Record<string, unknown> = {};
  if (t !== undefined) {
    const parsed = target.safeParse(t);
    if (!parsed.success) {
      throw new DomainError('Request_BadRequest', `Invalid rule target: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    targetFields = Object.fromEntries(Object.entries(parsed.data).filter(([k, v]) => k !== '@odata.type' && v != null));
  }
  const fields = PATCH[current.kind].partial().safeParse(rest);
  if (!fields.success) {
    throw new DomainError(
      'Request_BadRequest',
      `Invalid ${current.id} rule: ${fields.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.code === 'unrecognized_keys' ? `unknown properties ${i.keys.join(', ')}` : i.message}`).join('; ')}.`,
    );
  }
  const merged = { ...current, ...stripAnnotations(fields.data), target: { ...current.target, ...targetFields } } as PolicyRule;
  return merged;
}

function stripAnnotations(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value), (key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== '@odata.type' || isSubjectSet(v))) : v,
  ) as Record<string, unknown>;
}

const isSubjectSet = (v: object) => 'userId' in v || 'groupId' in v || 'managerLevel' in v;

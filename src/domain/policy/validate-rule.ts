/**
 * Checks a policy rule an admin wants to store. Returns the problems in words; the use case turns
 * them into one Request_BadRequest. Shape (types, enum values) is checked at the boundary; these
 * are the semantic limits.
 */
import { isDomainError } from '../errors.ts';
import { DAY, MINUTE, HOUR, parseDuration } from '../time.ts';
import type { EnablementOption, PolicyRule, SubjectSet } from './rules.ts';

const ALLOWED_ENABLEMENT: Record<string, readonly EnablementOption[]> = {
  Enablement_Admin_Eligibility: ['MultiFactorAuthentication', 'Justification'],
  Enablement_Admin_Assignment: ['MultiFactorAuthentication', 'Justification'],
  Enablement_EndUser_Assignment: ['MultiFactorAuthentication', 'Justification', 'Ticketing'],
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface RuleContext {
  /** Resource roles and groups need a named approver; directory roles fall back to admins. */
  readonly approverRequired: boolean;
}

/** Problems with a rule, in words; empty when the rule may be stored. */
export function validateRule(rule: PolicyRule, context: RuleContext): string[] {
  switch (rule.kind) {
    case 'expiration':
      return validateExpiration(rule.id, rule.isExpirationRequired, rule.maximumDuration);
    case 'enablement': {
      const allowed = ALLOWED_ENABLEMENT[rule.id] ?? [];
      const problems = rule.enabledRules
        .filter((r) => !allowed.includes(r))
        .map((r) => `${rule.id} does not support '${r}' (allowed: ${allowed.join(', ') || 'none'}).`);
      if (new Set(rule.enabledRules).size !== rule.enabledRules.length) problems.push(`${rule.id} lists a rule twice.`);
      return problems;
    }
    case 'approval':
      return validateApproval(rule.setting, context);
    case 'authenticationContext':
      return rule.isEnabled && !rule.claimValue?.trim() ? ['AuthenticationContext_EndUser_Assignment needs a claimValue when isEnabled is true.'] : [];
    case 'notification':
      return rule.notificationRecipients.filter((r) => !EMAIL.test(r)).map((r) => `${rule.id}: '${r}' is not an email address.`);
  }
}

function validateExpiration(id: string, required: boolean, maximum: string): string[] {
  let ms: number;
  try {
    ms = parseDuration(maximum);
  } catch (error) {
    // Not a duration, or longer than any grant may last (time.ts bounds both).
    if (!isDomainError(error)) throw error;
    return [`${id}: maximumDuration: ${error.message}`];
  }
  if (id === 'Expiration_EndUser_Assignment') {
    const problems: string[] = [];
    if (!required) problems.push('Expiration_EndUser_Assignment: activations always expire; isExpirationRequired must be true.');
    if (ms < 30 * MINUTE || ms > 24 * HOUR) problems.push('Expiration_EndUser_Assignment: maximumDuration must be between PT30M and PT24H.');
    return problems;
  }
  return ms < 5 * MINUTE ? [`${id}: maximumDuration must be at least PT5M.`] : [];
}

function validateApproval(setting: Extract<PolicyRule, { kind: 'approval' }>['setting'], context: RuleContext): string[] {
  const problems: string[] = [];
  const stages = setting.approvalStages;
  if (setting.isApprovalRequired || setting.isApprovalRequiredForExtension) {
    if (setting.approvalMode === 'NoApproval') problems.push("Approval_EndUser_Assignment: approvalMode 'NoApproval' contradicts isApprovalRequired.");
    if (stages.length === 0) problems.push('Approval_EndUser_Assignment: approval needs at least one stage.');
    if (setting.approvalMode === 'SingleStage' && stages.length > 1)
      problems.push("Approval_EndUser_Assignment: approvalMode 'SingleStage' allows one stage; use 'Serial' for several.");
    if (context.approverRequired && stages.some((s) => s.primaryApprovers.length === 0)) {
      problems.push('Approval_EndUser_Assignment: every stage needs at least one primary approver for this role.');
    }
  }
  if (stages.length > 5) problems.push('Approval_EndUser_Assignment: at most 5 stages.');
  stages.forEach((stage, i) => {
    const n = i + 1;
    if (!Number.isInteger(stage.approvalStageTimeOutInDays) || stage.approvalStageTimeOutInDays < 1 || stage.approvalStageTimeOutInDays > 14) {
      problems.push(`Approval stage ${n}: approvalStageTimeOutInDays must be a whole number from 1 to 14.`);
    }
    // Escalation past the longest time-out could never happen, and the instant it names could overflow.
    if (!Number.isInteger(stage.escalationTimeInMinutes) || stage.escalationTimeInMinutes < 0 || stage.escalationTimeInMinutes > (14 * DAY) / MINUTE) {
      problems.push(`Approval stage ${n}: escalationTimeInMinutes must be a whole number from 0 to 20160 (14 days).`);
    }
    const quorum = stage.approvalsRequired ?? 1;
    if (!Number.isInteger(quorum) || quorum < 1 || quorum > 25) {
      problems.push(`Approval stage ${n}: approvalsRequired must be a whole number from 1 to 25.`);
    }
    const named = stage.primaryApprovers.filter((s) => s['@odata.type'] === '#microsoft.graph.singleUser').length;
    if (stage.primaryApprovers.length > 0 && named === stage.primaryApprovers.length && quorum > named) {
      problems.push(`Approval stage ${n}: approvalsRequired (${quorum}) is more than the ${named} approver(s) listed.`);
    }
    if (stage.isEscalationEnabled && stage.escalationTimeInMinutes < 1) {
      problems.push(`Approval stage ${n}: escalation needs escalationTimeInMinutes of at least 1.`);
    }
    if (stage.isEscalationEnabled && stage.escalationApprovers.length === 0) {
      problems.push(`Approval stage ${n}: escalation is enabled but lists no escalation approvers.`);
    }
    for (const s of [...stage.primaryApprovers, ...stage.escalationApprovers]) problems.push(...validateSubject(s, n));
  });
  return problems;
}

function validateSubject(subject: SubjectSet, stage: number): string[] {
  if (subject['@odata.type'] === '#microsoft.graph.requestorManager') {
    return Number.isInteger(subject.managerLevel) && subject.managerLevel >= 1 && subject.managerLevel <= 2
      ? []
      : [`Approval stage ${stage}: requestorManager.managerLevel must be 1 or 2.`];
  }
  return [];
}

/**
 * Evaluates a request against its role's policy (docs/guide.md, "Policies (role settings)"). Every
 * failing rule is reported, not just the first, so a caller can fix everything in one go; the
 * message says what would satisfy each rule.
 */
import { DomainError } from '../errors.ts';
import type { RequestAction, ScheduleKind, TicketInfo } from '../model.ts';
import { ruleOf, type PolicyRules, type RuleId } from '../policy/rules.ts';
import { MINUTE, formatDuration, parseDuration, type Instant } from '../time.ts';
import type { Window } from './window.ts';

/** The shortest time anything may last (docs/guide.md, "Rules that always hold"). */
export const MINIMUM_DURATION = 5 * MINUTE;

export type FailedRule = 'ExpirationRule' | 'JustificationRule' | 'MfaRule' | 'TicketingRule' | 'AcrsRule';

export interface RuleFailure {
  readonly rule: FailedRule;
  readonly message: string;
  /** For AcrsRule: the authentication context the caller's token lacks. */
  readonly acr?: string;
}

export interface PolicyInput {
  readonly action: RequestAction;
  readonly kind: ScheduleKind;
  readonly window: Window;
  readonly justification: string | null;
  readonly ticketInfo: TicketInfo;
  /** Did the caller pass multi-factor authentication recently enough? */
  readonly mfa: boolean;
  /** Authentication context class references the caller's token satisfies. */
  readonly acrs: readonly string[];
}

/** Which rule ids govern an action on a kind of schedule. */
function governingRules(action: RequestAction, kind: ScheduleKind): { expiration?: RuleId; enablement?: RuleId; endUser: boolean } {
  if (action === 'adminRemove' || action === 'selfDeactivate') return { endUser: false };
  if (action === 'selfActivate') {
    return { expiration: 'Expiration_EndUser_Assignment', enablement: 'Enablement_EndUser_Assignment', endUser: true };
  }
  // Admin actions, and self extend/renew (which an admin approves and whose length admins bound).
  return kind === 'eligibility'
    ? { expiration: 'Expiration_Admin_Eligibility', enablement: action.startsWith('admin') ? 'Enablement_Admin_Eligibility' : undefined, endUser: false }
    : { expiration: 'Expiration_Admin_Assignment', enablement: action.startsWith('admin') ? 'Enablement_Admin_Assignment' : undefined, endUser: false };
}

/** Every rule the request fails, in a stable order. */
export function evaluatePolicy(rules: PolicyRules, input: PolicyInput, _now: Instant): RuleFailure[] {
  const failures: RuleFailure[] = [];
  const governing = governingRules(input.action, input.kind);
  const { startAt, endAt } = input.window;

  if (governing.expiration) {
    const rule = ruleOf(rules, governing.expiration, 'expiration');
    const maximum = parseDuration(rule.maximumDuration);
    const length = endAt === null ? null : endAt - startAt;
    if (length === null) {
      if (rule.isExpirationRequired || governing.endUser) {
        failures.push({ rule: 'ExpirationRule', message: `an end is required; ask for at most ${rule.maximumDuration}.` });
      }
    } else if (length < MINIMUM_DURATION) {
      failures.push({ rule: 'ExpirationRule', message: `it must last at least ${formatDuration(MINIMUM_DURATION)}.` });
    } else if ((rule.isExpirationRequired || governing.endUser) && length > maximum) {
      failures.push({ rule: 'ExpirationRule', message: `it may last at most ${rule.maximumDuration}; ${formatDuration(length)} was asked for.` });
    }
  } else if (endAt !== null && endAt - startAt < MINIMUM_DURATION && input.action !== 'adminRemove' && input.action !== 'selfDeactivate') {
    failures.push({ rule: 'ExpirationRule', message: `it must last at least ${formatDuration(MINIMUM_DURATION)}.` });
  }

  const enabled = governing.enablement ? ruleOf(rules, governing.enablement, 'enablement').enabledRules : [];
  const extension = input.action === 'selfExtend' || input.action === 'selfRenew';
  if ((enabled.includes('Justification') || extension) && !input.justification?.trim()) {
    failures.push({ rule: 'JustificationRule', message: 'a justification is required.' });
  }
  if (enabled.includes('Ticketing') && !input.ticketInfo.ticketNumber?.trim()) {
    failures.push({ rule: 'TicketingRule', message: 'ticketInfo.ticketNumber is required.' });
  }
  if (enabled.includes('MultiFactorAuthentication') && !input.mfa) {
    failures.push({ rule: 'MfaRule', message: 'a recent multi-factor authentication is required; sign in again with MFA and retry.' });
  }
  if (governing.endUser) {
    const context = ruleOf(rules, 'AuthenticationContext_EndUser_Assignment', 'authenticationContext');
    if (context.isEnabled && context.claimValue && !input.acrs.includes(context.claimValue)) {
      failures.push({ rule: 'AcrsRule', message: `authentication context '${context.claimValue}' is required.`, acr: context.claimValue });
    }
  }
  return failures;
}

/** Does activating under this policy wait for an approval? */
export function needsApproval(rules: PolicyRules, action: RequestAction): boolean {
  const approval = ruleOf(rules, 'Approval_EndUser_Assignment', 'approval').setting;
  if (action === 'selfActivate') return approval.isApprovalRequired;
  // Extending or renewing one's own grant always goes to an admin (docs/guide.md, "Approvals").
  return action === 'selfExtend' || action === 'selfRenew';
}

/**
 * The error for a set of failures, or nothing. Graph reports policy failures as
 * `The following policy rules failed: ["JustificationRule"]`; we keep that prefix so scripts that
 * parse it work, and add what would satisfy each rule.
 */
export function policyError(failures: readonly RuleFailure[]): DomainError | null {
  if (failures.length === 0) return null;
  const names = failures.map((f) => f.rule);
  const onlyContext = names.every((n) => n === 'AcrsRule');
  const acrValues = failures.flatMap((f) => (f.acr ? [f.acr] : []));
  const explained = failures.map((f) => `${f.rule}: ${f.message}`).join(' ');
  return new DomainError(
    onlyContext ? 'RoleAssignmentRequestAcrsValidationFailed' : 'RoleAssignmentRequestPolicyValidationFailed',
    `The following policy rules failed: ${JSON.stringify(names)}. ${explained}`,
    { failedRules: names, ...(acrValues.length > 0 ? { acrValues } : {}) },
  );
}

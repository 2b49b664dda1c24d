/** Runs the role's policy over a request and throws the error that names every failing rule. */
import { evaluatePolicy, policyError } from '../../../domain/requests/evaluate-policy.ts';
import type { Window } from '../../../domain/requests/window.ts';
import { ruleOf } from '../../../domain/policy/rules.ts';
import { parseDuration } from '../../../domain/time.ts';
import type { RequestContext } from '../request-context.ts';

export function checkPolicy(ctx: RequestContext, window: Window): void {
  const { input, caller } = ctx;
  const failures = evaluatePolicy(
    ctx.policy.rules,
    {
      action: input.action,
      kind: input.kind,
      window,
      justification: input.justification,
      ticketInfo: input.ticketInfo,
      mfa: caller.mfa,
      acrs: caller.acrs,
    },
    ctx.now,
  );
  const error = policyError(failures);
  if (error) throw error;
}

/** What an unspecified expiration means for an admin action: permanent, unless the policy requires an end. */
export function adminDefaultLength(ctx: RequestContext): number | null {
  const rule = ruleOf(ctx.policy.rules, ctx.key.kind === 'eligibility' ? 'Expiration_Admin_Eligibility' : 'Expiration_Admin_Assignment', 'expiration');
  return rule.isExpirationRequired ? parseDuration(rule.maximumDuration) : null;
}

/**
 * Authentication contexts (`AuthenticationContext_EndUser_Assignment`; docs/guide.md, "Signing in
 * and MFA"): a policy names a context (its `claimValue`, e.g. `phishing-resistant` or Entra-style
 * `c1`), and the configuration says which factors satisfy it. A step-up with a factor adds to the
 * token's `acrs` every context that factor satisfies.
 */

/** What a step-up proved: a TOTP or recovery code, or a WebAuthn assertion from a software or hardware-bound key. */
export type StepUpFactor = 'otp' | 'swk' | 'hwk';

/** A requirement a context may accept: any WebAuthn credential, only a hardware-bound one, or a TOTP code. */
export type ContextFactor = 'webauthn' | 'hwk' | 'otp';
export const CONTEXT_FACTORS = ['webauthn', 'hwk', 'otp'] as const satisfies readonly ContextFactor[];

/** Context name → the factors any one of which satisfies it. */
export type AuthenticationContexts = Readonly<Record<string, readonly ContextFactor[]>>;

/** Phishing-resistant means WebAuthn: the browser binds the assertion to the origin. */
export const DEFAULT_AUTHENTICATION_CONTEXTS: AuthenticationContexts = { 'phishing-resistant': ['webauthn'] };

const accepts = (required: ContextFactor, factor: StepUpFactor): boolean =>
  required === 'webauthn' ? factor === 'swk' || factor === 'hwk' : required === factor;

/** The contexts a step-up with `factor` satisfies, in name order. */
export function contextsSatisfiedBy(contexts: AuthenticationContexts, factor: StepUpFactor): string[] {
  return Object.entries(contexts)
    .filter(([, factors]) => factors.some((f) => accepts(f, factor)))
    .map(([name]) => name)
    .sort();
}

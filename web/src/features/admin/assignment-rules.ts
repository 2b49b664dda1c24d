/** What a role's settings ask of an admin who assigns it, read from the policy in force at a scope. */
import { durationToMinutes, describeMinutes } from '../../lib/time.ts';
import { ruleOf, type Policy } from './policy-api.ts';
import type { HolderKind } from './roles-api.ts';
import { parentPath } from './scopes-api.ts';

export interface AdminRules {
  readonly permanentAllowed: boolean;
  /** Longest grant when an end is required, in minutes. */
  readonly maximumMinutes: number | null;
  readonly justification: boolean;
  readonly mfa: boolean;
}

/**
 * The policy that governs the role at a scope: the scope's own, else the nearest ancestor's by path,
 * else the role's at `/`. Its rules are those in force (the server folds in what it inherits). A
 * parent registered apart from the path (a management group above a subscription) is not followed.
 */
export function policyAt(policies: readonly Policy[] | undefined, scopeId: string): Policy | undefined {
  for (let at = scopeId; ; at = parentPath(at)) {
    const found = policies?.find((p) => p.scopeId === at);
    if (found || at === '/') return found;
  }
}

export function adminRulesOf(policy: Policy | undefined, kind: HolderKind): AdminRules | null {
  if (!policy) return null;
  const level = kind === 'eligible' ? 'Eligibility' : 'Assignment';
  const expiration = ruleOf(policy, `Expiration_Admin_${level}`);
  const enabled = ruleOf(policy, `Enablement_Admin_${level}`)?.enabledRules ?? [];
  return {
    permanentAllowed: !(expiration?.isExpirationRequired ?? false),
    maximumMinutes: durationToMinutes(expiration?.maximumDuration),
    justification: enabled.includes('Justification'),
    mfa: enabled.includes('MultiFactorAuthentication'),
  };
}

/** "Role settings: permanent allowed", "Owner settings: at most 180 days; needs a justification". */
export function describeAdminRules(r: AdminRules, source = 'Role settings'): string {
  const length = r.permanentAllowed ? 'permanent allowed' : `at most ${r.maximumMinutes === null ? 'the policy maximum' : describeMinutes(r.maximumMinutes)}`;
  const needs = [r.justification ? 'a justification' : null, r.mfa ? 'a recent MFA sign-in' : null].filter(Boolean).join(' and ');
  return `${source}: ${length}${needs ? `; needs ${needs}` : ''}.`;
}

/** A `datetime-local` value (the viewer's zone) as an ISO instant; null when empty or unreadable. */
export function localToIso(value: string): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** An ISO instant as a `datetime-local` value in the viewer's zone. */
export function isoToLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * What a `WWW-Authenticate: Bearer …` challenge asks for (RFC 6750 §3, RFC 9470): a new sign-in
 * (`invalid_token`), a step-up to MFA (`insufficient_claims` with OpenPIM's `step_up_uri`), or an
 * authentication context (`insufficient_user_authentication` with `acr_values`).
 */
export type Challenge =
  | { readonly kind: 'invalidToken'; readonly description: string | null }
  | { readonly kind: 'mfa'; readonly stepUpUri: string; readonly description: string | null }
  | { readonly kind: 'authenticationContext'; readonly acrValues: readonly string[]; readonly stepUpUri: string | null; readonly description: string | null };

/** The auth-params of a Bearer challenge, names lower-cased, quoted values unescaped. */
export function bearerParams(header: string): Record<string, string> | null {
  const match = /^\s*Bearer(?:\s+(.*))?$/is.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  const param = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const m of (match[1] ?? '').matchAll(param)) {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  }
  return params;
}

/**
 * The challenge in a response's WWW-Authenticate header, or null when there is none we know.
 * @example parseChallenge('Bearer realm="openpim", error="insufficient_claims", step_up_uri="/openpim/auth/stepup"')
 *   // → { kind: 'mfa', stepUpUri: '/openpim/auth/stepup', description: null }
 */
export function parseChallenge(header: string | null): Challenge | null {
  const params = header ? bearerParams(header) : null;
  if (!params) return null;
  const description = params.error_description ?? null;
  switch (params.error) {
    case 'invalid_token':
      return { kind: 'invalidToken', description };
    case 'insufficient_claims':
      return params.step_up_uri ? { kind: 'mfa', stepUpUri: params.step_up_uri, description } : null;
    case 'insufficient_user_authentication':
      return {
        kind: 'authenticationContext',
        acrValues: (params.acr_values ?? '').split(/\s+/).filter(Boolean),
        stepUpUri: params.step_up_uri ?? null,
        description,
      };
    default:
      return null;
  }
}

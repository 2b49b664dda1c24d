/**
 * What a stored token says about the sign-in (how, when, until when), read from its JWT payload
 * without verifying it: for display only — the server verifies every token it is sent.
 */
export interface TokenClaims {
  readonly subject: string | null;
  readonly amr: readonly string[];
  readonly authTime: Date | null;
  readonly expires: Date | null;
}

/** The claims of a JWT, or null when the token is not one (an opaque token from another server). */
export function tokenClaims(token: string): TokenClaims | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const date = (seconds: unknown) => (typeof seconds === 'number' ? new Date(seconds * 1000) : null);
    return {
      subject: typeof claims.sub === 'string' ? claims.sub : null,
      amr: Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string') : [],
      authTime: date(claims.auth_time),
      expires: date(claims.exp),
    };
  } catch {
    return null;
  }
}

/** "with MFA" / "password only" for a person reading the CLI's output. */
export const signInStrength = (claims: TokenClaims | null): string =>
  claims?.amr.includes('mfa') ? 'with multi-factor authentication' : 'without multi-factor authentication';

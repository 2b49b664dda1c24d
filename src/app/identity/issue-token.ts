/** A bearer token as sign-in, step-up and the token endpoint hand it out (RFC 6749 §5.1 names). */
import type { Instant } from '../../domain/time.ts';
import type { TokenIssuer } from '../ports/tokens.ts';

export interface IssuedToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until it expires. */
  readonly expiresIn: number;
  /** The authentication methods it carries (`pwd`, `mfa`, `otp`; none for service principals). */
  readonly amr: readonly string[];
}

export interface TokenDeps {
  readonly tokens: TokenIssuer;
  /** Lifetime of issued tokens (ms). */
  readonly tokenTtl: number;
}

export async function issueToken(
  deps: TokenDeps,
  claims: { tenantId: string; principalId: string; amr: readonly string[]; authTime: Instant | null; acrs: readonly string[]; sessionId?: string | null },
): Promise<IssuedToken> {
  const accessToken = await deps.tokens.issue(claims, deps.tokenTtl);
  return { accessToken, tokenType: 'Bearer', expiresIn: Math.floor(deps.tokenTtl / 1000), amr: claims.amr };
}

/**
 * The ClientAssertionVerifier with jose: the header's `kid` (a keyId), `x5t` (SHA-1 thumbprint,
 * as Entra ID expects) or `x5t#S256` names one certificate; only the algorithms of that key's kind
 * are allowed (RS256/PS256 for RSA, ES256 for EC P-256), so `none`, HS256 signed with the public
 * key, and algorithm swaps fail before any signature is checked.
 */
import { X509Certificate } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { AssertionRules, ClientAssertionVerifier, VerifiedAssertion } from '../app/ports/client-assertions.ts';
import type { ClientKey } from '../app/ports/identity.ts';
import { ASSERTION_ALGORITHMS, x5tOf } from '../domain/identity/client-keys.ts';

const MAX_ASSERTION_LENGTH = 16 * 1024;
const MAX_JTI_LENGTH = 256;

function keyNamed(header: Record<string, unknown>, keys: readonly ClientKey[]): ClientKey | null {
  const { kid, x5t } = header;
  const x5tS256 = header['x5t#S256'];
  const named = keys.filter(
    (k) =>
      (typeof kid === 'string' && kid === k.keyId) ||
      (typeof x5t === 'string' && x5t === x5tOf(k.thumbprint)) ||
      (typeof x5tS256 === 'string' && x5tS256 === k.thumbprintSha256),
  );
  return named.length === 1 ? named[0]! : null;
}

export const joseClientAssertions: ClientAssertionVerifier = {
  async verify(assertion: string, keys: readonly ClientKey[], rules: AssertionRules): Promise<VerifiedAssertion | null> {
    if (assertion.length > MAX_ASSERTION_LENGTH) return null;
    try {
      const header = decodeProtectedHeader(assertion) as Record<string, unknown>;
      const key = keyNamed(header, keys);
      if (!key) return null;
      const algorithms = [...ASSERTION_ALGORITHMS[key.kind]];
      if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) return null;
      const publicKey = new X509Certificate(Buffer.from(key.certificate, 'base64')).publicKey;
      const { payload } = await jwtVerify(assertion, publicKey, {
        algorithms,
        issuer: rules.clientId,
        subject: rules.clientId,
        audience: [...rules.audiences],
        currentDate: new Date(rules.now),
        clockTolerance: Math.floor(rules.clockSkew / 1000),
        requiredClaims: ['exp', 'jti', 'iss', 'sub', 'aud'],
      });
      if (typeof payload.exp !== 'number') return null;
      const exp = payload.exp * 1000;
      if (exp > rules.now + rules.maxLifetime + rules.clockSkew) return null;
      if (payload.iat !== undefined && payload.iat * 1000 > rules.now + rules.clockSkew) return null;
      const jti = payload.jti;
      if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) return null;
      return { keyId: key.keyId, jti, expiresAt: exp };
    } catch {
      return null;
    }
  },
};

/**
 * Bearer tokens: JWTs signed by the server with Ed25519 (EdDSA). The key is made on first use and
 * kept in the database, so every node and `openpim token issue` sign and verify alike.
 */
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import type { Clock, Ids } from '../app/ports/clock.ts';
import type { SigningKey, SigningKeyStore, TokenIssuer, TokenVerifier, VerifiedClaims } from '../app/ports/tokens.ts';
import { DomainError } from '../domain/errors.ts';

export const ISSUER = 'openpim';
export const AUDIENCE = 'openpim';

export interface JwtTokens extends TokenIssuer, TokenVerifier {}

/** The server's signing keys, newest first, made on first use and cached. Also signs approval links. */
export function signingKeyring(keys: SigningKeyStore, clock: Clock, ids: Ids): () => Promise<SigningKey[]> {
  let cached: SigningKey[] | null = null;
  return async function keyring(): Promise<SigningKey[]> {
    if (cached && cached.length > 0) return cached;
    let all = await keys.all();
    if (all.length === 0) {
      const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const kid = ids.uuid();
      await keys.insert({ kid, privateJwk: { ...(await exportJWK(privateKey)) }, publicJwk: { ...(await exportJWK(publicKey)) }, createdAt: clock.now() });
      all = await keys.all(); // another node or process may have won the race: use what is stored
    }
    cached = all;
    return all;
  };
}

export function jwtTokens(keys: SigningKeyStore, clock: Clock, ids: Ids): JwtTokens {
  const keyring = signingKeyring(keys, clock, ids);
  const publicKeys = new Map<string, Awaited<ReturnType<typeof importJWK>>>();

  return {
    async issue(claims, ttlMs) {
      const [key] = await keyring();
      const now = Math.floor(clock.now() / 1000);
      return new SignJWT({
        tid: claims.tenantId,
        amr: [...claims.amr],
        ...(claims.authTime !== null ? { auth_time: Math.floor(claims.authTime / 1000) } : {}),
        ...(claims.acrs.length ? { acrs: [...claims.acrs] } : {}),
        ...(claims.sessionId ? { sid: claims.sessionId } : {}),
      })
        .setProtectedHeader({ alg: 'EdDSA', kid: key!.kid, typ: 'JWT' })
        .setSubject(claims.principalId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setJti(ids.uuid())
        .setExpirationTime(now + Math.floor(ttlMs / 1000))
        .sign(await importJWK(key!.privateJwk as JWK, 'EdDSA'));
    },
    async verify(token) {
      const ring = await keyring();
      try {
        const { payload } = await jwtVerify(
          token,
          async (header) => {
            const key = ring.find((k) => k.kid === header.kid);
            if (!key) throw new Error('unknown key');
            // Imported once per key: importing on every request cost more than the signature check.
            let imported = publicKeys.get(key.kid);
            if (!imported) publicKeys.set(key.kid, (imported = await importJWK(key.publicJwk as JWK, 'EdDSA')));
            return imported;
          },
          { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], currentDate: new Date(clock.now()) },
        );
        if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string') throw new Error('missing sub or tid');
        const amr = Array.isArray(payload.amr) ? payload.amr.filter((x): x is string => typeof x === 'string') : [];
        const acrs = Array.isArray(payload.acrs) ? payload.acrs.filter((x): x is string => typeof x === 'string') : [];
        const authTime = typeof payload.auth_time === 'number' ? payload.auth_time * 1000 : null;
        const sessionId = typeof payload.sid === 'string' ? payload.sid : null;
        const tokenId = typeof payload.jti === 'string' ? payload.jti : null;
        return { tenantId: payload.tid, principalId: payload.sub, amr, acrs, authTime, sessionId, tokenId } satisfies VerifiedClaims;
      } catch {
        throw new DomainError('InvalidAuthenticationToken', 'Access token validation failure: the token is invalid, expired or not issued by this server.');
      }
    },
  };
}

/**
 * Signed approval links: compact JWS (EdDSA) with the server's own signing keys, but with their
 * own audience and type, so a link is never accepted as a bearer token nor a bearer token as a link.
 */
import { errors, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import type { Clock, Ids } from '../app/ports/clock.ts';
import type { ApprovalLinkClaims, ApprovalLinks } from '../app/ports/notifier.ts';
import type { SigningKey } from '../app/ports/tokens.ts';
import { DomainError } from '../domain/errors.ts';
import { ISSUER } from './jwt-tokens.ts';

export const LINK_AUDIENCE = 'openpim:approval-link';
const LINK_TYPE = 'openpim-approval-link+jwt';

/** Approval links signed and verified with the server's key ring (see jwt-tokens.ts). */
export function approvalLinkTokens(keyring: () => Promise<SigningKey[]>, clock: Clock, ids: Ids): ApprovalLinks {
  return {
    async sign(claims, ttlMs) {
      const [key] = await keyring();
      const now = Math.floor(clock.now() / 1000);
      return new SignJWT({ tid: claims.tenantId, apv: claims.approvalId, stp: claims.stepId, dec: claims.decision })
        .setProtectedHeader({ alg: 'EdDSA', kid: key!.kid, typ: LINK_TYPE })
        .setSubject(claims.approverId)
        .setJti(ids.uuid())
        .setIssuer(ISSUER)
        .setAudience(LINK_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + Math.max(1, Math.floor(ttlMs / 1000)))
        .sign(await importJWK(key!.privateJwk as JWK, 'EdDSA'));
    },
    async verify(token) {
      const ring = await keyring();
      let payload;
      try {
        ({ payload } = await jwtVerify(
          token,
          async (header) => {
            const key = ring.find((k) => k.kid === header.kid);
            if (!key) throw new Error('unknown key');
            return importJWK(key.publicJwk as JWK, 'EdDSA');
          },
          { issuer: ISSUER, audience: LINK_AUDIENCE, typ: LINK_TYPE, algorithms: ['EdDSA'], currentDate: new Date(clock.now()) },
        ));
      } catch (error) {
        if (error instanceof errors.JWTExpired)
          throw new DomainError('ApprovalLinkExpired', 'This approval link has expired: open the request in OpenPIM to decide.');
        throw new DomainError('ApprovalLinkInvalid', 'This is not a valid approval link.');
      }
      const { sub, jti, exp, tid, apv, stp, dec } = payload;
      if (
        typeof sub !== 'string' ||
        typeof jti !== 'string' ||
        typeof exp !== 'number' ||
        typeof tid !== 'string' ||
        typeof apv !== 'string' ||
        typeof stp !== 'string' ||
        (dec !== 'Approve' && dec !== 'Deny')
      ) {
        throw new DomainError('ApprovalLinkInvalid', 'This is not a valid approval link.');
      }
      return { tenantId: tid, approvalId: apv, stepId: stp, approverId: sub, decision: dec, jti, expiresAt: exp * 1000 } satisfies ApprovalLinkClaims;
    },
  };
}

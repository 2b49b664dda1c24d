/**
 * The WebAuthn ceremonies with `@simplewebauthn/server`: options for the browser, and verification
 * of what the authenticator signed (origin, relying party id hash, challenge, user presence and
 * verification, signature, counter). Attestation is `none`: OpenPIM does not vet authenticator
 * models, so "hardware" means what the authenticator reports — a device-bound credential (not
 * backup-eligible) — and is trusted as far as that report is.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { WebAuthnCeremonies } from '../app/ports/webauthn.ts';

/** How long the browser waits for the user (the stored challenge lives as long). */
const TIMEOUT_MS = 5 * 60_000;
const toTransports = (t: readonly string[]) => [...t] as AuthenticatorTransport[];

export const simpleWebAuthnCeremonies: WebAuthnCeremonies = {
  async registrationOptions(rp, input) {
    return generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: input.userName,
      userDisplayName: input.displayName,
      userID: new TextEncoder().encode(input.userId),
      challenge: new Uint8Array(input.challenge),
      timeout: TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: input.exclude.map((c) => ({ id: c.id, transports: toTransports(c.transports) })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    }) as unknown as Promise<Record<string, unknown> & { challenge: string }>;
  },

  async verifyRegistration(rp, response, expectedChallenge) {
    try {
      const result = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge,
        expectedOrigin: [...rp.origins],
        expectedRPID: rp.id,
        requireUserVerification: true,
      });
      if (!result.verified) return null;
      const info = result.registrationInfo;
      return {
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        aaguid: info.aaguid,
        deviceBound: info.credentialDeviceType === 'singleDevice',
        backedUp: info.credentialBackedUp,
        attestationFormat: info.fmt,
      };
    } catch {
      return null;
    }
  },

  async authenticationOptions(rp, input) {
    return generateAuthenticationOptions({
      rpID: rp.id,
      challenge: new Uint8Array(input.challenge),
      timeout: TIMEOUT_MS,
      userVerification: 'required',
      allowCredentials: input.allow.map((c) => ({ id: c.id, transports: toTransports(c.transports) })),
    }) as unknown as Promise<Record<string, unknown> & { challenge: string }>;
  },

  async verifyAssertion(rp, response, expectedChallenge, credential) {
    try {
      const result = await verifyAuthenticationResponse({
        response: response as AuthenticationResponseJSON,
        expectedChallenge,
        expectedOrigin: [...rp.origins],
        expectedRPID: rp.id,
        requireUserVerification: true,
        credential: {
          id: credential.id,
          publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
          counter: credential.counter,
          transports: toTransports(credential.transports),
        },
      });
      if (!result.verified || !result.authenticationInfo.userVerified) return null;
      return { newCounter: result.authenticationInfo.newCounter, userVerified: true };
    } catch {
      // Wrong origin, wrong relying party, bad signature, counter gone backwards, malformed input.
      return null;
    }
  },
};

/**
 * Certificates of service principals (Graph's `keyCredential` of type `AsymmetricX509Cert`), for
 * `private_key_jwt` client authentication (RFC 7523 §2.2). Only the public certificate is held;
 * its validity bounds the key's. RSA of at least 2048 bits or EC P-256: what RS256/PS256 and
 * ES256 need, and nothing weaker.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { MINUTE, type Instant } from '../time.ts';

export type ClientKeyKind = 'RSA' | 'EC';

export interface ParsedCertificate {
  /** The certificate's DER encoding, base64 (Graph's `key`). */
  readonly certificate: string;
  readonly kind: ClientKeyKind;
  /** SHA-1 of the DER, upper-case hex: Graph's `customKeyIdentifier` (the certificate thumbprint). */
  readonly thumbprint: string;
  /** SHA-256 of the DER, base64url: the JWT header `x5t#S256`. */
  readonly thumbprintSha256: string;
  readonly notBefore: Instant;
  readonly notAfter: Instant;
}

/** The signature algorithms a key of each kind may sign assertions with (never `none` or HS*). */
export const ASSERTION_ALGORITHMS: Readonly<Record<ClientKeyKind, readonly string[]>> = { RSA: ['RS256', 'PS256'], EC: ['ES256'] };
/** An assertion may be valid for at most this long from now (RFC 7523 leaves it to the server). */
export const ASSERTION_MAX_LIFETIME = 10 * MINUTE;
/** Clock difference tolerated between the client and the server. */
export const ASSERTION_CLOCK_SKEW = MINUTE;
export const MIN_RSA_BITS = 2048;

const bad = (message: string) => new DomainError('Request_BadRequest', message);

/** Parses an X.509 certificate given as base64 DER (or base64 of a PEM file); throws Request_BadRequest with the reason. */
export function parseClientCertificate(base64: string): ParsedCertificate {
  const text = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw bad('keyCredential.key must be the certificate as base64 (DER, as in a .cer file).');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(text, 'base64'));
  } catch {
    throw bad('keyCredential.key is not an X.509 certificate.');
  }
  const details = cert.publicKey.asymmetricKeyDetails ?? {};
  let kind: ClientKeyKind;
  if (cert.publicKey.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS)
      throw bad(`The certificate's RSA key has ${details.modulusLength ?? 0} bits; at least ${MIN_RSA_BITS} are required.`);
    kind = 'RSA';
  } else if (cert.publicKey.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') {
    kind = 'EC';
  } else {
    throw bad(
      `The certificate's key must be RSA (at least ${MIN_RSA_BITS} bits) or EC P-256; it is ${cert.publicKey.asymmetricKeyType ?? 'unknown'}${details.namedCurve ? ` ${details.namedCurve}` : ''}.`,
    );
  }
  const notBefore = Date.parse(cert.validFrom);
  const notAfter = Date.parse(cert.validTo);
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter) || notAfter <= notBefore) throw bad('The certificate has no usable validity period.');
  return {
    certificate: cert.raw.toString('base64'),
    kind,
    thumbprint: createHash('sha1').update(cert.raw).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(cert.raw).digest('base64url'),
    notBefore,
    notAfter,
  };
}

/** The JWT header `x5t` of a certificate: its SHA-1 thumbprint as base64url (what Entra expects). */
export const x5tOf = (thumbprintHex: string): string => Buffer.from(thumbprintHex, 'hex').toString('base64url');

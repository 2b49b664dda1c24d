/**
 * A software WebAuthn authenticator for tests: a P-256 key pair from node:crypto, and the bytes a
 * browser and authenticator would produce — clientDataJSON, authenticatorData (rpIdHash, flags,
 * counter, attested credential data), a `none` attestation object in CBOR and an ES256 signature —
 * as the JSON `PublicKeyCredential.toJSON()` gives. Knobs let tests lie: another origin, a counter
 * that goes backwards, no user verification.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

// --- A minimal CBOR encoder (RFC 8949): unsigned and negative integers, byte and text strings, maps.
type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(length, 1);
  return b;
}

export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error('only integers');
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64url = (data: Uint8Array) => Buffer.from(data).toString('base64url');

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface SoftAuthenticatorOptions {
  readonly rpId: string;
  readonly origin: string;
  /** Backup-eligible and backed up: a synced passkey (`swk`); default false: a device-bound key (`hwk`). */
  readonly synced?: boolean;
}

export interface CeremonyKnobs {
  /** The origin the "browser" reports (default: the authenticator's). */
  readonly origin?: string;
  /** The signature counter to report (default: one more than last time). */
  readonly counter?: number;
  /** Report user verification (default true). */
  readonly userVerified?: boolean;
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #options: SoftAuthenticatorOptions;
  #counter = 0;

  constructor(options: SoftAuthenticatorOptions) {
    this.#options = options;
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = pair.privateKey;
    this.#publicKey = pair.publicKey;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** The COSE_Key (RFC 9053): kty EC2, alg ES256, crv P-256, x, y. */
  #coseKey(): Buffer {
    const jwk = this.#publicKey.export({ format: 'jwk' });
    return cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
  }

  #authenticatorData(counter: number, userVerified: boolean, attested: boolean): Buffer {
    let flags = FLAG_UP | (userVerified ? FLAG_UV : 0) | (this.#options.synced ? FLAG_BE | FLAG_BS : 0);
    const parts: Buffer[] = [sha256(this.#options.rpId)];
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    if (attested) {
      flags |= FLAG_AT;
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.from([flags]), count, Buffer.alloc(16), idLength, this.credentialId, this.#coseKey());
    } else {
      parts.push(Buffer.from([flags]), count);
    }
    return Buffer.concat(parts);
  }

  #clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** Answers `navigator.credentials.create()` for these options (a RegistrationResponseJSON). */
  register(options: { challenge: string }, knobs: CeremonyKnobs = {}) {
    const counter = knobs.counter ?? this.#counter;
    this.#counter = counter;
    const clientDataJSON = this.#clientData('webauthn.create', options.challenge, knobs.origin ?? this.#options.origin);
    const authData = this.#authenticatorData(counter, knobs.userVerified ?? true, true);
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: this.#options.synced ? ['internal', 'hybrid'] : ['usb'],
      },
      authenticatorAttachment: this.#options.synced ? 'platform' : 'cross-platform',
      clientExtensionResults: {},
    };
  }

  /** Answers `navigator.credentials.get()` for these options (an AuthenticationResponseJSON). */
  assert(options: { challenge: string }, knobs: CeremonyKnobs = {}) {
    const counter = knobs.counter ?? this.#counter + 1;
    this.#counter = counter;
    const clientDataJSON = this.#clientData('webauthn.get', options.challenge, knobs.origin ?? this.#options.origin);
    const authData = this.#authenticatorData(counter, knobs.userVerified ?? true, false);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.#privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: null },
      authenticatorAttachment: this.#options.synced ? 'platform' : 'cross-platform',
      clientExtensionResults: {},
    };
  }
}

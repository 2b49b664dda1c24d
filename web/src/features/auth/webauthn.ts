/** A security key or passkey in this browser, for step-up (WebAuthn JSON options in, JSON response out). */

interface JsonCredential {
  toJSON(): unknown;
}

type WithJson = typeof PublicKeyCredential & {
  parseRequestOptionsFromJSON?(options: unknown): PublicKeyCredentialRequestOptions;
  parseCreationOptionsFromJSON?(options: unknown): PublicKeyCredentialCreationOptions;
};

export const webAuthnAvailable = (): boolean => typeof window !== 'undefined' && 'PublicKeyCredential' in window;

/** Asks the authenticator to sign the server's challenge; resolves to the response the server verifies. */
export async function getAssertion(optionsJson: unknown): Promise<unknown> {
  const pkc = window.PublicKeyCredential as WithJson;
  if (!pkc.parseRequestOptionsFromJSON) throw new Error('This browser cannot use security keys here; use a code from your authenticator app.');
  const credential = await navigator.credentials.get({ publicKey: pkc.parseRequestOptionsFromJSON(optionsJson) });
  if (!credential) throw new Error('No security key or passkey answered.');
  return (credential as unknown as JsonCredential).toJSON();
}

/** Registers a new security key or passkey; resolves to the attestation the server verifies. */
export async function createCredential(optionsJson: unknown): Promise<unknown> {
  const pkc = window.PublicKeyCredential as WithJson;
  if (!pkc.parseCreationOptionsFromJSON) throw new Error('This browser cannot register security keys here.');
  const credential = await navigator.credentials.create({ publicKey: pkc.parseCreationOptionsFromJSON(optionsJson) });
  if (!credential) throw new Error('No security key or passkey was registered.');
  return (credential as unknown as JsonCredential).toJSON();
}

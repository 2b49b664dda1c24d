/**
 * Meeting an MFA challenge from the command line: the server refused with `insufficient_claims`
 * and a `step_up_uri`; a TOTP code (from --totp, else $OPENPIM_TOTP, else asked on the terminal,
 * else one line of stdin) posted there with the current token buys a token with MFA, which is
 * stored and used for the retry and for the rest of the command.
 */
import type { Challenge } from './challenge.ts';
import { send, apiErrorOf } from './api-client.ts';
import { CliError, EXIT } from './cli-error.ts';
import { ask, interactive, readStdinLine } from './prompt.ts';

/** Where a TOTP code comes from, in order; null when nobody gives one. */
export async function totpCode(option: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const given = option ?? env.OPENPIM_TOTP;
  if (given !== undefined && given.trim() !== '') return given.trim();
  const line = interactive() ? await ask('Code from your authenticator app: ') : await readStdinLine();
  return line?.trim() || null;
}

export interface TokenResponse {
  readonly token_type: string;
  readonly access_token: string;
  readonly expires_in: number;
}

/** A token endpoint's answer, checked: a body without a token is an error, not a crash later. */
export function tokenResponseOf(body: unknown): TokenResponse {
  const t = body as Partial<TokenResponse> | null;
  if (!t || typeof t.access_token !== 'string' || typeof t.expires_in !== 'number') throw new CliError('the server answered without a token');
  return { token_type: typeof t.token_type === 'string' ? t.token_type : 'Bearer', access_token: t.access_token, expires_in: t.expires_in };
}

export interface StepUpDeps {
  readonly server: string;
  readonly currentToken: () => string;
  readonly totp: () => Promise<string | null>;
  /** Keeps the new token (in memory and in the credentials file). */
  readonly keep: (token: TokenResponse) => Promise<void>;
}

/** Meets one MFA challenge or throws a CliError that says why not. */
export async function stepUp(deps: StepUpDeps, challenge: Extract<Challenge, { kind: 'mfa' }>): Promise<void> {
  process.stderr.write('openpim: MFA required: this needs a recent multi-factor sign-in; stepping up with a code from your authenticator app.\n');
  const code = await deps.totp();
  if (!code) {
    throw new CliError(
      'MFA required and no code given: pass --totp CODE, set OPENPIM_TOTP, or give the code on stdin (nothing was changed)',
      EXIT.authentication,
    );
  }
  const res = await send(deps.server, 'POST', challenge.stepUpUri, { token: deps.currentToken(), json: { totp: code } });
  if (res.status !== 200) {
    const error = apiErrorOf(res);
    throw new CliError(`MFA step-up failed: ${error.message}`, error.status === 429 ? EXIT.unavailable : EXIT.authentication);
  }
  await deps.keep(tokenResponseOf(res.body));
  process.stderr.write('openpim: MFA challenge met: signed in with multi-factor authentication; retrying.\n');
}

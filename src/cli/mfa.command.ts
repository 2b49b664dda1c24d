/**
 * `openpim mfa enroll`: adds an authenticator app (TOTP) through the API — `POST
 * /openpim/me/authentication/totp` gives a secret and an `otpauth://` URI, drawn here as a QR code
 * in the terminal; a code from the app confirms it (`…/totp/confirm`), which returns ten recovery
 * codes, shown once. Replacing an app needs a recent MFA: the step-up asks for a code of the old
 * one first. `openpim mfa status` shows the account's methods.
 */
import { Command } from 'commander';
import { ApiError } from './client/api-client.ts';
import { CliError, EXIT } from './client/cli-error.ts';
import { isJson, note, outputOption, type OutputOptions } from './client/output.ts';
import { ask, interactive, readStdinLine } from './client/prompt.ts';
import { qrText } from './client/qr.ts';
import { totpOption } from './client/request-options.ts';
import { openSession, serverOption } from './client/session.ts';
import { printJson } from './client/table.ts';

interface Enrollment {
  readonly id: string;
  readonly secret: string;
  readonly otpauthUri: string;
  readonly algorithm: string;
  readonly digits: number;
  readonly period: number;
  readonly expiresDateTime: string;
}

const TRIES = 3;

/** The confirmation code: --code, else asked on the terminal, else one line of stdin. */
async function confirmationCode(given: string | undefined, attempt: number): Promise<string | null> {
  if (given !== undefined && attempt === 1) return given.trim() || null;
  if (given !== undefined) return null;
  const line = interactive() ? await ask('Code from your authenticator app, to confirm: ') : await readStdinLine();
  return line?.trim() || null;
}

export function mfaCommand(): Command {
  const mfa = new Command('mfa').description('your multi-factor authentication methods');
  const enroll = serverOption(new Command('enroll'))
    .description('add an authenticator app (TOTP): scan the QR code, then confirm with a code from the app')
    .option('--code <code>', 'the confirmation code (else asked on the terminal, or read from stdin)');
  totpOption(enroll);
  mfa.addCommand(
    outputOption(enroll).action(async (options: OutputOptions & { server?: string; code?: string; totp?: string }) => {
      const json = isJson(options);
      const { client } = await openSession(options);
      const enrollment = await client.call<Enrollment>('POST', '/openpim/me/authentication/totp', {});
      // With --output json stdout is for the final document: the code to scan goes to stderr.
      const show = json ? note : (text: string) => process.stdout.write(`${text}\n`);
      show(`Scan this QR code with your authenticator app (${enrollment.algorithm}, ${enrollment.digits} digits, every ${enrollment.period} s):\n`);
      show(qrText(enrollment.otpauthUri));
      show(`Or enter the secret by hand: ${enrollment.secret}`);
      show(`Confirm before ${enrollment.expiresDateTime}.`);
      for (let attempt = 1; ; attempt++) {
        const code = await confirmationCode(options.code, attempt);
        if (!code) throw new CliError('no confirmation code given: the authenticator app is not enrolled (run openpim mfa enroll again)', EXIT.authentication);
        try {
          const { recoveryCodes } = await client.call<{ recoveryCodes: string[] }>('POST', '/openpim/me/authentication/totp/confirm', { code });
          if (json) {
            printJson({ id: enrollment.id, otpauthUri: enrollment.otpauthUri, secret: enrollment.secret, recoveryCodes });
          } else {
            process.stdout.write(
              '\nAuthenticator app enrolled. Recovery codes — each works once, instead of a code; keep them somewhere safe, they are not shown again:\n\n' +
                `${recoveryCodes.map((c) => `  ${c}`).join('\n')}\n`,
            );
          }
          return;
        } catch (error) {
          const wrong = error instanceof ApiError && error.code === 'InvalidCredentials';
          if (!wrong || attempt >= TRIES || !interactive()) {
            throw wrong ? new CliError(`the code was not accepted: ${error.message} (the authenticator app is not enrolled)`, EXIT.authentication) : error;
          }
          note('openpim: that code was not accepted; try the next one.');
        }
      }
    }),
  );
  mfa.addCommand(
    outputOption(serverOption(new Command('status')).description('show your authentication methods: authenticator app, recovery codes, security keys')).action(
      async (options: OutputOptions & { server?: string }) => {
        const { client } = await openSession(options);
        const methods = await client.call<{
          passwordSetDateTime: string | null;
          totp: { confirmedDateTime: string; lastUsedDateTime: string | null } | null;
          pendingTotp: unknown;
          recoveryCodesRemaining: number;
        }>('GET', '/openpim/me/authentication/methods');
        const keys = await client.call<{ value: unknown[] }>('GET', '/openpim/me/authentication/webauthn').then(
          (r) => r.value.length,
          () => null,
        );
        if (isJson(options)) {
          printJson({ ...methods, securityKeys: keys });
          return;
        }
        process.stdout.write(
          `Authenticator app: ${methods.totp ? `enrolled ${methods.totp.confirmedDateTime}${methods.totp.lastUsedDateTime ? `, last used ${methods.totp.lastUsedDateTime}` : ''}` : 'none'}${methods.pendingTotp ? ' (an enrollment is waiting for its confirmation code)' : ''}\n` +
            `Recovery codes:    ${methods.recoveryCodesRemaining} left\n` +
            `Security keys:     ${keys ?? 'unknown'}\n`,
        );
      },
    ),
  );
  return mfa;
}

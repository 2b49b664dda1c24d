/**
 * `openpim login` and `openpim logout`: get a token from a server and keep it in the user's config
 * directory (client/credentials-store.ts), or revoke and forget it. Login with a local account
 * asks for the password without echo (or reads one line of stdin with --password-stdin, for
 * scripts) and optionally a TOTP code; without one the token has no MFA and a later activation
 * that needs it steps up then. `--browser` signs in through the browser instead (loopback
 * redirect with PKCE, client/loopback-login.ts): the way in for accounts of an identity provider.
 */
import { Command } from 'commander';
import { apiErrorOf, send } from './client/api-client.ts';
import { CliError, EXIT, exitCodeOfStatus, usageError } from './client/cli-error.ts';
import { credentialsStore } from './client/credentials-store.ts';
import { loopbackLogin } from './client/loopback-login.ts';
import { ask, interactive, readStdinLine } from './client/prompt.ts';
import { credentialsOf, resolveServer, serverOption } from './client/session.ts';
import { tokenResponseOf } from './client/step-up.ts';
import { signInStrength, tokenClaims } from './client/token-claims.ts';

const SIGN_IN_PATH = '/openpim/auth/signin';
const SIGN_OUT_PATH = '/openpim/auth/signout';

interface LoginOptions {
  readonly server?: string;
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly totp?: string;
  readonly browser?: boolean;
}

/** The token of a local account's sign-in. */
async function passwordLogin(server: string, options: LoginOptions) {
  const { username, password, totp } = await localCredentials(options);
  const res = await send(server, 'POST', SIGN_IN_PATH, { json: { userPrincipalName: username, password, ...(totp ? { totp } : {}) } });
  if (res.status !== 200)
    throw new CliError(
      `sign-in to ${server} failed: ${apiErrorOf(res).message}`,
      exitCodeOfStatus(res.status) === EXIT.unavailable ? EXIT.unavailable : EXIT.authentication,
    );
  return { token: tokenResponseOf(res.body), username };
}

/** The token of a browser sign-in, and whom it signs in (asked of the server: the browser chose the account). */
async function browserLogin(server: string) {
  const token = await loopbackLogin(server);
  const me = await send(server, 'GET', '/v1.0/me', { token: token.access_token });
  const username = me.status === 200 ? ((me.body as { userPrincipalName?: string | null }).userPrincipalName ?? null) : null;
  return { token, username };
}

/** The user principal name, password and code of a local sign-in, from options, the terminal or stdin. */
async function localCredentials(options: LoginOptions) {
  const username = options.username ?? (interactive() && !options.passwordStdin ? (await ask('User principal name: '))?.trim() : undefined);
  if (!username) throw usageError('give --username UPN (there is no terminal to ask it on)');
  let password: string | null;
  if (options.passwordStdin) {
    password = await readStdinLine();
    if (password === null || password === '') throw usageError('--password-stdin: stdin gave no password line');
  } else if (interactive()) {
    password = await ask(`Password for ${username}: `, { secret: true });
    if (!password) throw new CliError('no password given', EXIT.authentication);
  } else {
    throw usageError('no terminal to ask the password on: pipe it in with --password-stdin');
  }
  // A person at a terminal may add a code now (and skip the step-up later); scripts pass --totp.
  const totp =
    options.totp ?? (interactive() && !options.passwordStdin ? (await ask('Code from your authenticator app (Enter to skip): '))?.trim() : undefined);
  return { username, password, totp: totp || undefined };
}

export function loginCommand(): Command {
  return serverOption(new Command('login'))
    .description('sign in to an OpenPIM server and keep the token in your config directory')
    .option('--username <upn>', 'user principal name of a local account')
    .option('--password-stdin', 'read the password from the first line of stdin (for scripts)')
    .option('--totp <code>', 'current code of your authenticator app: sign in with MFA at once')
    .option('--browser', 'sign in through your browser (single sign-on) instead of with a password')
    .action(async (options: LoginOptions) => {
      if (options.browser && (options.username || options.passwordStdin || options.totp))
        throw usageError('--browser signs in through the browser: leave out --username, --password-stdin and --totp');
      const store = credentialsStore();
      const server = await resolveServer(store, options.server);
      const { token, username } = options.browser ? await browserLogin(server) : await passwordLogin(server, options);
      const credentials = credentialsOf(token, username);
      await store.put(server, credentials);
      process.stdout.write(
        `Signed in to ${server}${username ? ` as ${username}` : ''} ${signInStrength(tokenClaims(credentials.accessToken))}, until ${credentials.expiresDateTime}.\n` +
          `Token stored in ${store.path}.\n`,
      );
    });
}

export function logoutCommand(): Command {
  return serverOption(new Command('logout'))
    .description('sign out: revoke the token at the server and remove it from your config directory')
    .action(async (options: { server?: string }) => {
      const store = credentialsStore();
      const server = await resolveServer(store, options.server);
      const credentials = await store.get(server);
      if (!credentials) {
        process.stdout.write(`Not signed in to ${server}.\n`);
        return;
      }
      // Forget the token whatever the server says: a token the server can't revoke still expires.
      let note = '';
      try {
        const res = await send(server, 'POST', SIGN_OUT_PATH, { token: credentials.accessToken });
        if (res.status === 404) note = ` (the server does not revoke tokens; this one stays valid until ${credentials.expiresDateTime})`;
        else if (res.status === 401) note = ' (the server no longer accepted the token)';
        else if (res.status >= 300) note = ` (the server refused to revoke it: ${apiErrorOf(res).message})`;
      } catch (error) {
        note = ` (${error instanceof Error ? error.message : String(error)}; the token stays valid until ${credentials.expiresDateTime})`;
      }
      await store.remove(server);
      process.stdout.write(`Signed out of ${server}${note}.\n`);
    });
}

/**
 * Which server a command talks to and with which token: `--server`, else $OPENPIM_SERVER, else
 * the server of the last `openpim login`; the token stored for it, refused here already when it
 * has expired (so the message is "sign in again", not a 401).
 */
import { Option, type Command } from 'commander';
import { apiClient, type ApiClient } from './api-client.ts';
import { CliError, EXIT, usageError } from './cli-error.ts';
import { credentialsStore, normalizeServer, type CredentialsStore, type StoredCredentials } from './credentials-store.ts';
import { stepUp, totpCode, type TokenResponse } from './step-up.ts';

/** --server URL, shared by the verbs that talk to a server. */
export const serverOption = (command: Command): Command =>
  command.addOption(new Option('--server <url>', 'OpenPIM server URL (default: $OPENPIM_SERVER, else the server of the last login)'));

/** The server URL for this command, normalised; a usage error when nothing names one. */
export async function resolveServer(store: CredentialsStore, option: string | undefined): Promise<string> {
  const named = option ?? process.env.OPENPIM_SERVER ?? (await store.defaultServer());
  if (!named) throw usageError('no server: pass --server URL, set OPENPIM_SERVER, or run openpim login --server URL first');
  return normalizeServer(named);
}

/** What the credentials file keeps of a token response. */
export function credentialsOf(token: TokenResponse, userPrincipalName: string | null, now = Date.now()): StoredCredentials {
  return {
    tokenType: token.token_type,
    accessToken: token.access_token,
    expiresDateTime: new Date(now + token.expires_in * 1000).toISOString(),
    userPrincipalName,
    signedInDateTime: new Date(now).toISOString(),
  };
}

export interface Session {
  readonly server: string;
  readonly store: CredentialsStore;
  readonly client: ApiClient;
  /** The credentials in use now (a step-up replaces them). */
  credentials(): StoredCredentials;
}

const signInAgain = (server: string, why: string) => new CliError(`${why}: run openpim login --server ${server}`, EXIT.authentication);

/**
 * The signed-in session for a command.
 * @param totp the --totp option, for a step-up the server may ask for.
 */
export async function openSession(options: { server?: string; totp?: string }): Promise<Session> {
  const store = credentialsStore();
  const server = await resolveServer(store, options.server);
  let current = await store.get(server);
  if (!current) throw signInAgain(server, `not signed in to ${server}`);
  if (Date.parse(current.expiresDateTime) <= Date.now()) throw signInAgain(server, `your sign-in to ${server} has expired`);
  const client = apiClient(server, {
    token: () => current!.accessToken,
    signInAgain: () => signInAgain(server, `${server} no longer accepts your sign-in (expired or signed out)`),
    stepUp: (challenge) =>
      stepUp(
        {
          server,
          currentToken: () => current!.accessToken,
          totp: () => totpCode(options.totp),
          keep: async (token) => {
            current = credentialsOf(token, current!.userPrincipalName);
            await store.put(server, current);
          },
        },
        challenge,
      ),
  });
  return { server, store, client, credentials: () => current! };
}

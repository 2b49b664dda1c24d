/**
 * The CLI's tokens, one per server, in `credentials.json` of the user's config directory:
 * `$OPENPIM_CONFIG_DIR`, else `$XDG_CONFIG_HOME/openpim`, else the platform's usual place
 * (`~/.config/openpim`; `~/Library/Application Support/openpim` on macOS; `%APPDATA%\openpim` on
 * Windows). The directory is 0700 and the file 0600, and the file is replaced atomically (a
 * temporary file renamed over it), so a crash or a concurrent reader never sees half a file.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError, usageError } from './cli-error.ts';
import { writePrivateFile } from './private-file.ts';

export interface StoredCredentials {
  readonly tokenType: string;
  readonly accessToken: string;
  /** ISO-8601; the CLI asks for a new sign-in after it rather than sending a dead token. */
  readonly expiresDateTime: string;
  readonly userPrincipalName: string | null;
  readonly signedInDateTime: string;
}

const credentialsSchema = z.object({
  tokenType: z.string(),
  accessToken: z.string(),
  expiresDateTime: z.string(),
  userPrincipalName: z.string().nullable(),
  signedInDateTime: z.string(),
});
const fileSchema = z.object({
  version: z.literal(1),
  defaultServer: z.string().nullable(),
  servers: z.record(z.string(), credentialsSchema),
});
type CredentialsFile = z.infer<typeof fileSchema>;

const EMPTY: CredentialsFile = { version: 1, defaultServer: null, servers: {} };

/** Where the CLI keeps its settings, for this environment and platform. */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OPENPIM_CONFIG_DIR) return env.OPENPIM_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'openpim');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'openpim');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'openpim');
  return join(homedir(), '.config', 'openpim');
}

/**
 * One spelling per server, so `http://Host:8080/` and `http://host:8080` share a token: the
 * origin plus any path prefix (a server behind a reverse proxy), without a trailing slash.
 */
export function normalizeServer(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`'${url}' is not a server URL (expected something like https://pim.example.com)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw usageError(`the server URL must start with http:// or https://, not '${parsed.protocol}'`);
  if (parsed.username || parsed.password || parsed.search || parsed.hash)
    throw usageError(`the server URL must not carry credentials, a query or a fragment: '${url}'`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

export interface CredentialsStore {
  readonly path: string;
  /** The server a command talks to when neither --server nor OPENPIM_SERVER names one. */
  defaultServer(): Promise<string | null>;
  get(server: string): Promise<StoredCredentials | null>;
  /** Stores the token for `server` and makes it the default server. */
  put(server: string, credentials: StoredCredentials): Promise<void>;
  /** Forgets the token for `server` (it stays the default server); true when there was one. */
  remove(server: string): Promise<boolean>;
}

export function credentialsStore(dir: string = configDir()): CredentialsStore {
  const path = join(dir, 'credentials.json');

  async function load(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
      throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
    }
    try {
      return fileSchema.parse(JSON.parse(text));
    } catch {
      throw new CliError(`${path} is not a credentials file of this version of openpim: remove it and run openpim login again`);
    }
  }

  const save = (file: CredentialsFile): Promise<void> => writePrivateFile(dir, path, `${JSON.stringify(file, null, 2)}\n`);

  return {
    path,
    async defaultServer() {
      return (await load()).defaultServer;
    },
    async get(server) {
      return (await load()).servers[server] ?? null;
    },
    async put(server, credentials) {
      const file = await load();
      await save({ ...file, defaultServer: server, servers: { ...file.servers, [server]: credentials } });
    },
    async remove(server) {
      const file = await load();
      if (!(server in file.servers)) return false;
      const { [server]: _removed, ...servers } = file.servers;
      // The default server stays: signing in again should not need --server.
      await save({ ...file, servers });
      return true;
    },
  };
}

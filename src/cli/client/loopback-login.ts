/**
 * `openpim login --browser`: the OAuth 2.0 authorization code flow for native apps (RFC 8252)
 * with PKCE S256 (RFC 7636). The CLI listens on 127.0.0.1 at a port the system picks, sends the
 * browser (signed in to OpenPIM, or sent to the identity provider first) to the server's authorize
 * endpoint, receives the one-time code on its loopback address, checks `state`, and redeems the
 * code with the verifier only it knows — so a code caught on the way is worthless to anyone else.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiErrorOf, send } from './api-client.ts';
import { CliError, EXIT } from './cli-error.ts';
import { tokenResponseOf, type TokenResponse } from './step-up.ts';
import { escapeHtml } from '../../domain/html.ts';

export const CLI_CLIENT_ID = 'openpim-cli';
const AUTHORIZE_PATH = '/openpim/auth/authorize';
const TOKEN_PATH = '/openpim/oauth2/token';
const CALLBACK_PATH = '/callback';
const WAIT_MS = 5 * 60_000;

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** A PKCE verifier (43 characters, 256 bits) and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  // `connection: close`: the page is the last thing this server sends, and the CLI should not wait on a kept-alive socket.
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', connection: 'close' });
  res.end(`<!doctype html><meta charset="utf-8"><title>OpenPIM CLI</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>\n`);
}

/**
 * Opens the URL in the user's browser, best effort ($OPENPIM_BROWSER=none: only print it). On
 * Windows through rundll32, not `cmd /c start`, which would cut the URL at its first `&`.
 */
function openBrowser(url: string): void {
  if (process.env.OPENPIM_BROWSER === 'none') return;
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no opener installed: the printed URL is enough
    child.unref();
  } catch {
    // Same: the URL was printed.
  }
}

/** The authorization code from the browser's visit to the loopback address, or an error; ignores visits without our state. */
function awaitCallback(state: string, listening: (redirectUri: string) => void): Promise<{ code: string; redirectUri: string }> {
  return new Promise((resolve, reject) => {
    let redirectUri = '';
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) return page(res, 404, 'Not found', 'This address only receives the OpenPIM sign-in.');
      // RFC 6749 §10.12: a visit without our state is someone else's (or forged): refuse it and keep waiting.
      if (url.searchParams.get('state') !== state)
        return page(res, 400, 'Sign-in not accepted', 'The sign-in does not belong to this openpim login (state mismatch).');
      const code = url.searchParams.get('code');
      const error = url.searchParams.get('error');
      if (code) {
        page(res, 200, 'Signed in', 'The OpenPIM CLI is signed in. You can close this tab.');
        finish(() => resolve({ code, redirectUri }));
      } else {
        const description = url.searchParams.get('error_description') ?? '';
        page(res, 400, 'Sign-in failed', `${error ?? 'no code'}${description ? `: ${description}` : ''}`);
        finish(() => reject(new CliError(`sign-in refused by the server: ${error ?? 'no code'}${description ? `: ${description}` : ''}`, EXIT.authentication)));
      }
    });
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new CliError(`no sign-in from the browser within ${WAIT_MS / 60_000} minutes; run openpim login --browser again`, EXIT.authentication)),
        ),
      WAIT_MS,
    );
    function finish(settle: () => void) {
      clearTimeout(timer);
      server.close();
      server.closeIdleConnections();
      settle();
    }
    server.on('error', (error) => finish(() => reject(new CliError(`cannot listen on 127.0.0.1 for the browser sign-in: ${error.message}`))));
    server.listen(0, '127.0.0.1', () => {
      redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${CALLBACK_PATH}`;
      listening(redirectUri);
    });
  });
}

/** Signs in through the browser; the token for a new CLI session. */
export async function loopbackLogin(server: string): Promise<TokenResponse> {
  const { verifier, challenge } = pkcePair();
  const state = base64url(randomBytes(16));
  const { code, redirectUri } = await awaitCallback(state, (redirectUri) => {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: CLI_CLIENT_ID,
      redirect_uri: redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const url = `${server}${AUTHORIZE_PATH}?${query}`;
    process.stderr.write(`Open this address in a browser signed in to OpenPIM (waiting up to ${WAIT_MS / 60_000} minutes):\n\n  ${url}\n\n`);
    openBrowser(url);
  });
  const res = await send(server, 'POST', TOKEN_PATH, {
    form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: CLI_CLIENT_ID },
  });
  if (res.status !== 200) throw new CliError(`the server did not accept the sign-in: ${apiErrorOf(res).message}`, EXIT.authentication);
  return tokenResponseOf(res.body);
}

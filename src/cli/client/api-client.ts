/**
 * The CLI's HTTP client for an OpenPIM server: JSON in and out, Graph's (and OAuth's) error bodies
 * turned into one-line errors, `@odata.nextLink` paging, and the bearer challenges handled the
 * same way for every verb: `invalid_token` → sign in again; `insufficient_claims` → the step-up
 * handler (step-up.ts) gets a new token and the call is retried once; an authentication context
 * the CLI cannot satisfy → a message naming it.
 */
import { parseChallenge, type Challenge } from './challenge.ts';
import { CliError, EXIT, exitCodeOfStatus } from './cli-error.ts';

/** A refusal from the server, with its Graph (or OAuth) error code. */
export class ApiError extends CliError {
  readonly status: number;
  readonly code: string;
  readonly challenge: Challenge | null;

  constructor(status: number, code: string, message: string, challenge: Challenge | null) {
    super(message, exitCodeOfStatus(status));
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.challenge = challenge;
  }
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or null when there is none (204) or it is not JSON. */
  readonly body: unknown;
}

export interface RawRequest {
  readonly token?: string | null;
  readonly json?: unknown;
  readonly form?: Record<string, string>;
}

const TIMEOUT_MS = 30_000;

/**
 * The URL of `path` on `server`. A link the server handed back (`@odata.nextLink`, `step_up_uri`)
 * may be absolute, spelled with the host and scheme the server saw (not those behind a proxy):
 * only its path and query are kept, so the token never goes anywhere but `server`.
 */
export function urlOf(server: string, path: string): string {
  if (!path.startsWith('/')) {
    const link = new URL(path, `${server}/`);
    const prefix = new URL(server).pathname.replace(/\/$/, '');
    const relative = prefix && link.pathname.startsWith(`${prefix}/`) ? link.pathname.slice(prefix.length) : link.pathname;
    return `${server}${relative}${link.search}`;
  }
  return `${server}${path}`;
}

/** One HTTP exchange. Network failures become a CliError that names the server. */
export async function send(server: string, method: string, path: string, request: RawRequest = {}): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  let res: Response;
  try {
    res = await fetch(urlOf(server, path), { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new CliError(`cannot reach the OpenPIM server at ${server}: ${reason}`, EXIT.unavailable);
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** The refusal in a non-2xx response: Graph's `{error: {code, message}}` or OAuth's `{error, error_description}`. */
export function apiErrorOf(res: HttpResponse): ApiError {
  const body = (res.body ?? {}) as { error?: unknown; error_description?: unknown };
  const challenge = parseChallenge(res.headers.get('www-authenticate'));
  if (body.error && typeof body.error === 'object') {
    const e = body.error as { code?: unknown; message?: unknown };
    return new ApiError(res.status, String(e.code ?? res.status), String(e.message ?? `HTTP ${res.status}`), challenge);
  }
  if (typeof body.error === 'string') {
    return new ApiError(res.status, body.error, typeof body.error_description === 'string' ? body.error_description : body.error, challenge);
  }
  return new ApiError(res.status, String(res.status), `the server answered HTTP ${res.status}`, challenge);
}

/** Where the client gets its current token, and what it does when the server asks for more. */
export interface Authenticator {
  token(): string;
  /** Meets an MFA challenge (a new token becomes current); throws when it can't. */
  stepUp(challenge: Extract<Challenge, { kind: 'mfa' }>): Promise<void>;
  /** The error for a token the server no longer accepts. */
  signInAgain(): CliError;
}

export interface ApiClient {
  readonly server: string;
  /** A JSON call with the bearer token; the parsed body, or an error. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Every item of a Graph collection, following `@odata.nextLink` up to `limit` items. */
  list<T>(path: string, limit?: number): Promise<T[]>;
  /** The pages of a Graph collection one at a time, following `@odata.nextLink` (for output that streams). */
  pages<T>(path: string): AsyncGenerator<T[]>;
}

export function apiClient(server: string, auth: Authenticator): ApiClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let steppedUp = false;
    for (;;) {
      const res = await send(server, method, path, { token: auth.token(), ...(body !== undefined ? { json: body } : {}) });
      if (res.status >= 200 && res.status < 300) return res.body as T;
      const error = apiErrorOf(res);
      const challenge = error.challenge;
      if (res.status === 401 || challenge?.kind === 'invalidToken') throw auth.signInAgain();
      if (challenge?.kind === 'mfa' && !steppedUp) {
        await auth.stepUp(challenge);
        steppedUp = true;
        continue;
      }
      if (challenge?.kind === 'authenticationContext') {
        const contexts = challenge.acrValues.join(', ') || 'an authentication context';
        throw new CliError(
          `${error.message} — this needs the authentication context ${contexts} (for instance a phishing-resistant security key or passkey), ` +
            'which the CLI cannot provide: activate in the web UI, or sign in there with that factor',
          EXIT.authentication,
        );
      }
      throw error;
    }
  }

  async function* pages<T>(path: string): AsyncGenerator<T[]> {
    let next: string | undefined = path;
    while (next) {
      const page: { value: T[]; '@odata.nextLink'?: string } = await call('GET', next);
      yield page.value;
      next = page['@odata.nextLink'];
    }
  }

  return {
    server,
    call,
    pages,
    async list<T>(path: string, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
      const items: T[] = [];
      for await (const page of pages<T>(path)) {
        items.push(...page);
        if (items.length >= limit) break;
      }
      return items.slice(0, limit);
    },
  };
}

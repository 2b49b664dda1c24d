/**
 * The portal's one way to the HTTP API. Same-origin requests carry the session cookie; every
 * state-changing one also sends the session's CSRF token. Errors become ApiError with the API's own
 * message (shown to people) and, for a step-up challenge, what the policy asks for.
 */

export type Challenge = { readonly kind: 'mfa' } | { readonly kind: 'authenticationContext'; readonly acrValues: readonly string[] };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly challenge: Challenge | null;
  readonly retryAfterSeconds: number | null;

  constructor(status: number, code: string, message: string, challenge: Challenge | null = null, retryAfterSeconds: number | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.challenge = challenge;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

let csrfToken: string | null = null;

/** Remembered from the sign-in answer or GET /openpim/auth/session (a page reload). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What WWW-Authenticate asks for, if it is a step-up challenge. */
export function challengeOf(header: string | null): Challenge | null {
  if (!header) return null;
  if (header.includes('error="insufficient_user_authentication"')) {
    const acr = /acr_values="([^"]*)"/.exec(header)?.[1] ?? '';
    return { kind: 'authenticationContext', acrValues: acr.split(' ').filter(Boolean) };
  }
  if (header.includes('error="insufficient_claims"')) return { kind: 'mfa' };
  return null;
}

interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string };
  readonly detail?: string;
  readonly error_description?: string;
}

async function failure(res: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const message = body.error?.message ?? body.detail ?? body.error_description ?? `The server answered ${res.status} ${res.statusText}.`;
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(
    res.status,
    body.error?.code ?? String(res.status),
    message,
    challengeOf(res.headers.get('www-authenticate')),
    Number.isFinite(retry) && retry > 0 ? retry : null,
  );
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/**
 * How far the server's clock is ahead of this device's (ms), from the Date header of its answers:
 * end times are the server's, so countdowns count on its clock. Differences under 2 s are taken as
 * none (the header has whole seconds).
 */
let serverOffset = 0;

function noteServerTime(date: string | null): void {
  const at = date ? Date.parse(date) : NaN;
  if (!Number.isFinite(at)) return;
  const offset = at + 500 - Date.now();
  serverOffset = Math.abs(offset) < 2_000 ? 0 : offset;
}

/** The server's time now, as best this page knows it. */
export const serverNow = (): number => Date.now() + serverOffset;

/** Calls the API; resolves to the parsed JSON body (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  noteServerTime(res.headers.get('date'));
  if (!res.ok) {
    const error = await failure(res);
    if (res.status === 401 && error.challenge === null) window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT));
    throw error;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Fired when the API says the session is gone (expired, signed out elsewhere): the app shows sign-in. */
export const SIGNED_OUT_EVENT = 'openpim:signed-out';

/** OData string literal: quotes doubled. */
export const odataString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** Graph's collection envelope. */
export interface Collection<T> {
  readonly value: readonly T[];
  readonly '@odata.nextLink'?: string;
  readonly '@odata.count'?: number;
}

/** An @odata.nextLink as a same-origin path: the API writes it absolute, with the host it was called on. */
export function relativeLink(link: string): string {
  const url = new URL(link, window.location.origin);
  return `${url.pathname}${url.search}`;
}

/** Every page of a collection, following @odata.nextLink on this origin, until `limit` items (a bound for pickers and lists). */
export async function fetchAll<T>(path: string, limit = 5_000): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = path;
  while (next && items.length < limit) {
    const page: Collection<T> = await api<Collection<T>>(next);
    items.push(...page.value);
    next = page['@odata.nextLink'] ? relativeLink(page['@odata.nextLink']) : undefined;
  }
  return items;
}

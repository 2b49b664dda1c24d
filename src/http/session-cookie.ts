/**
 * The browser's session cookie: httpOnly (scripts can't read it), SameSite=Lax (not sent with
 * cross-site subrequests or form posts; a sign-in redirect from the identity provider still
 * works), Path=/, no Domain. Served over https (or on localhost, which browsers treat as secure)
 * it is `__Host-openpim-session` with `Secure`, so no other host or plain-http page can set or
 * read it. The value is the session secret; the database keeps only its digest.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StartedSession } from '../app/identity/sessions/start-session.ts';

export interface CookieSettings {
  /** Mark it `Secure` and use the `__Host-` name: on unless the public URL is plain http on a host other than localhost. */
  readonly secure: boolean;
}

export const cookieName = (settings: CookieSettings): string => (settings.secure ? '__Host-openpim-session' : 'openpim-session');

/** The named cookie's value from a Cookie header (RFC 6265 §5.4), or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name)
      return part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
  }
  return null;
}

export const sessionSecretOf = (request: FastifyRequest, settings: CookieSettings): string | null => readCookie(request.headers.cookie, cookieName(settings));

function attributes(settings: CookieSettings, maxAgeSeconds: number): string {
  return `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${settings.secure ? '; Secure' : ''}`;
}

/** Sets the cookie of a newly started browser session; it lasts until the session's absolute end. */
export function setSessionCookie(reply: FastifyReply, started: StartedSession, settings: CookieSettings, now: number): void {
  if (!started.secret) throw new Error('only a browser session has a cookie');
  const maxAge = Math.max(0, Math.floor((started.expiresAt - now) / 1000));
  appendSetCookie(reply, `${cookieName(settings)}=${started.secret}; ${attributes(settings, maxAge)}`);
}

export function clearSessionCookie(reply: FastifyReply, settings: CookieSettings): void {
  appendSetCookie(reply, `${cookieName(settings)}=; ${attributes(settings, 0)}`);
}

/** Adds a Set-Cookie header, keeping any already set (each cookie needs its own header). */
export function appendSetCookie(reply: FastifyReply, value: string): void {
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.header('set-cookie', [...list, value]);
}

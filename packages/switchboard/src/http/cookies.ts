/**
 * The hub's cookies: the dashboard's session, and the short-lived cookies that bind a "Sign in with Discord"
 * or an account-link flow to the browser that began it. On an https PUBLIC_URL they carry the `__Host-`
 * prefix and Secure; on http (a hub on localhost) browsers refuse a `__Host-` cookie without Secure and drop
 * a Secure cookie set over http, so there they are plain names without Secure. Always HttpOnly,
 * SameSite=Lax (a provider's redirect back is a cross-site top-level navigation, which a Strict cookie
 * would not come along with) and Path=/.
 */

export type CookieSpec = { name: string; attributes: string };

export const SESSION_COOKIE_BASE = 'switchboard-session';
const SIGN_IN_COOKIE_BASE = 'switchboard-signin';
const LINK_COOKIE_BASE = 'switchboard-link';

function cookieFor(base: string, publicUrl: string): CookieSpec {
  return new URL(publicUrl).protocol === 'https:'
    ? { name: `__Host-${base}`, attributes: 'Path=/; Secure; HttpOnly; SameSite=Lax' }
    : { name: base, attributes: 'Path=/; HttpOnly; SameSite=Lax' };
}

export function sessionCookieFor(publicUrl: string): CookieSpec {
  return cookieFor(SESSION_COOKIE_BASE, publicUrl);
}

export function signInCookieFor(publicUrl: string): CookieSpec {
  return cookieFor(SIGN_IN_COOKIE_BASE, publicUrl);
}

/** The cookie binding an account-link flow (/link) to its browser. */
export function linkCookieFor(publicUrl: string): CookieSpec {
  return cookieFor(LINK_COOKIE_BASE, publicUrl);
}

/** A Set-Cookie value that stores `value` for `maxAgeSeconds`. */
export function setCookie(cookie: CookieSpec, value: string, maxAgeSeconds: number): string {
  return `${cookie.name}=${value}; Max-Age=${Math.max(1, Math.floor(maxAgeSeconds))}; ${cookie.attributes}`;
}

/** A Set-Cookie value that removes the cookie. */
export function clearCookie(cookie: CookieSpec): string {
  return `${cookie.name}=; Max-Age=0; ${cookie.attributes}`;
}

/** The value of cookie `name` in a Cookie header (RFC 6265 §5.4 pairs separated by `;`), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    if (pair.slice(0, equals).trim() !== name) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

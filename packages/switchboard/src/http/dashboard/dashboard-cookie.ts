/**
 * The dashboard's cookies: the session cookie, and the short-lived cookie that binds a "Sign in with Discord"
 * flow to the browser that began it. On an https PUBLIC_URL they carry the `__Host-` prefix and Secure; on
 * http (a hub on localhost) browsers would refuse both, so there they are plain names without Secure. Always
 * HttpOnly, SameSite=Lax (Discord's redirect back is a cross-site top-level navigation) and Path=/.
 */

export type CookieSpec = { name: string; attributes: string };

export const SESSION_COOKIE_BASE = 'switchboard-session';
const SIGN_IN_COOKIE_BASE = 'switchboard-signin';

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

/** A Set-Cookie value that stores `value` for `maxAgeSeconds`. */
export function setCookie(cookie: CookieSpec, value: string, maxAgeSeconds: number): string {
  return `${cookie.name}=${value}; Max-Age=${Math.max(1, Math.floor(maxAgeSeconds))}; ${cookie.attributes}`;
}

/** A Set-Cookie value that removes the cookie. */
export function clearCookie(cookie: CookieSpec): string {
  return `${cookie.name}=; Max-Age=0; ${cookie.attributes}`;
}

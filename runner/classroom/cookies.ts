/** The two cookies of classroom mode: a learner's session, and the instructor's key. */
export const SESSION_COOKIE = 'kalab_session';
export const INSTRUCTOR_COOKIE = 'kalab_instructor';

/** The cookies of a request's Cookie header, by name (the first of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // a malformed value is no value
    }
  }
  return cookies;
}

/**
 * A cookie only this site's own pages send, never readable by page scripts. `secure` when the
 * class sits behind TLS (a reverse proxy): the browser then sends it over HTTPS only.
 */
export function setCookie(name: string, value: string, opts: { secure: boolean; maxAgeS?: number }): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (opts.maxAgeS !== undefined) parts.push(`Max-Age=${opts.maxAgeS}`);
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

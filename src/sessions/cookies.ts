/** Cookie names and attributes of docs/api.md "Cookies". */
export interface CookieSpec {
  name: string;
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax';
}

export interface CookieJarSpec {
  session: CookieSpec;
  refresh: CookieSpec;
  csrf: CookieSpec;
  ceremony: CookieSpec;
  oauth: CookieSpec;
  /** Binds an emailed code to the browser that asked for it (sign-up, recovery). */
  code: CookieSpec;
}

/**
 * On HTTPS the names carry the `__Host-` prefix and `Secure`;
 * on plain-HTTP localhost the prefixes are dropped and nothing else changes.
 */
export function cookieSpecs(secure: boolean): CookieJarSpec {
  const host = secure ? '__Host-' : '';
  return {
    session: { name: `${host}session`, path: '/', httpOnly: true, secure, sameSite: 'Lax' },
    // `__Host-` and Path=/: a sibling subdomain cannot plant a refresh cookie of its own.
    refresh: { name: `${host}refresh`, path: '/', httpOnly: true, secure, sameSite: 'Strict' },
    csrf: { name: `${host}csrf`, path: '/', httpOnly: false, secure, sameSite: 'Strict' },
    ceremony: { name: `${host}ceremony`, path: '/', httpOnly: true, secure, sameSite: 'Strict' },
    oauth: { name: `${host}oauth`, path: '/', httpOnly: true, secure, sameSite: 'Lax' },
    code: { name: `${host}code`, path: '/', httpOnly: true, secure, sameSite: 'Strict' },
  };
}

/** Largest name + value a browser is guaranteed to keep (RFC 6265 §6.1). */
export const MAX_COOKIE_BYTES = 4096;

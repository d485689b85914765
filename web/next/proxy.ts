import { type NextRequest, NextResponse } from 'next/server.js';
import { authCookieNames, cookieValue, verifySessionCookie } from '../../src/server.ts';
import { type ExpenserNextOptions, resolveNextOptions } from './settings.ts';

export interface AuthProxyOptions extends ExpenserNextOptions {
  /** Path prefixes that need a session: `/expenses` covers `/expenses` and `/expenses/…`. */
  protect: string[];
  /** Where signed-out visitors go, with `?returnTo=<path>`. Default `/login`. */
  loginPath?: string;
  /**
   * The front end's public origin, sent as `Origin` when renewing (the API's CSRF
   * check allows the front end's origin). Default the request's own origin.
   */
  origin?: string;
}

/** Headers the API may use to tell clients apart behind a forwarder it trusts (CloudFront). */
const FORWARDED_HEADERS = ['user-agent', 'cloudfront-viewer-address', 'x-origin-verify'];

/** One `Set-Cookie` line as name, value and whether it deletes the cookie. */
function parseSetCookie(line: string): { name: string; value: string; deleted: boolean } {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  const deleted =
    value === '' ||
    attributes.some((a) => {
      const attribute = a.trim().toLowerCase();
      return attribute === 'max-age=0' || attribute.startsWith('expires=thu, 01 jan 1970');
    });
  return { name, value, deleted };
}

/** The `Cookie` header a browser would send after it stored `setCookies`. */
function applySetCookies(cookieHeader: string, setCookies: string[]): string {
  const jar = new Map<string, string>();
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  for (const line of setCookies) {
    const { name, value, deleted } = parseSetCookie(line);
    if (deleted) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

export interface RenewSessionInput {
  /** Where `/auth/refresh` is: the API (`AUTH_API_URL`) or this front end's origin. */
  apiUrl: string;
  /** The browser's `Cookie` header, forwarded as is. */
  cookieHeader: string;
  /** Names of the auth cookies (`__Host-` on HTTPS). */
  secureCookies: boolean;
  /** `Origin` of the renewal: the front end's own origin. */
  origin: string;
  /** Request headers to pass on (user agent, the trusted forwarder's client address). */
  headers?: Headers;
  fetch?: typeof fetch;
}

export interface RenewSessionResult {
  ok: boolean;
  /** The API's `Set-Cookie` lines (new session, refresh and CSRF cookies, or their deletion): pass them on. */
  setCookies: string[];
  /** The `Cookie` header the browser will send once it stored them. */
  cookieHeader: string;
}

/**
 * Renews an expired session cookie on the server, as the browser client would:
 * `POST /auth/refresh` with the browser's cookies, its CSRF cookie as
 * `X-CSRF-Token` (bound to the session the refresh cookie names) and the front
 * end's own `Origin`. Without a CSRF cookie it asks `GET /auth/csrf` for one first.
 */
export async function renewSession(input: RenewSessionInput): Promise<RenewSessionResult> {
  const send = input.fetch ?? globalThis.fetch;
  const names = authCookieNames(input.secureCookies);
  const base = input.apiUrl.replace(/\/+$/, '');
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = input.headers?.get(name);
    if (value) headers.set(name, value);
  }
  const setCookies: string[] = [];
  let cookieHeader = input.cookieHeader;
  try {
    let csrf = cookieValue(cookieHeader, names.csrf);
    if (!csrf) {
      const response = await send(`${base}/auth/csrf`, {
        headers: new Headers([...headers, ['cookie', cookieHeader]]),
        cache: 'no-store',
      });
      const lines = response.headers.getSetCookie();
      setCookies.push(...lines);
      cookieHeader = applySetCookies(cookieHeader, lines);
      csrf = cookieValue(cookieHeader, names.csrf);
    }
    const response = await send(`${base}/auth/refresh`, {
      method: 'POST',
      headers: new Headers([
        ...headers,
        ['cookie', cookieHeader],
        ['origin', input.origin],
        ['x-csrf-token', csrf ?? ''],
      ]),
      cache: 'no-store',
      redirect: 'manual',
    });
    const lines = response.headers.getSetCookie();
    setCookies.push(...lines);
    cookieHeader = applySetCookies(cookieHeader, lines);
    await response.body?.cancel();
    return { ok: response.status === 200, setCookies, cookieHeader };
  } catch {
    // The API could not be reached: the visitor signs in again rather than seeing an error page.
    return { ok: false, setCookies, cookieHeader };
  }
}

/** Same-origin relative path and query of the request, for `returnTo`. */
function returnToOf(request: NextRequest): string {
  return `${request.nextUrl.pathname}${request.nextUrl.search}`;
}

/**
 * The function `proxy.ts` exports (Next.js 16). On a protected path it lets a
 * request with a valid session cookie through; when only the short session
 * cookie expired (the refresh cookie is still there) it renews the session on
 * the server through `/auth/refresh` and passes the new cookies both to the
 * browser (`Set-Cookie`) and to the page being rendered (so `getSession()`
 * sees the renewed session); otherwise it redirects to `/login?returnTo=…`.
 * The check is optimistic, as every proxy check is: pages read the session
 * again with `getSession()` and the API checks its record on every call.
 */
export function createAuthProxy(options: AuthProxyOptions): (request: NextRequest) => Promise<NextResponse> {
  const { sessionKey, secureCookies, apiUrl } = resolveNextOptions(options);
  const names = authCookieNames(secureCookies);
  const loginPath = options.loginPath ?? '/login';
  const prefixes = options.protect.map((path) => path.replace(/\/+$/, '') || '/');
  const isProtected = (path: string) =>
    prefixes.some((prefix) => prefix === '/' || path === prefix || path.startsWith(`${prefix}/`));

  return async function authProxy(request) {
    if (!isProtected(request.nextUrl.pathname)) return NextResponse.next();
    const session = await verifySessionCookie(request.cookies.get(names.session)?.value, { sessionKey });
    if (session) return NextResponse.next();

    const login = new URL(loginPath, request.url);
    login.searchParams.set('returnTo', returnToOf(request));
    if (!request.cookies.has(names.refresh)) return NextResponse.redirect(login);

    const origin = options.origin ?? request.nextUrl.origin;
    const renewed = await renewSession({
      apiUrl: apiUrl ?? origin,
      cookieHeader: request.headers.get('cookie') ?? '',
      secureCookies,
      origin,
      headers: request.headers,
    });
    let response: NextResponse;
    if (renewed.ok) {
      const headers = new Headers(request.headers);
      headers.set('cookie', renewed.cookieHeader);
      response = NextResponse.next({ request: { headers } });
    } else {
      response = NextResponse.redirect(login);
    }
    // The renewed cookies, or the API clearing the ones it refused.
    for (const line of renewed.setCookies) response.headers.append('set-cookie', line);
    return response;
  };
}

import type { TestBrowser, TestResponse } from './browser.ts';

/** One hop of a redirect chain as a browser would see it. */
export interface Hop {
  method: string;
  url: string;
  status: number;
  location: string | null;
  /** Server-side milliseconds from request to response headers (including the network on 127.0.0.1). */
  ms: number;
}

export interface GoogleFlowResult {
  /** The URL the browser ends on (outside `/auth/google*`, or the stand-in page when no email is given). */
  finalUrl: string;
  hops: Hop[];
  /** The callback URL the hosted UI sent the browser to, if reached (it carries the code). */
  callbackUrl: string | null;
}

/**
 * Walks the Google redirect chain like a browser: API requests go to the app in
 * process through `TestBrowser` (its cookie jar), every other origin (Cognito
 * emulator, Google stand-in) over real HTTP with a per-host cookie jar, keyed by
 * host name as browsers do. Fills the stand-in's email form when reached.
 */
export class GoogleFlowWalker {
  readonly browser: TestBrowser;
  /** Cookies of the emulator and stand-in, by host name. */
  readonly jars = new Map<string, Map<string, string>>();

  constructor(browser: TestBrowser) {
    this.browser = browser;
  }

  private get apiOrigin(): string {
    return new URL(this.browser.stack.url).origin;
  }

  private jar(host: string): Map<string, string> {
    let jar = this.jars.get(host);
    if (!jar) {
      jar = new Map();
      this.jars.set(host, jar);
    }
    return jar;
  }

  private async fetchExternal(
    method: string,
    url: URL,
    body?: URLSearchParams,
  ): Promise<{ status: number; location: string | null; text: string }> {
    const jar = this.jar(url.hostname);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method,
      headers,
      redirect: 'manual',
      ...(body ? { body: body.toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const t = a.trim().toLowerCase();
        return t === 'max-age=0' || (t.startsWith('expires=') && Date.parse(t.slice(8)) < Date.now());
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  }

  /** One GET as the browser; API origin in process, others over HTTP. */
  async get(
    url: string,
  ): Promise<{ status: number; location: string | null; text: string; api?: TestResponse }> {
    const target = new URL(url);
    if (target.origin === this.apiOrigin) {
      const api = await this.browser.request('GET', `${target.pathname}${target.search}`);
      return {
        status: api.status,
        location: api.headers.get('location'),
        text: typeof api.body === 'string' ? api.body : JSON.stringify(api.body),
        api,
      };
    }
    return this.fetchExternal('GET', target);
  }

  /**
   * Follows redirects from `start` (an absolute URL or an API path). Stops at a
   * URL on the API origin outside `/auth/google`, at a URL `stopAt` accepts
   * (not requested), or at a page that is not a redirect. On the stand-in's
   * page, submits `email` if given (on its account chooser, picks `email` or uses another account).
   */
  async run(
    start: string,
    options: { email?: string; stopAt?: (url: URL) => boolean; maxHops?: number } = {},
  ): Promise<GoogleFlowResult> {
    const hops: Hop[] = [];
    let callbackUrl: string | null = null;
    let url = new URL(start, this.browser.stack.url).toString();
    for (let i = 0; i < (options.maxHops ?? 30); i++) {
      const target = new URL(url);
      if (target.origin === this.apiOrigin && target.pathname === '/auth/google/callback') callbackUrl = url;
      if (options.stopAt?.(target)) return { finalUrl: url, hops, callbackUrl };
      if (target.origin === this.apiOrigin && !target.pathname.startsWith('/auth/google')) {
        return { finalUrl: url, hops, callbackUrl };
      }
      const started = performance.now();
      const response = await this.get(url);
      hops.push({
        method: 'GET',
        url,
        status: response.status,
        location: response.location,
        ms: performance.now() - started,
      });
      if (response.status >= 300 && response.status < 400 && response.location) {
        url = new URL(response.location, url).toString();
        continue;
      }
      const form = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(response.text);
      // prompt=select_account: the stand-in's chooser. The account `email` if it is the one
      // offered, else "Use another account" and the email form.
      const chooser = /name="account" value="([^"]+)"[^>]*>([^<]*)</.exec(response.text);
      const another = /href="([^"]+)"[^>]*>Use another account/.exec(response.text);
      if (chooser && options.email && chooser[2] !== options.email.trim().toLowerCase() && another?.[1]) {
        url = new URL(another[1].replaceAll('&amp;', '&'), url).toString();
        continue;
      }
      const fields: Record<string, string> =
        chooser?.[1] && options.email ? { account: chooser[1] } : { email: options.email ?? '' };
      if (form?.[1] && (chooser || /name="email"/.test(response.text)) && options.email) {
        const action = new URL(form[1].replaceAll('&amp;', '&'), url);
        const posted = performance.now();
        const submitted = await this.fetchExternal('POST', action, new URLSearchParams(fields));
        hops.push({
          method: 'POST',
          url: action.toString(),
          status: submitted.status,
          location: submitted.location,
          ms: performance.now() - posted,
        });
        if (!submitted.location)
          throw new Error(`stand-in form answered ${submitted.status} without a redirect`);
        url = new URL(submitted.location, action).toString();
        continue;
      }
      return { finalUrl: url, hops, callbackUrl };
    }
    throw new Error('too many redirects');
  }
}

/** `/login?error=<code>` on the front end, or null. */
export function loginError(finalUrl: string): string | null {
  const url = new URL(finalUrl);
  return url.pathname === '/login' ? url.searchParams.get('error') : null;
}

/** Whether any Set-Cookie seen by `browser` left a session cookie. */
export function hasSessionCookie(browser: TestBrowser): boolean {
  return browser.cookie('session') !== undefined || browser.cookie('__Host-session') !== undefined;
}

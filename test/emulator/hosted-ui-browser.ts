// A minimal browser for redirect chains: fetch with redirect 'manual', one
// cookie jar per origin, and the Google stand-in's sign-in form.
import assert from 'node:assert/strict';

export interface Hop {
  url: string;
  status: number;
  location: string | null;
}

export class TestBrowser {
  readonly jars = new Map<string, Map<string, string>>();
  readonly hops: Hop[] = [];

  cookies(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) {
      jar = new Map();
      this.jars.set(origin, jar);
    }
    return jar;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.cookies(target.origin);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', v = ''] = a.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    this.hops.push({ url: target.href, status: response.status, location });
    return response;
  }

  /**
   * GETs `url` and follows redirects until one leaves for `stopOrigin` (that
   * redirect's target is returned unfetched) or a non-redirect response comes back.
   */
  async follow(url: string, stopOrigin?: string): Promise<{ url: string; response: Response | null }> {
    let current = url;
    for (let i = 0; i < 20; i++) {
      const response = await this.request(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url: current, response };
      await response.arrayBuffer();
      current = new URL(location, current).href;
      if (stopOrigin && new URL(current).origin === stopOrigin) return { url: current, response: null };
    }
    throw new Error('too many redirects');
  }

  /** Fills the stand-in's `<input name="email">`, submits the form, follows until `stopOrigin`. */
  async submitGoogleForm(
    page: { url: string; response: Response | null },
    email: string,
    stopOrigin: string,
  ) {
    assert.ok(page.response, 'expected the stand-in sign-in page');
    assert.equal(page.response.status, 200);
    const html = await page.response.text();
    assert.match(html, /LOCAL STAND-IN for Google/);
    assert.match(html, /<input[^>]*name="email"/);
    assert.match(html, /<button type="submit"/);
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    assert.ok(action, 'form action');
    const posted = await this.request(new URL(action.replaceAll('&amp;', '&'), page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email }).toString(),
    });
    const location = posted.headers.get('location');
    assert.ok(location, `form post should redirect, got ${posted.status}`);
    const next = new URL(location, page.url).href;
    if (new URL(next).origin === stopOrigin) return next;
    const followed = await this.follow(next, stopOrigin);
    return followed.url;
  }
}

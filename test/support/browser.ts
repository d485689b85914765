import assert from 'node:assert/strict';
import type { LocalStack } from '../../src/local/stack.ts';

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
  body: any;
  /** Raw Set-Cookie lines of this response. */
  setCookies: string[];
}

/** Asserts an error answer: its status and the `error.code` of its body. */
export function assertError(response: TestResponse, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body?.error?.code, code);
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  rawBody?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Send X-CSRF-Token (default true for non-GET). */
  csrf?: boolean;
}

/**
 * A minimal browser for integration tests: keeps cookies per name like a
 * browser (Max-Age=0 deletes), sends the CSRF header from the CSRF cookie, and
 * calls the app in process through `app.request()` with a socket address, as
 * the Node adapter would.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  readonly stack: LocalStack;
  ip: string;
  origin: string | null;

  constructor(stack: LocalStack, options: { ip?: string; origin?: string | null } = {}) {
    this.stack = stack;
    this.ip = options.ip ?? '198.51.100.7';
    this.origin = options.origin === undefined ? stack.origin : options.origin;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (this.origin && method !== 'GET') headers.origin = this.origin;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && options.contentType !== null)
      headers['content-type'] = options.contentType ?? 'application/json';
    if (method !== 'GET' && options.csrf !== false) {
      const token = this.cookies.get('csrf') ?? this.cookies.get('__Host-csrf');
      if (token) headers['x-csrf-token'] = token;
    }
    const response = await this.stack.app.request(
      path,
      { method, headers, ...(payload !== undefined ? { body: payload } : {}) },
      { incoming: { socket: { remoteAddress: this.ip } } },
    );
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const maxAge = attributes.map((a) => a.trim().toLowerCase()).find((a) => a.startsWith('max-age='));
      if (maxAge === 'max-age=0' || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON; keep the text
    }
    return { status: response.status, headers: response.headers, body, setCookies };
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, options);
  }

  post(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request('POST', path, { ...options, ...(body !== undefined ? { body } : {}) });
  }

  /** GET /auth/csrf so that the next state-changing request carries a token. */
  async primeCsrf(): Promise<string> {
    const response = await this.get('/auth/csrf');
    return response.body.csrfToken;
  }
}

/** What a smoke step reads from a response: never a cookie value or a token. */
export interface SmokeResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field by the steps
  body: any;
  /** Set-Cookie lines of this response (checked for attributes, never printed). */
  setCookies: string[];
  requestId: string | null;
}

/**
 * A browser as far as the API can tell: a cookie jar for one host, `Origin`
 * on every request (the deployment's RP origin), and the `X-CSRF-Token`
 * header copied from the CSRF cookie on state-changing requests, as the
 * browser client does.
 */
export class SmokeBrowser {
  readonly #apiUrl: string;
  readonly #origin: string;
  readonly #cookies = new Map<string, string>();

  constructor(options: { apiUrl: string; origin: string }) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#origin = options.origin;
  }

  /** Another browser holding a copy of every cookie of this one. */
  clone(): SmokeBrowser {
    const copy = new SmokeBrowser({ apiUrl: this.#apiUrl, origin: this.#origin });
    for (const [name, value] of this.#cookies) copy.#cookies.set(name, value);
    return copy;
  }

  /** Whether the jar holds a cookie of this name, with or without the `__Host-` prefix. */
  has(name: string): boolean {
    return this.#cookies.has(name) || this.#cookies.has(`__Host-${name}`);
  }

  get(path: string): Promise<SmokeResponse> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown = {}, options: { csrf?: boolean } = {}): Promise<SmokeResponse> {
    return this.request('POST', path, body, options);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    { csrf = true }: { csrf?: boolean } = {},
  ): Promise<SmokeResponse> {
    const headers: Record<string, string> = {
      origin: this.#origin,
      accept: 'application/json',
      'user-agent': 'expenser-auth-smoke',
    };
    if (this.#cookies.size > 0) {
      headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const csrfToken = this.#cookies.get('__Host-csrf') ?? this.#cookies.get('csrf');
    if (method !== 'GET' && csrf && csrfToken) headers['x-csrf-token'] = csrfToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.#apiUrl}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) this.#store(line);
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a gateway's or WAF's page): only the status is reported.
    }
    return {
      status: response.status,
      body: parsed,
      setCookies,
      requestId: response.headers.get('x-request-id'),
    };
  }

  /** RFC 6265 §5.3 as far as one host needs: a cookie set empty, expired or with Max-Age ≤ 0 is removed. */
  #store(line: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const attribute = (key: string) =>
      attributes
        .map((a) => a.trim())
        .find((a) => a.toLowerCase().startsWith(`${key}=`))
        ?.slice(key.length + 1);
    const maxAge = attribute('max-age');
    const expires = attribute('expires');
    const expired =
      (maxAge !== undefined && Number(maxAge) <= 0) ||
      (maxAge === undefined && expires !== undefined && Date.parse(expires) <= Date.now());
    if (expired || value === '') this.#cookies.delete(name);
    else this.#cookies.set(name, value);
  }
}

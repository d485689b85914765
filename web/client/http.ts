import { ExpenserAuthError } from './errors.ts';

export interface HttpOptions {
  /** Where the API lives; '' (default) is this origin. E.g. 'https://api.example.com'. */
  baseUrl: string;
  fetch: typeof fetch;
}

type Body = Record<string, unknown>;

/**
 * JSON over fetch with the CSRF double-submit header (docs/api.md "CSRF"):
 * the token comes from `GET /auth/csrf` or any response's `csrfToken` and lives
 * only in memory. Cookies travel with `credentials: 'include'`; no session or
 * refresh token is ever readable here (they are HttpOnly).
 *
 * A request answered `401 unauthenticated` is retried once after one
 * `POST /auth/refresh` (shared by concurrent requests); one answered
 * `403 csrf_failed` is retried once with a fresh token.
 */
export class Http {
  readonly #options: HttpOptions;
  #csrfToken: string | undefined;
  #refreshing: Promise<boolean> | undefined;

  constructor(options: HttpOptions) {
    this.#options = options;
  }

  /** GET/POST/PATCH/DELETE `/auth${path}`; resolves to the parsed JSON body (undefined for 204). */
  async request<T>(method: string, path: string, body?: Body, flags: { retry?: boolean } = {}): Promise<T> {
    const retry = flags.retry ?? true;
    try {
      return await this.#send<T>(method, path, body);
    } catch (error) {
      if (!(error instanceof ExpenserAuthError) || !retry) throw error;
      if (error.code === 'csrf_failed') {
        await this.fetchCsrfToken();
        return this.#send<T>(method, path, body);
      }
      if (error.code === 'unauthenticated' && (await this.refresh()))
        return this.#send<T>(method, path, body);
      throw error;
    }
  }

  /** One refresh at a time; true when the session was renewed. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#send('POST', '/refresh')
      .then(
        () => true,
        () => false,
      )
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }

  async fetchCsrfToken(): Promise<string> {
    const { csrfToken } = await this.#send<{ csrfToken: string }>('GET', '/csrf');
    return csrfToken;
  }

  async #send<T>(method: string, path: string, body?: Body): Promise<T> {
    const changing = method !== 'GET';
    if (changing && !this.#csrfToken) await this.fetchCsrfToken();
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (changing && this.#csrfToken) headers['X-CSRF-Token'] = this.#csrfToken;
    let response: Response;
    try {
      response = await this.#options.fetch(`${this.#options.baseUrl}/auth${path}`, {
        method,
        headers,
        credentials: 'include',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new ExpenserAuthError(
        'network_error',
        'The server could not be reached. Check your connection.',
        {
          cause,
        },
      );
    }
    if (response.status === 204) return undefined as T;
    const data = (await response.json().catch(() => null)) as
      | (Record<string, unknown> & { csrfToken?: unknown; error?: { code?: unknown; message?: unknown } })
      | null;
    if (typeof data?.csrfToken === 'string') this.#csrfToken = data.csrfToken;
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('Retry-After'));
      throw new ExpenserAuthError(
        typeof data?.error?.code === 'string' ? data.error.code : 'unexpected_response',
        typeof data?.error?.message === 'string'
          ? data.error.message
          : `Request failed (${response.status}).`,
        { status: response.status, ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}) },
      );
    }
    if (data === null) {
      throw new ExpenserAuthError('unexpected_response', 'The server sent an unreadable answer.', {
        status: response.status,
      });
    }
    return data as T;
  }
}

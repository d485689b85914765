/** What the Next.js helpers need; each falls back to an environment variable of the Next.js server. */
export interface ExpenserNextOptions {
  /** SESSION_VERIFY_KEY (`npm run session-verify-key`): opens session cookies only. Default `process.env.SESSION_VERIFY_KEY`. */
  sessionKey?: string;
  /**
   * Whether the API sets `__Host-` cookies (it does when its public URL is https). Default true,
   * or `process.env.AUTH_SECURE_COOKIES !== 'false'`: set that to `false` only on plain-HTTP localhost.
   */
  secureCookies?: boolean;
  /**
   * Where the Next.js server reaches the API (`/auth/*` is under it): the local stack
   * (`http://127.0.0.1:3000`), the API Gateway stage URL or its custom domain.
   * Default `process.env.AUTH_API_URL`.
   */
  apiUrl?: string;
}

export interface ResolvedNextOptions {
  sessionKey: string;
  secureCookies: boolean;
  apiUrl: string | undefined;
}

/** Options with their environment fallbacks; throws `TypeError` when no session key is set at all. */
export function resolveNextOptions(options: ExpenserNextOptions = {}): ResolvedNextOptions {
  const sessionKey = options.sessionKey ?? process.env.SESSION_VERIFY_KEY ?? '';
  if (!sessionKey) {
    throw new TypeError(
      'expenser-auth/next: set SESSION_VERIFY_KEY (npm run session-verify-key prints it) or pass sessionKey',
    );
  }
  const apiUrl = (options.apiUrl ?? process.env.AUTH_API_URL)?.replace(/\/+$/, '') || undefined;
  return {
    sessionKey,
    secureCookies: options.secureCookies ?? process.env.AUTH_SECURE_COOKIES !== 'false',
    apiUrl,
  };
}

/** One entry of next.config's `rewrites()`. */
export interface AuthRewrite {
  source: string;
  destination: string;
}

/**
 * next.config `rewrites()` entries that serve the API under the front end's own
 * origin: `/auth/*` is forwarded to `apiUrl` (default `process.env.AUTH_API_URL`),
 * so the session cookies belong to this origin and server components can read them.
 */
export function authRewrites(apiUrl: string | undefined = process.env.AUTH_API_URL): AuthRewrite[] {
  if (!apiUrl) {
    throw new TypeError(
      'authRewrites: set AUTH_API_URL to where the API answers, e.g. http://127.0.0.1:3000',
    );
  }
  return [{ source: '/auth/:path*', destination: `${apiUrl.replace(/\/+$/, '')}/auth/:path*` }];
}

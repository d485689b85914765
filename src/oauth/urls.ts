/**
 * URLs of the Google flow, all derived from configuration so the values
 * registered on the app client (callback and sign-out URLs) are the ones used.
 */
export interface GoogleUrlSettings {
  /** Public base URL of the API (API_GATEWAY_INVOKE_URL). */
  apiUrl: string;
  /** Front end (API_FRONTEND_URL). */
  frontendUrl: string;
  /** Hosted-UI domain URL (COGNITO_USER_POOL_DOMAIN). */
  domain: string | undefined;
  clientId: string;
}

/** The `redirect_uri` registered on the app client: `${apiUrl}/auth/google/callback`. */
export function callbackUrl(settings: GoogleUrlSettings): string {
  return `${settings.apiUrl}/auth/google/callback`;
}

/** The sign-out URL registered on the app client: `${frontendUrl}/login`. */
export function signOutUrl(settings: GoogleUrlSettings): string {
  return `${settings.frontendUrl}/login`;
}

/** Where the callback sends the browser on success. `returnTo` is already a safe relative path. */
export function frontendRedirect(settings: GoogleUrlSettings, returnTo: string): string {
  return `${settings.frontendUrl}${returnTo}`;
}

/**
 * Where the Google routes send the browser on failure: `/login?error=<code>`,
 * or for a failed link `/account?error=<code>`, the page the link began on.
 */
export function errorRedirect(
  settings: GoogleUrlSettings,
  page: '/login' | '/account',
  code: string,
): string {
  return `${settings.frontendUrl}${page}?error=${encodeURIComponent(code)}`;
}

/**
 * Cognito's logout endpoint (DG: logout-endpoint) that ends the hosted-UI
 * session, then returns to the sign-out URL; null without a hosted-UI domain.
 */
export function hostedUiLogoutUrl(settings: GoogleUrlSettings): string | null {
  if (!settings.domain) return null;
  const url = new URL(`${settings.domain}/logout`);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('logout_uri', signOutUrl(settings));
  return url.toString();
}

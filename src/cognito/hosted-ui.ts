import type * as Oidc from 'openid-client';
import type { CognitoTokens } from './types.ts';

/** The Cognito hosted UI as an OpenID provider: authorization URL and code exchange. */
export interface HostedUiClient {
  /** `/oauth2/authorize` URL for one transaction (identity_provider=Google, PKCE S256). */
  authorizationUrl(input: { state: string; nonce: string; codeChallenge: string }): Promise<URL>;
  /**
   * Validates the authorization response in `callbackUrl` (state, error) and
   * exchanges the code with the PKCE verifier at `/oauth2/token` (client
   * secret, Basic). openid-client also checks the ID token's `iss`, `aud`,
   * `exp`, `iat` and `nonce`; its signature is checked by the caller against
   * the pool's JWKS. Throws `HostedUiExchangeError` on any refusal.
   */
  exchangeCode(input: {
    callbackUrl: URL;
    state: string;
    nonce: string;
    codeVerifier: string;
  }): Promise<CognitoTokens>;
}

export interface HostedUiClientOptions {
  /** The pool's issuer; discovery is `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The registered redirect URI (the API's callback). */
  redirectUri: string;
  /** Request timeout in seconds (default 5). */
  timeoutSeconds?: number;
}

/** The hosted UI refused the exchange or its response failed validation. */
export class HostedUiExchangeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

/** Plain HTTP is accepted only for a provider on this machine (the local emulator). */
function isLoopbackHttp(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

/**
 * openid-client over the Cognito hosted UI. Discovery runs once, on first use
 * (and again after a failed attempt), from the pool's issuer: in AWS that is
 * `https://cognito-idp.<region>.amazonaws.com/<pool>`, whose document points
 * at the domain's `/oauth2/*` endpoints; locally it is the emulator.
 * openid-client itself is loaded then too: only Google sign-in needs it, so
 * the API's Lambda bundle keeps it out of every other cold start.
 */
export function createHostedUiClient(options: HostedUiClientOptions): HostedUiClient {
  const { issuer, clientId, clientSecret, redirectUri } = options;
  let discovered: Promise<{ oidc: typeof Oidc; config: Oidc.Configuration }> | null = null;

  const discover = () => {
    discovered ??= (async () => {
      const oidc = await import('openid-client');
      const insecure = isLoopbackHttp(issuer);
      const config = await oidc.discovery(
        new URL(issuer),
        clientId,
        undefined,
        oidc.ClientSecretBasic(clientSecret),
        {
          ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
          timeout: options.timeoutSeconds ?? 5,
        },
      );
      return { oidc, config };
    })().catch((error: unknown) => {
      discovered = null;
      throw error;
    });
    return discovered;
  };

  return {
    async authorizationUrl({ state, nonce, codeChallenge }) {
      const { oidc, config } = await discover();
      return oidc.buildAuthorizationUrl(config, {
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        identity_provider: 'Google',
        // Cognito passes `prompt` on to Google (DG: authorization-endpoint): after a sign-out
        // Google asks which account instead of signing the same person straight back in.
        prompt: 'select_account',
        state,
        nonce,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      });
    },

    async exchangeCode({ callbackUrl, state, nonce, codeVerifier }) {
      const { oidc, config } = await discover();
      let response: Awaited<ReturnType<typeof Oidc.authorizationCodeGrant>>;
      try {
        response = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: codeVerifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        // openid-client's errors name the failed check; the message is kept for the cause only.
        throw new HostedUiExchangeError('The hosted UI code exchange failed.', { cause: error });
      }
      if (!response.id_token || !response.access_token) {
        throw new HostedUiExchangeError('The hosted UI returned no ID or access token.');
      }
      return {
        idToken: response.id_token,
        accessToken: response.access_token,
        ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
        expiresInSeconds: response.expires_in ?? 3600,
      };
    },
  };
}

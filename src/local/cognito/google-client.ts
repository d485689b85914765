import * as oidc from 'openid-client';

export interface GoogleClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** A verified Google identity: its subject and the ID token's claims, for the attribute mapping (DG: cognito-user-pools-specifying-attribute-mapping). */
export interface GoogleIdentity {
  sub: string;
  claims: Record<string, unknown>;
}

/** The IdP leg failed; `error` is what the app's callback receives. */
export class FederationError extends Error {
  readonly error: string;

  constructor(error: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.error = error;
  }
}

/**
 * The emulator's side of the federation: an OpenID relying party of Google
 * (or the local stand-in), discovered lazily from `${issuer}/.well-known/openid-configuration`,
 * authenticating with client_secret_basic. Every transaction has its own state,
 * nonce and PKCE verifier; the ID token's signature is checked against the
 * IdP's JWKS as well as iss, aud, exp and nonce (OIDC Core §3.1.3.7).
 */
export function createGoogleClient(settings: GoogleClientSettings) {
  let configuration: Promise<oidc.Configuration> | null = null;

  async function discover(): Promise<oidc.Configuration> {
    // Plain http only for the local stand-in on 127.0.0.1; accounts.google.com is https.
    const insecure = new URL(settings.issuer).protocol === 'http:';
    const config = await oidc.discovery(
      new URL(settings.issuer),
      settings.clientId,
      undefined,
      oidc.ClientSecretBasic(settings.clientSecret),
      insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
    oidc.enableNonRepudiationChecks(config);
    return config;
  }

  function config(): Promise<oidc.Configuration> {
    configuration ??= discover().catch((error: unknown) => {
      configuration = null;
      throw new FederationError('server_error', 'The identity provider could not be reached.', {
        cause: error,
      });
    });
    return configuration;
  }

  return {
    /** Where to send the browser, and the checks to keep for the callback. */
    async begin(redirectUri: string, scope: string, options: { prompt?: string } = {}) {
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(await config(), {
        redirect_uri: redirectUri,
        scope,
        response_type: 'code',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        ...(options.prompt ? { prompt: options.prompt } : {}),
      });
      return { url, checks: { state, nonce, codeVerifier } };
    },

    /** Redeems the code from the IdP's redirect and returns the verified identity. */
    async finish(
      currentUrl: URL,
      checks: { state: string; nonce: string; codeVerifier: string },
    ): Promise<GoogleIdentity> {
      let claims: oidc.IDToken | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(await config(), currentUrl, {
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          pkceCodeVerifier: checks.codeVerifier,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (error) {
        if (error instanceof FederationError) throw error;
        throw new FederationError(
          'invalid_request',
          'Error exchanging the code with the identity provider.',
          {
            cause: error,
          },
        );
      }
      if (!claims || typeof claims.sub !== 'string' || claims.sub === '') {
        throw new FederationError('invalid_request', 'The identity provider returned no subject.');
      }
      return { sub: claims.sub, claims: { ...claims } };
    },
  };
}

export type GoogleClient = ReturnType<typeof createGoogleClient>;

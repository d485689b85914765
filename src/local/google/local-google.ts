import { randomBytes } from 'node:crypto';
import { GOOGLE_ATTRIBUTE_MAPPING } from '../../cognito/google-attributes.ts';
import type { Config } from '../../config/config.ts';
import type { HostedUiOptions } from '../cognito/index.ts';
import { startGoogleStandIn } from './stand-in.ts';

const REAL_GOOGLE_ISSUER = 'https://accounts.google.com';

export interface LocalGoogle {
  url: string;
  issuer: string;
  /** The emulator's hosted-UI settings: the app's callback and sign-out URLs, and this Google. */
  hostedUi(config: Config): HostedUiOptions;
  /** Registers the emulator's `/oauth2/idpresponse` with the stand-in (a no-op for the real Google). */
  registerEmulator(emulatorUrl: string): void;
  close(): Promise<void>;
}

/**
 * The Google the local stack's Cognito emulator federates to. By default the
 * LOCAL STAND-IN on 127.0.0.1, with a client made up for this run.
 *
 * With GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET set, the emulator federates
 * to the real Google (`https://accounts.google.com`) instead. The OAuth client
 * must accept the emulator's redirect URI `<emulator url>/oauth2/idpresponse`;
 * the emulator listens on a free 127.0.0.1 port, so use a "Desktop app" OAuth
 * client (Google accepts any loopback port for those) or register the URI
 * printed at start. Not covered by the tests: they never leave 127.0.0.1.
 */
export async function startLocalGoogle(env: Record<string, string | undefined>): Promise<LocalGoogle> {
  const clientId = env.GOOGLE_CLIENT_ID?.trim() ?? '';
  const clientSecret = env.GOOGLE_CLIENT_SECRET?.trim() ?? '';
  if ((clientId === '') !== (clientSecret === '')) {
    throw new TypeError(
      'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together (to use the real Google) or both left unset (local stand-in)',
    );
  }
  // The Google IdP's attribute mapping is the deployed stack's (infra/stack.ts uses the same constant).
  const hostedUi =
    (google: Omit<NonNullable<HostedUiOptions['google']>, 'attributeMapping'>) => (config: Config) => {
      const api = config.apiUrl.replace(/\/+$/, '');
      const frontend = new URL(config.frontendUrl);
      return {
        callbackUrls: [`${api}/auth/google/callback`],
        logoutUrls: [...new Set([config.frontendUrl, `${frontend.origin}/`, `${frontend.origin}/login`])],
        google: { ...google, attributeMapping: { ...GOOGLE_ATTRIBUTE_MAPPING } },
      };
    };

  if (clientId !== '') {
    return {
      url: REAL_GOOGLE_ISSUER,
      issuer: REAL_GOOGLE_ISSUER,
      hostedUi: hostedUi({ issuer: REAL_GOOGLE_ISSUER, clientId, clientSecret }),
      registerEmulator: () => undefined,
      close: async () => undefined,
    };
  }

  const standIn = await startGoogleStandIn({});
  const client = { id: 'expenser-local-cognito', secret: randomBytes(24).toString('base64url') };
  return {
    url: standIn.url,
    issuer: standIn.issuer,
    hostedUi: hostedUi({ issuer: standIn.issuer, clientId: client.id, clientSecret: client.secret }),
    registerEmulator(emulatorUrl) {
      standIn.addClient({
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: [`${emulatorUrl}/oauth2/idpresponse`],
      });
    },
    close: () => standIn.close(),
  };
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type OidcContext, interactionPolicy as oidcInteractionPolicy } from 'oidc-provider';
import { googleClaimsFor, googleSubFor } from './google-account.ts';
import { type AdapterStorage, createAdapterFactory } from './memory-adapter.ts';
import { accountChooserPage, errorPage, signInPage } from './sign-in-page.ts';

export interface GoogleStandInClient {
  client_id: string;
  client_secret: string;
  /** Exact redirect URIs, e.g. the emulator's `${url}/oauth2/idpresponse`. */
  redirect_uris: string[];
}

export interface GoogleStandInOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Clients known from the start; more with `addClient`. */
  clients?: GoogleStandInClient[];
}

export interface GoogleStandIn {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Equal to `url`; discovery at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /**
   * Registers (or replaces) a client after start: the emulator's redirect URI
   * is known only once the emulator listens, and the emulator needs this issuer first.
   */
  addClient(client: GoogleStandInClient): void;
  close(): Promise<void>;
}

const INTERACTION_PATH = /^\/interaction\/([\w-]+)$/;
/** A local part, `@`, and a domain of dot-separated DNS labels with a top-level one (so not "x@y"). */
const EMAIL_PATTERN =
  /^[^\s@"(),:;<>[\\\]]{1,64}@(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const MAX_FORM_BYTES = 16 * 1024;

function checkClient(client: GoogleStandInClient): void {
  const ok =
    typeof client?.client_id === 'string' &&
    client.client_id !== '' &&
    typeof client.client_secret === 'string' &&
    client.client_secret !== '' &&
    Array.isArray(client.redirect_uris) &&
    client.redirect_uris.length > 0;
  if (!ok) {
    throw new TypeError(
      'Google stand-in client must be {client_id, client_secret, redirect_uris: [at least one]}',
    );
  }
}

/**
 * oidc-provider's login and consent prompts, plus Google's `select_account`
 * (OIDC Core §3.1.2.1), which oidc-provider does not define: requested, it
 * shows the account chooser even when a session would sign in silently.
 */
function interactionPolicy() {
  const policy = oidcInteractionPolicy.base();
  policy.add(new oidcInteractionPolicy.Prompt({ name: 'select_account', requestable: true }), 1);
  return policy;
}

/** A confidential web client: code flow only, client_secret_basic (Google's default). */
function clientMetadata(client: GoogleStandInClient) {
  return {
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [...client.redirect_uris],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new RangeError('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

/**
 * A LOCAL STAND-IN for Google's OpenID provider, built on oidc-provider:
 * discovery, JWKS, authorization code with PKCE (S256) and client secret, RS256
 * ID tokens with Google-shaped claims (numeric `sub` stable per email, email,
 * `email_verified: true`, name, given_name, family_name, picture). Its one
 * page asks for an email and signs in as that user; consent is granted without
 * a second page. Everything is in memory; only for 127.0.0.1 and tests.
 *
 * oidc-provider's time is the system clock (it takes no clock), so the stand-in
 * takes none either.
 */
export async function startGoogleStandIn(options: GoogleStandInOptions): Promise<GoogleStandIn> {
  const { host = '127.0.0.1', port = 0, clients = [] } = options;
  for (const client of clients) checkClient(client);
  let listener: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = createServer((req, res) => {
    if (listener) listener(req, res);
    else sendHtml(res, 503, errorPage('Starting', 'The stand-in is starting.'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const signingJwk = {
    ...(await exportJWK(privateKey)),
    alg: 'RS256',
    use: 'sig',
    kid: randomBytes(10).toString('hex'),
  };
  /** Google sub → email, filled at sign-in: `findAccount` only receives the sub. */
  const accounts = new Map<string, string>();
  const storage: AdapterStorage = new Map();

  const provider: Provider = new Provider(url, {
    adapter: createAdapterFactory(storage),
    clients: clients.map(clientMetadata),
    jwks: { keys: [signingJwk] },
    // Signed cookies over plain http: no `secure` flag (oidc-provider sets it only on https requests).
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'picture'],
    },
    // Google puts profile and email claims in the ID token itself.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
    },
    pkce: { required: () => true },
    routes: {
      authorization: '/o/oauth2/v2/auth',
      token: '/token',
      jwks: '/oauth2/v3/certs',
      userinfo: '/v1/userinfo',
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    clientBasedCORS: () => false,
    interactions: {
      policy: interactionPolicy(),
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    async findAccount(_ctx: unknown, sub: string) {
      const email = accounts.get(sub);
      if (!email) return undefined;
      return { accountId: sub, claims: async () => googleClaimsFor(email) };
    },
    // Consent is implied: the grant covers whatever OpenID scopes were asked for.
    async loadExistingGrant(ctx: OidcContext) {
      const { client, session, params, result } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const grant =
        (grantId ? await provider.Grant.find(grantId) : undefined) ??
        new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope(String(params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    async renderError(
      ctx: { type: string; body: string },
      out: { error?: string; error_description?: string },
    ) {
      ctx.type = 'html';
      ctx.body = errorPage(out.error ?? 'error', out.error_description ?? 'The request failed.');
    },
  });
  provider.proxy = false;
  // Only the error's name: messages and Koa's default dump could quote codes or tokens.
  const report = (_ctx: unknown, error: unknown) => {
    process.stderr.write(`google stand-in: server error ${(error as Error)?.name ?? 'unknown'}\n`);
  };
  provider.on('server_error', report);
  provider.on('error', (error: unknown) => report(undefined, error));
  const oidc = provider.callback();

  /**
   * "Use another account" switches the browser's account in place, as Google does.
   * oidc-provider would first end the old session through an auto-submitting logout
   * form (and an end-session endpoint Google does not have); dropping the old session
   * record, and the interaction's tie to it, starts a fresh one instead.
   */
  function forgetSession(interactionUid: string, sessionId: string | undefined): void {
    if (sessionId) storage.delete(`Session:${sessionId}`);
    const session = storage.get(`Interaction:${interactionUid}`)?.payload.session;
    if (session && typeof session === 'object') delete (session as { uid?: unknown }).uid;
  }

  async function interaction(uid: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return sendHtml(res, 400, errorPage('Bad request', 'Interaction mismatch.'));
    const clientId = String(details.params.client_id ?? '');
    const action = `/interaction/${details.uid}`;
    // prompt=select_account with a signed-in account: Google's chooser ("Choose an account"),
    // which also offers "Use another account"; without a session it is the email form.
    const current = details.session?.accountId;
    const currentEmail = current ? accounts.get(current) : undefined;
    const choosing = details.prompt.name === 'select_account' && currentEmail !== undefined;
    const finish = (accountId: string) =>
      provider.interactionFinished(
        req,
        res,
        { login: { accountId }, select_account: {} },
        { mergeWithLastSubmission: false },
      );
    if (req.method === 'GET') {
      const another = new URL(req.url ?? '/', 'http://localhost').searchParams.has('another');
      if (choosing && !another) {
        return sendHtml(
          res,
          200,
          accountChooserPage({ action, clientId, email: currentEmail, anotherHref: `${action}?another=1` }),
        );
      }
      return sendHtml(res, 200, signInPage({ action, clientId }));
    }
    if (req.method !== 'POST') return sendHtml(res, 405, errorPage('Method not allowed', 'Use GET or POST.'));
    const form = await readForm(req);
    const chosen = form.get('account');
    if (chosen !== null) {
      // Only the account signed in here can be picked without typing an email.
      if (!current || chosen !== current) {
        return sendHtml(res, 400, errorPage('Bad request', 'That account is not signed in here.'));
      }
      return finish(current);
    }
    const email = form.get('email')?.trim().toLowerCase() ?? '';
    if (!EMAIL_PATTERN.test(email)) {
      return sendHtml(
        res,
        400,
        signInPage({
          action,
          clientId,
          email,
          error: 'Enter a complete email address, like name@example.com.',
        }),
      );
    }
    const sub = googleSubFor(email);
    accounts.set(sub, email);
    if (current && current !== sub) forgetSession(details.uid, details.session?.cookie);
    await finish(sub);
  }

  listener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = INTERACTION_PATH.exec(path);
    if (!match?.[1]) {
      oidc(req, res);
      return;
    }
    interaction(match[1], req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      // SessionNotFound and friends: an expired or foreign interaction cookie.
      const name = (error as Error)?.name ?? 'Error';
      sendHtml(res, 400, errorPage('Sign-in expired', `Start again from the app (${name}).`));
    });
  };

  return {
    url,
    issuer: url,
    addClient(client) {
      checkClient(client);
      // oidc-provider looks clients it was not started with up through the adapter's Client model.
      storage.set(`Client:${client.client_id}`, {
        payload: clientMetadata(client),
        expiresAt: Number.POSITIVE_INFINITY,
      });
    },
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

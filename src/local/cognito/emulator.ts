import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '../../errors.ts';
import type { UserPoolTriggers } from '../../triggers/types.ts';
import type { EmulatorContext, HostedUiSettings, PoolSettings } from './context.ts';
import { createHostedUiState } from './oauth-state.ts';
import { createStateWriter, loadState, type PersistedState } from './persistence.ts';
import { pruneRefreshRecords, type RefreshRecord } from './refresh-tokens.ts';
import { createRequestListener } from './server.ts';
import { loadTokenKeys } from './tokens.ts';
import { isUserPoolAttribute, STANDARD_ATTRIBUTES, UserPool } from './user-pool.ts';

export interface CognitoEmulatorOptions {
  host?: string;
  port?: number;
  region: string;
  userPoolId: string;
  userPoolName: string;
  clientId: string;
  clientSecret: string;
  clientName: string;
  triggers: UserPoolTriggers;
  /** Load users, signing keys and refresh-token records from this JSON file and save them back (atomic write). */
  dataFile?: string;
  clock?: Clock;
  /** PreventUserExistenceErrors ENABLED (default) or LEGACY. */
  preventUserExistenceErrors?: boolean;
  /** AuthSessionValidity, 3–15 minutes (default 3). */
  authSessionValidityMinutes?: number;
  accessTokenValiditySeconds?: number;
  idTokenValiditySeconds?: number;
  refreshTokenValiditySeconds?: number;
  refreshTokenRotation?: { enabled: boolean; retryGracePeriodSeconds: number };
  /** How long a trigger may take before UnexpectedLambdaException (Cognito: 5 s). */
  triggerTimeoutMs?: number;
  /** Serve the hosted UI (/oauth2/*, /logout) on `url`, federating to `google`. */
  hostedUi?: HostedUiOptions;
  /**
   * `UsernameConfiguration.CaseSensitive` (API: UsernameConfigurationType): true,
   * Cognito's default, unless the pool was created otherwise. The local stack
   * passes the deployed pool's setting (src/cognito/pool-settings.ts).
   */
  caseSensitive?: boolean;
  /**
   * The app client's `WriteAttributes` (API: UserPoolClientType): unset, the
   * standard attributes. Cognito must be able to write every attribute mapped
   * from an IdP at each sign-in through it, or that sign-in fails.
   */
  writeAttributes?: string[];
}

/** The app client's OAuth settings (Cognito: CallbackURLs, LogoutURLs, AllowedOAuthScopes) and the Google IdP. */
export interface HostedUiOptions {
  /** Exact registered redirect_uri values. */
  callbackUrls: string[];
  /** Exact registered logout_uri values. */
  logoutUrls: string[];
  /**
   * Discovery at `${issuer}/.well-known/openid-configuration`. `attributeMapping`
   * is the IdP's AttributeMapping (user pool attribute → Google claim), as
   * configured on the user pool's Google identity provider.
   */
  google?: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    attributeMapping: Record<string, string>;
  };
  /** Default ['openid', 'email', 'profile']. */
  scopes?: string[];
}

const OAUTH_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'];

/** Callback and sign-out URLs: https, or http on localhost only (docs/cognito.md, Hosted UI / OAuth). */
function checkAppUrl(label: string, value: unknown, problems: string[]): void {
  let url: URL | null = null;
  try {
    url = typeof value === 'string' ? new URL(value) : null;
  } catch {
    url = null;
  }
  const ok =
    url !== null &&
    url.hash === '' &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost'));
  if (!ok)
    problems.push(
      `${label} must be an https URL (or http://localhost) without a fragment, got ${String(value)}`,
    );
}

/**
 * The IdP's AttributeMapping (API: CreateIdentityProvider, AttributeMapping):
 * keys are user pool attributes (`isUserPoolAttribute`) and values the IdP's
 * claim names.
 */
function checkAttributeMapping(mapping: unknown, problems: string[]): void {
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    problems.push('hostedUi.google.attributeMapping must map user pool attributes to Google claims');
    return;
  }
  for (const [attribute, claim] of Object.entries(mapping)) {
    if (!isUserPoolAttribute(attribute))
      problems.push(`hostedUi.google.attributeMapping: ${attribute} is not a user pool attribute`);
    if (typeof claim !== 'string' || claim === '') {
      problems.push(`hostedUi.google.attributeMapping.${attribute} must name a Google claim`);
    }
  }
}

function hostedUiFrom(options: HostedUiOptions | undefined, problems: string[]): HostedUiSettings | null {
  if (!options) return null;
  const { callbackUrls, logoutUrls, google, scopes = ['openid', 'email', 'profile'] } = options;
  if (!Array.isArray(callbackUrls) || callbackUrls.length === 0)
    problems.push('hostedUi.callbackUrls must list at least one URL');
  else for (const url of callbackUrls) checkAppUrl('hostedUi.callbackUrls', url, problems);
  if (!Array.isArray(logoutUrls)) problems.push('hostedUi.logoutUrls must be a list');
  else for (const url of logoutUrls) checkAppUrl('hostedUi.logoutUrls', url, problems);
  for (const scope of scopes)
    if (!OAUTH_SCOPES.includes(scope)) problems.push(`hostedUi.scopes: unknown scope ${scope}`);
  if (google) {
    for (const key of ['issuer', 'clientId', 'clientSecret'] as const) {
      if (typeof google[key] !== 'string' || google[key] === '')
        problems.push(`hostedUi.google.${key} must be a non-empty string`);
    }
    if (typeof google.issuer === 'string' && !/^https?:\/\/[^/]/.test(google.issuer)) {
      problems.push(`hostedUi.google.issuer must be an http(s) URL, got ${google.issuer}`);
    }
    checkAttributeMapping(google.attributeMapping, problems);
  }
  return {
    callbackUrls: [...(callbackUrls ?? [])],
    logoutUrls: [...(logoutUrls ?? [])],
    google: google
      ? {
          issuer: google.issuer,
          clientId: google.clientId,
          clientSecret: google.clientSecret,
          attributeMapping: { ...google.attributeMapping },
        }
      : null,
    scopes: [...scopes],
  };
}

export interface CognitoEmulator {
  /** http://127.0.0.1:PORT — the SDK client's `endpoint`. */
  url: string;
  /** `${url}/${userPoolId}`, mirroring https://cognito-idp.<region>.amazonaws.com/<poolId>. */
  issuer: string;
  jwksUri: string;
  /** Calls served since start or the last reset, for benchmarks. */
  counts(): { operations: Record<string, number>; triggers: Record<string, number> };
  resetCounts(): void;
  /** Test hook: usernames as stored. */
  listUsernames(): string[];
  close(): Promise<void>;
}

function settingsFrom(options: CognitoEmulatorOptions): PoolSettings {
  const {
    region,
    userPoolId,
    userPoolName,
    clientId,
    clientSecret,
    clientName,
    preventUserExistenceErrors = true,
    authSessionValidityMinutes = 3,
    accessTokenValiditySeconds = 3600,
    idTokenValiditySeconds = 3600,
    refreshTokenValiditySeconds = 30 * 24 * 3600,
    refreshTokenRotation = { enabled: true, retryGracePeriodSeconds: 0 },
    triggerTimeoutMs = 5000,
    caseSensitive = true,
    writeAttributes = [...STANDARD_ATTRIBUTES],
  } = options;
  const problems: string[] = [];
  for (const [key, value] of Object.entries({
    region,
    userPoolId,
    userPoolName,
    clientId,
    clientSecret,
    clientName,
  })) {
    if (typeof value !== 'string' || value === '') problems.push(`${key} must be a non-empty string`);
  }
  if (typeof userPoolId === 'string' && !userPoolId.startsWith(`${region}_`)) {
    problems.push(`userPoolId must look like ${region}_<id>, got ${userPoolId}`);
  }
  if (!(authSessionValidityMinutes >= 3 && authSessionValidityMinutes <= 15)) {
    problems.push(`authSessionValidityMinutes must be 3–15, got ${authSessionValidityMinutes}`);
  }
  const grace = refreshTokenRotation.retryGracePeriodSeconds;
  if (!(grace >= 0 && grace <= 60)) problems.push(`retryGracePeriodSeconds must be 0–60, got ${grace}`);
  for (const [key, value] of Object.entries({
    accessTokenValiditySeconds,
    idTokenValiditySeconds,
    refreshTokenValiditySeconds,
    triggerTimeoutMs,
  })) {
    if (!(Number.isFinite(value) && value > 0))
      problems.push(`${key} must be a positive number, got ${value}`);
  }
  const hostedUi = hostedUiFrom(options.hostedUi, problems);
  for (const attribute of writeAttributes) {
    if (!isUserPoolAttribute(attribute)) {
      problems.push(`writeAttributes: ${attribute} is not a user pool attribute`);
    }
  }
  if (problems.length > 0) throw new TypeError(`Invalid Cognito emulator options: ${problems.join('; ')}`);
  return {
    region,
    userPoolId,
    userPoolName,
    clientId,
    clientSecret,
    clientName,
    preventUserExistenceErrors,
    authSessionValidityMinutes,
    accessTokenValiditySeconds,
    idTokenValiditySeconds,
    refreshTokenValiditySeconds,
    refreshTokenRotation: { ...refreshTokenRotation },
    triggerTimeoutMs,
    hostedUi,
    caseSensitive,
    writeAttributes: new Set(writeAttributes),
  };
}

/**
 * Starts the local Cognito emulator: one user pool (usernames case-sensitive or
 * not, as configured) with one app client (with a secret, ALLOW_CUSTOM_AUTH), speaking Cognito's
 * JSON 1.1 protocol so the real SDK v3 client works against it, invoking the
 * given trigger modules in process. See docs/cognito.md for the behaviour.
 */
export async function startCognitoEmulator(options: CognitoEmulatorOptions): Promise<CognitoEmulator> {
  const settings = settingsFrom(options);
  const clock = options.clock ?? systemClock;
  const stored = options.dataFile ? await loadState(options.dataFile, settings.userPoolId) : null;
  const ctx: EmulatorContext = {
    settings,
    triggers: options.triggers,
    clock,
    pool: new UserPool(clock, stored?.users ?? [], { caseSensitive: settings.caseSensitive }),
    keys: await loadTokenKeys(stored?.keys),
    refreshTokens: new Map((stored?.refreshTokens ?? []).map((r: RefreshRecord) => [r.id, r])),
    issuer: '',
    counts: { operations: {}, triggers: {} },
    hostedUiState: createHostedUiState(),
  };

  const snapshot = (): PersistedState => {
    pruneRefreshRecords(ctx);
    return {
      version: 1,
      userPoolId: settings.userPoolId,
      keys: ctx.keys.serialized,
      users: ctx.pool.all(),
      refreshTokens: [...ctx.refreshTokens.values()],
    };
  };
  const writer = options.dataFile ? createStateWriter(options.dataFile, snapshot) : null;
  // A new data file gets the freshly generated keys at once, so they survive a restart.
  if (writer && !stored) await writer.save();

  let url = '';
  const server = createServer(
    createRequestListener({ ctx, baseUrl: () => url, afterMutation: async () => writer?.save() }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  ctx.issuer = `${url}/${settings.userPoolId}`;

  return {
    url,
    issuer: ctx.issuer,
    jwksUri: `${ctx.issuer}/.well-known/jwks.json`,
    counts: () => structuredClone(ctx.counts),
    resetCounts() {
      ctx.counts = { operations: {}, triggers: {} };
    },
    listUsernames: () => ctx.pool.all().map((user) => user.username),
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await writer?.flush();
    },
  };
}

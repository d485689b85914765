import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../errors.ts';
import type { UserPoolTriggers } from '../../triggers/types.ts';
import { CognitoServiceError, missingMember } from './errors.ts';
import type { HostedUiState } from './oauth-state.ts';
import type { RefreshRecord } from './refresh-tokens.ts';
import type { TokenKeys } from './tokens.ts';
import type { UserPool } from './user-pool.ts';

/** The app client's hosted-UI settings (Cognito: the app client's OAuth settings and the Google IdP). */
export interface HostedUiSettings {
  callbackUrls: string[];
  logoutUrls: string[];
  google: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    /** The IdP's AttributeMapping: user pool attribute → Google claim. */
    attributeMapping: Record<string, string>;
  } | null;
  scopes: string[];
}

/** The pool and app-client settings, normalised once at start. */
export interface PoolSettings {
  region: string;
  userPoolId: string;
  userPoolName: string;
  clientId: string;
  clientSecret: string;
  clientName: string;
  preventUserExistenceErrors: boolean;
  authSessionValidityMinutes: number;
  accessTokenValiditySeconds: number;
  idTokenValiditySeconds: number;
  refreshTokenValiditySeconds: number;
  refreshTokenRotation: { enabled: boolean; retryGracePeriodSeconds: number };
  triggerTimeoutMs: number;
  /** Null when the emulator was started without `hostedUi`: /oauth2/* and /logout answer 404. */
  hostedUi: HostedUiSettings | null;
  /** `UsernameConfiguration.CaseSensitive` (API: UsernameConfigurationType). */
  caseSensitive: boolean;
  /** The app client's `WriteAttributes` (API: UserPoolClientType). */
  writeAttributes: ReadonlySet<string>;
}

/** Everything an operation handler needs; one per emulator. */
export interface EmulatorContext {
  settings: PoolSettings;
  triggers: UserPoolTriggers;
  clock: Clock;
  pool: UserPool;
  keys: TokenKeys;
  refreshTokens: Map<string, RefreshRecord>;
  /** Set once the server listens: `${url}/${userPoolId}`. */
  issuer: string;
  counts: { operations: Record<string, number>; triggers: Record<string, number> };
  /** Hosted-UI transactions, authorization codes and sessions (memory only, like Cognito's). */
  hostedUiState: HostedUiState;
}

/** The request body as the handlers see it. */
export type OperationInput = Record<string, unknown>;

export function requireString(input: OperationInput, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') throw missingMember(member);
  return value;
}

export function optionalString(input: OperationInput, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw missingMember(member);
  return value;
}

/** A `map<string,string>` member such as AuthParameters or ClientMetadata. */
export function optionalStringMap(input: OperationInput, member: string): Record<string, string> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw missingMember(member);
  for (const entry of Object.values(value)) if (typeof entry !== 'string') throw missingMember(member);
  return value as Record<string, string>;
}

/** Wrong pool id → ResourceNotFoundException (docs/cognito.md, Wire). */
export function assertPool(ctx: EmulatorContext, input: OperationInput): void {
  const id = requireString(input, 'UserPoolId');
  if (id !== ctx.settings.userPoolId) {
    throw new CognitoServiceError('ResourceNotFoundException', `User pool ${id} does not exist.`);
  }
}

/** Wrong app client id → ResourceNotFoundException. */
export function assertClient(ctx: EmulatorContext, input: OperationInput): void {
  const id = requireString(input, 'ClientId');
  if (id !== ctx.settings.clientId) {
    throw new CognitoServiceError('ResourceNotFoundException', `User pool client ${id} does not exist.`);
  }
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const nowSeconds = (ctx: EmulatorContext) => Math.floor(ctx.clock() / 1000);

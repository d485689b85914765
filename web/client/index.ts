// expenser-auth browser client: import from 'web/client/index.ts' (bundle with
// esbuild or any bundler). No token ever reaches script: sessions live in
// HttpOnly cookies; only the CSRF token is held, in memory.
export {
  type AuthClient,
  type AuthClientOptions,
  createAuthClient,
  type SignUpInput,
  type SignUpVerifyInput,
} from './client.ts';
export {
  type ApiErrorCode,
  type ClientErrorCode,
  ExpenserAuthError,
  type ExpenserAuthErrorCode,
} from './errors.ts';
export {
  signalAllAcceptedCredentials,
  signalCurrentUserDetails,
  signalUnknownCredential,
} from './signals.ts';
export type { Me, Passkey, SessionInfo, SessionListItem, User } from './types.ts';

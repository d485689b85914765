/**
 * User pool settings the deployed stack (infra/construct/user-pool.ts) and the
 * local emulator (src/local/stack.ts) must share, so that the emulator models
 * the pool the stack creates.
 */

/**
 * `UsernameConfiguration.CaseSensitive`: false, so `User@Example.com` and
 * `user@example.com` are one user, as the service treats them. Cognito's own
 * default is case-sensitive, and the setting cannot change once the pool
 * exists (API: UsernameConfigurationType,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html).
 */
export const USERNAMES_CASE_SENSITIVE = false;

import { createHmac } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminLinkProviderForUserCommand,
  AdminRespondToAuthChallengeCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  ListUsersCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CustomAuthRejectedError,
  LinkRejectedError,
  RefreshRejectedError,
  RevokeRejectedError,
  UnlinkRejectedError,
  UserExistsError,
} from './errors.ts';
import { googleAttributesOf } from './google-attributes.ts';
import { linkedGoogleSubs } from './google-identities.ts';
import type { CognitoAdapter, CognitoTokens, CognitoUser } from './types.ts';

export interface CognitoAdapterOptions {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  clientId: string;
  clientSecret: string;
}

/**
 * SECRET_HASH for an app client with a secret (DG: signing-up-users-in-your-app,
 * "Computing secret hash values"): Base64(HMAC-SHA256(key = client secret,
 * message = username + client id)).
 */
export function computeSecretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}

/** Exception names that mean "Cognito said no to this sign-in", as opposed to a fault. */
const SIGN_IN_REFUSALS = new Set([
  'NotAuthorizedException',
  'CodeMismatchException',
  'ExpiredCodeException',
  'UserNotFoundException',
  'UserNotConfirmedException',
  'PasswordResetRequiredException',
]);

const REFRESH_REFUSALS = new Set([
  'NotAuthorizedException',
  'RefreshTokenReuseException',
  'UserNotFoundException',
]);

/**
 * RevokeToken's refusals. `NotAuthorizedException` (a bad client secret, a token of another
 * client) is not among the errors the operation's model and API reference (API: RevokeToken)
 * list, yet Cognito answers with it. Depending on the SDK, such an error arrives as the
 * service's class of that name or as its generic service exception named after the `__type`;
 * `name` is right for both, so errors are told apart by name, never by `instanceof` or by
 * their message (Cognito's descriptions are not fixed strings).
 */
const REVOKE_REFUSALS = new Set([
  'NotAuthorizedException',
  'UnauthorizedException',
  'UnsupportedTokenTypeException',
  'InvalidParameterException',
]);

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function toUser(input: {
  Username?: string;
  Attributes?: AttributeType[];
  Enabled?: boolean;
  UserStatus?: string;
  UserCreateDate?: Date;
}): CognitoUser {
  const attributes: Record<string, string> = {};
  for (const { Name, Value } of input.Attributes ?? []) {
    if (Name !== undefined) attributes[Name] = Value ?? '';
  }
  return {
    username: input.Username ?? '',
    sub: attributes.sub ?? '',
    enabled: input.Enabled ?? false,
    status: input.UserStatus ?? '',
    attributes,
    createdAt: input.UserCreateDate instanceof Date ? input.UserCreateDate.getTime() : null,
  };
}

function attributeList(attributes: Record<string, string>): AttributeType[] {
  return Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
}

function toTokens(result: AuthenticationResultType | undefined): CognitoTokens {
  if (!result?.AccessToken || !result.IdToken) {
    throw new Error('Cognito returned no tokens where tokens were expected');
  }
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken,
    expiresInSeconds: result.ExpiresIn ?? 3600,
  };
}

/**
 * The production Cognito adapter over SDK v3. Locally the same adapter talks to
 * the emulator (the client is built with its `endpoint`). SDK errors that mean a
 * refusal are translated into `src/cognito/errors.ts`; the rest are rethrown.
 */
export function createCognitoAdapter(options: CognitoAdapterOptions): CognitoAdapter {
  const { client, userPoolId, clientId, clientSecret } = options;
  const secretHash = (username: string) => computeSecretHash(username, clientId, clientSecret);

  async function getUser(username: string): Promise<CognitoUser | null> {
    try {
      const out = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
      return toUser({ ...out, Attributes: out.UserAttributes });
    } catch (error) {
      if (errorName(error) === 'UserNotFoundException') return null;
      throw error;
    }
  }

  return {
    async createUser({ username, email, emailVerified, name, google }) {
      const attributes: AttributeType[] = email
        ? [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: emailVerified ? 'true' : 'false' },
          ]
        : [];
      if (name !== undefined) attributes.push({ Name: 'name', Value: name });
      if (google) attributes.push(...attributeList(googleAttributesOf(google)));
      try {
        const out = await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: username,
            MessageAction: 'SUPPRESS',
            UserAttributes: attributes,
          }),
        );
        return toUser(out.User ?? {});
      } catch (error) {
        if (errorName(error) === 'UsernameExistsException') throw new UserExistsError({ cause: error });
        throw error;
      }
    },

    async deleteUser(username) {
      try {
        await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
      } catch (error) {
        if (errorName(error) === 'UserNotFoundException') return;
        throw error;
      }
    },

    getUser,

    async signInWithCustomChallenge({ username, answer }) {
      try {
        const started = await client.send(
          new AdminInitiateAuthCommand({
            UserPoolId: userPoolId,
            ClientId: clientId,
            AuthFlow: 'CUSTOM_AUTH',
            AuthParameters: { USERNAME: username, SECRET_HASH: secretHash(username) },
          }),
        );
        if (started.AuthenticationResult) return toTokens(started.AuthenticationResult);
        if (started.ChallengeName !== 'CUSTOM_CHALLENGE' || !started.Session)
          throw new CustomAuthRejectedError();
        // API: AdminInitiateAuth — ChallengeParameters.USERNAME is the real username;
        // the response and its SECRET_HASH must use it.
        const realUsername = started.ChallengeParameters?.USERNAME ?? username;
        const answered = await client.send(
          new AdminRespondToAuthChallengeCommand({
            UserPoolId: userPoolId,
            ClientId: clientId,
            ChallengeName: 'CUSTOM_CHALLENGE',
            Session: started.Session,
            ChallengeResponses: {
              USERNAME: realUsername,
              ANSWER: answer,
              SECRET_HASH: secretHash(realUsername),
            },
          }),
        );
        // One round only: a further challenge means the answer was not accepted.
        if (!answered.AuthenticationResult) throw new CustomAuthRejectedError();
        return toTokens(answered.AuthenticationResult);
      } catch (error) {
        if (error instanceof CustomAuthRejectedError) throw error;
        if (SIGN_IN_REFUSALS.has(errorName(error) ?? '')) throw new CustomAuthRejectedError({ cause: error });
        throw error;
      }
    },

    async refresh(refreshToken) {
      try {
        const out = await client.send(
          new GetTokensFromRefreshTokenCommand({
            RefreshToken: refreshToken,
            ClientId: clientId,
            ClientSecret: clientSecret,
          }),
        );
        return toTokens(out.AuthenticationResult);
      } catch (error) {
        if (REFRESH_REFUSALS.has(errorName(error) ?? '')) throw new RefreshRejectedError({ cause: error });
        throw error;
      }
    },

    async revoke(refreshToken) {
      try {
        await client.send(
          new RevokeTokenCommand({ Token: refreshToken, ClientId: clientId, ClientSecret: clientSecret }),
        );
      } catch (error) {
        if (REVOKE_REFUSALS.has(errorName(error) ?? '')) throw new RevokeRejectedError({ cause: error });
        throw error;
      }
    },

    async globalSignOut(username) {
      try {
        await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username }));
      } catch (error) {
        // A deleted user has no refresh token left to revoke.
        if (errorName(error) === 'UserNotFoundException') return;
        throw error;
      }
    },

    async setVerifiedEmail(username, email) {
      // Both in one call: AdminUpdateUserAttributes marks a changed email unverified unless
      // email_verified is set with it (DG: user-pool-settings-attributes).
      await client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: userPoolId,
          Username: username,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
    },

    async setGoogleAttributes(username, google) {
      await client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: userPoolId,
          Username: username,
          UserAttributes: attributeList(googleAttributesOf(google)),
        }),
      );
    },

    async findUsersByEmail(email) {
      // The filter value is quoted; a quote or backslash cannot be in a valid email we would look up.
      if (/["\\]/.test(email)) return [];
      const users: CognitoUser[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListUsersCommand({
            UserPoolId: userPoolId,
            Filter: `email = "${email}"`,
            Limit: 60,
            ...(token ? { PaginationToken: token } : {}),
          }),
        );
        for (const user of out.Users ?? []) users.push(toUser(user));
        token = out.PaginationToken;
      } while (token && users.length < 60);
      return users;
    },

    async linkGoogle(username, googleSub) {
      try {
        await client.send(
          new AdminLinkProviderForUserCommand({
            UserPoolId: userPoolId,
            DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
            SourceUser: {
              ProviderName: 'Google',
              ProviderAttributeName: 'Cognito_Subject',
              ProviderAttributeValue: googleSub,
            },
          }),
        );
      } catch (error) {
        const name = errorName(error) ?? '';
        if (name === 'InvalidParameterException' || name === 'LimitExceededException')
          throw new LinkRejectedError({ cause: error });
        throw error;
      }
    },

    async unlinkGoogle(username, googleSub) {
      // AdminDisableProviderForUser names only the identity; reading the user first makes
      // sure the call removes this user's own link and never anybody else's.
      const user = await getUser(username);
      if (!user || !linkedGoogleSubs(user.attributes.identities).includes(googleSub)) return;
      if (user.status === 'EXTERNAL_PROVIDER') throw new UnlinkRejectedError();
      try {
        await client.send(
          new AdminDisableProviderForUserCommand({
            UserPoolId: userPoolId,
            User: {
              ProviderName: 'Google',
              ProviderAttributeName: 'Cognito_Subject',
              ProviderAttributeValue: googleSub,
            },
          }),
        );
      } catch (error) {
        const name = errorName(error) ?? '';
        // Gone in between: nothing left to unlink.
        if (name === 'UserNotFoundException') return;
        if (name === 'InvalidParameterException') throw new UnlinkRejectedError({ cause: error });
        throw error;
      }
    },
  };
}

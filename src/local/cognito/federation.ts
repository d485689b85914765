import type { PreSignUpEvent } from '../../triggers/types.ts';
import type { EmulatorContext } from './context.ts';
import { CognitoServiceError, MESSAGES } from './errors.ts';
import { FederationError, type GoogleIdentity } from './google-client.ts';
import { eventBase, invokeTrigger } from './triggers.ts';
import type { StoredUser } from './user-pool.ts';

/** One entry of the `identities` attribute (DG: cognito-user-pools-identity-federation-consolidate-users). */
export interface IdentityEntry {
  userId: string;
  providerName: string;
  providerType: string;
  issuer: null;
  primary: boolean;
  /** Milliseconds. */
  dateCreated: number;
}

export const GOOGLE = 'Google';
/** At most five federated identities per user (API: AdminLinkProviderForUser). */
export const MAX_LINKED_IDENTITIES = 5;

/**
 * `<Provider>_<sub>`, e.g. `Google_<sub>`. In a case-insensitive pool Cognito
 * stores and reports it lower-cased, `google_<sub>`, while the `identities`
 * entry keeps `Google` (docs/cognito.md, Hosted UI / OAuth: observed). Lookups
 * compare usernames as the pool does (`UserPool.find`).
 */
export function federatedUsername(ctx: EmulatorContext, providerName: string, sub: string): string {
  return `${ctx.pool.caseSensitive ? providerName : providerName.toLowerCase()}_${sub}`;
}

export function readIdentities(user: StoredUser): IdentityEntry[] {
  const raw = user.attributes.identities;
  if (!raw) return [];
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? (list as IdentityEntry[]) : [];
  } catch {
    return [];
  }
}

export function writeIdentities(user: StoredUser, identities: IdentityEntry[], now: number): void {
  const next = { ...user.attributes };
  if (identities.length === 0) delete next.identities;
  else next.identities = JSON.stringify(identities);
  user.attributes = next;
  user.modifiedAt = now;
}

/** The user a provider identity was linked to with AdminLinkProviderForUser, if any. */
export function findLinkedUser(
  ctx: EmulatorContext,
  providerName: string,
  sub: string,
): StoredUser | undefined {
  const federated = federatedUsername(ctx, providerName, sub);
  return ctx.pool
    .all()
    .find(
      (user) =>
        !ctx.pool.sameUsername(user.username, federated) &&
        readIdentities(user).some((i) => i.providerName === providerName && i.userId === sub),
    );
}

/**
 * Google claims → user attributes through the IdP's AttributeMapping (DG:
 * cognito-user-pools-specifying-attribute-mapping). Attribute values are
 * strings, so a boolean claim becomes "true"/"false"; a claim Google did not
 * send leaves its attribute out. A standard `email` mapped without
 * `email_verified` is stored unverified.
 */
function mappedAttributes(identity: GoogleIdentity, mapping: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [attribute, claim] of Object.entries(mapping)) {
    const value = identity.claims[claim];
    if (typeof value === 'string' && value !== '') out[attribute] = value;
    else if (typeof value === 'boolean' || typeof value === 'number') out[attribute] = String(value);
  }
  if (out.email !== undefined && !('email_verified' in mapping)) out.email_verified = 'false';
  return out;
}

/**
 * Writes the mapped attributes over the user's: Cognito "updates the mapped
 * attributes with the latest information from the identity provider ... each
 * mapped attribute, even if its current value already matches" at every
 * sign-in through the IdP (DG: cognito-user-pools-specifying-attribute-mapping,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html).
 */
function rewriteMapped(ctx: EmulatorContext, user: StoredUser, attributes: Record<string, string>): void {
  user.attributes = { ...user.attributes, ...attributes };
  user.modifiedAt = ctx.clock();
}

/**
 * Every mapped attribute must be writable by the app client: "If your app
 * client does not have write access to a mapped attribute, Amazon Cognito
 * throws an error when it tries to update the attribute" (API:
 * UserPoolClientType, WriteAttributes,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
 * The hosted UI's error code and text for it are not documented: the emulator
 * answers `invalid_request` [inferred].
 */
function assertMappedWritable(ctx: EmulatorContext, mapping: Record<string, string>): void {
  const unwritable = Object.keys(mapping).filter((attribute) => !ctx.settings.writeAttributes.has(attribute));
  if (unwritable.length > 0) {
    throw new FederationError(
      'invalid_request',
      `The app client cannot write the mapped attributes ${unwritable.join(', ')}`,
    );
  }
}

function assertCanSignIn(user: StoredUser): StoredUser {
  if (!user.enabled) throw new FederationError('invalid_request', MESSAGES.userDisabled);
  return user;
}

/**
 * The user a verified Google identity signs in as: the user it was linked to
 * ("When the user signs in with a federated user identity, they sign in as
 * the existing user account", API: AdminLinkProviderForUser), else its
 * federated user, else a new federated user (EXTERNAL_PROVIDER), after
 * PreSignUp_ExternalProvider. The mapped attributes are written at every
 * sign-in (`rewriteMapped`), on the linked native user too (amplify-js#7300),
 * and only if the app client may write each of them (`assertMappedWritable`).
 * Attributes that are not mapped — with this project's mapping the standard
 * email of a linked user — are left alone, and a new federated user gets only
 * mapped ones (no standard email unless `email` is mapped). A trigger throw
 * becomes `invalid_request` "PreSignUp failed with error <message>.".
 *
 * What Cognito does when the trigger links this very identity to another user
 * during its own call is not documented (amplify-flutter#1716 reported the
 * sign-in failing, amplify-swift#2226 reported that fixed in 2023). The
 * emulator fails that sign-in, so that nothing comes to rely on either.
 */
export async function signInWithGoogle(
  ctx: EmulatorContext,
  identity: GoogleIdentity,
  clientId: string,
): Promise<StoredUser> {
  const mapping = ctx.settings.hostedUi?.google?.attributeMapping ?? {};
  assertMappedWritable(ctx, mapping);
  const attributes = mappedAttributes(identity, mapping);
  const linked = findLinkedUser(ctx, GOOGLE, identity.sub);
  if (linked) {
    assertCanSignIn(linked);
    rewriteMapped(ctx, linked, attributes);
    return linked;
  }

  const username = federatedUsername(ctx, GOOGLE, identity.sub);
  const existing = ctx.pool.find(username);
  if (existing) {
    assertCanSignIn(existing);
    rewriteMapped(ctx, existing, attributes);
    return existing;
  }

  if (ctx.triggers.preSignUp) {
    try {
      await invokeTrigger<PreSignUpEvent>(ctx, 'PreSignUp', ctx.triggers.preSignUp, {
        ...eventBase(ctx, 'PreSignUp_ExternalProvider', username, clientId),
        request: { userAttributes: { ...attributes } },
        response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      });
    } catch (error) {
      if (error instanceof CognitoServiceError) throw new FederationError('invalid_request', error.message);
      throw error;
    }
  }
  if (findLinkedUser(ctx, GOOGLE, identity.sub) || ctx.pool.find(username)) {
    throw new FederationError(
      'invalid_request',
      `The emulator does not model a link made during PreSignUp (undocumented) for ${username}`,
    );
  }
  const user = ctx.pool.create(username, attributes, 'EXTERNAL_PROVIDER');
  writeIdentities(
    user,
    [
      {
        userId: identity.sub,
        providerName: GOOGLE,
        providerType: GOOGLE,
        issuer: null,
        primary: true,
        dateCreated: ctx.clock(),
      },
    ],
    ctx.clock(),
  );
  return user;
}

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
 * `<Provider>_<sub>`. In a case-insensitive pool (this one) Cognito stores and
 * reports it lower-cased, `google_<sub>`, while the `identities` entry keeps
 * `Google` (COGNITO.md, Hosted UI / OAuth: observed). Lookups are case-insensitive.
 */
export function federatedUsername(providerName: string, sub: string): string {
  return `${providerName.toLowerCase()}_${sub}`;
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
  const federated = federatedUsername(providerName, sub).toLowerCase();
  return ctx.pool
    .all()
    .find(
      (user) =>
        user.username.toLowerCase() !== federated &&
        readIdentities(user).some((i) => i.providerName === providerName && i.userId === sub),
    );
}

/** Google claims → user attributes: email, email_verified, name, picture (rewritten at each sign-in). */
function mappedAttributes(identity: GoogleIdentity): Record<string, string> {
  const out: Record<string, string> = {};
  if (identity.email !== undefined) out.email = identity.email;
  // A mapped email is unverified unless email_verified is mapped too (COGNITO.md).
  if (identity.email !== undefined) out.email_verified = identity.emailVerified === true ? 'true' : 'false';
  if (identity.name !== undefined) out.name = identity.name;
  if (identity.picture !== undefined) out.picture = identity.picture;
  return out;
}

function assertCanSignIn(user: StoredUser): StoredUser {
  if (!user.enabled) throw new FederationError('invalid_request', MESSAGES.userDisabled);
  return user;
}

/**
 * The user a verified Google identity signs in as: the user it was linked to
 * (attributes left alone [inferred]); else its federated user, with the mapped
 * attributes rewritten; else a new federated user (EXTERNAL_PROVIDER), after
 * PreSignUp_ExternalProvider. A trigger throw becomes `invalid_request`
 * "PreSignUp failed with error <message>."; a trigger that links this identity
 * to another user during its own call gets "Already found an entry for
 * username" (amplify-flutter#1716): the next sign-in lands on the linked user.
 */
export async function signInWithGoogle(
  ctx: EmulatorContext,
  identity: GoogleIdentity,
  clientId: string,
): Promise<StoredUser> {
  const linked = findLinkedUser(ctx, GOOGLE, identity.sub);
  if (linked) return assertCanSignIn(linked);

  const username = federatedUsername(GOOGLE, identity.sub);
  const attributes = mappedAttributes(identity);
  const existing = ctx.pool.find(username);
  if (existing) {
    existing.attributes = { ...existing.attributes, ...attributes };
    existing.modifiedAt = ctx.clock();
    return assertCanSignIn(existing);
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
    throw new FederationError('invalid_request', `Already found an entry for username ${username}`);
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

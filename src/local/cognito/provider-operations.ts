import { assertPool, type EmulatorContext, type OperationInput } from './context.ts';
import { CognitoServiceError, invalidParameter, missingMember, userNotFound } from './errors.ts';
import {
  federatedUsername,
  findLinkedUser,
  GOOGLE,
  MAX_LINKED_IDENTITIES,
  readIdentities,
  writeIdentities,
} from './federation.ts';
import type { OperationHandler } from './user-operations.ts';

interface ProviderUser {
  ProviderName: string;
  ProviderAttributeName?: string;
  ProviderAttributeValue: string;
}

/** ProviderUserIdentifierType (API: AdminLinkProviderForUser). */
function providerUser(input: OperationInput, member: string): ProviderUser {
  const value = input[member] as Record<string, unknown> | undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw missingMember(member);
  const { ProviderName, ProviderAttributeName, ProviderAttributeValue } = value;
  if (typeof ProviderName !== 'string' || ProviderName === '') throw missingMember(`${member}.ProviderName`);
  if (typeof ProviderAttributeValue !== 'string' || ProviderAttributeValue === '') {
    throw missingMember(`${member}.ProviderAttributeValue`);
  }
  if (ProviderAttributeName !== undefined && typeof ProviderAttributeName !== 'string') {
    throw missingMember(`${member}.ProviderAttributeName`);
  }
  return { ProviderName, ProviderAttributeName, ProviderAttributeValue };
}

/** The emulator federates with Google only, matched on the IdP's subject. */
function googleSubject(ctx: EmulatorContext, source: ProviderUser): string {
  if (source.ProviderName !== GOOGLE || !ctx.settings.hostedUi?.google) {
    throw invalidParameter(
      `Provider ${source.ProviderName} does not exist for User Pool ${ctx.settings.userPoolId}`,
    );
  }
  if (source.ProviderAttributeName !== 'Cognito_Subject') {
    throw invalidParameter('The emulator links on ProviderAttributeName Cognito_Subject only.');
  }
  return source.ProviderAttributeValue;
}

const MERGING =
  'Merging is not currently supported, provide a SourceUser that has not been used to sign into the user pool.';

/**
 * API: AdminLinkProviderForUser. The destination is a native user named by
 * username; the source is a Google subject that has not signed in yet (its
 * federated user would have to be merged, which Cognito refuses). At most five
 * identities per user. Re-linking the same pair is a no-op; a subject linked to
 * a different user is refused [inferred].
 */
const adminLinkProviderForUser: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  const destination = providerUser(input, 'DestinationUser');
  const source = providerUser(input, 'SourceUser');
  if (destination.ProviderName !== 'Cognito') {
    throw invalidParameter('DestinationUser ProviderName must be Cognito.');
  }
  const sub = googleSubject(ctx, source);
  const user = ctx.pool.find(destination.ProviderAttributeValue);
  if (!user) throw userNotFound();
  if (user.status === 'EXTERNAL_PROVIDER') {
    throw invalidParameter('DestinationUser cannot be a federated user.');
  }
  if (ctx.pool.find(federatedUsername(ctx, GOOGLE, sub))) throw invalidParameter(MERGING);
  const owner = findLinkedUser(ctx, GOOGLE, sub);
  if (owner === user) return {};
  if (owner) throw invalidParameter('The SourceUser is already linked to another user.');
  const identities = readIdentities(user);
  if (identities.length >= MAX_LINKED_IDENTITIES) {
    throw new CognitoServiceError(
      'LimitExceededException',
      `A user can have at most ${MAX_LINKED_IDENTITIES} linked identities.`,
    );
  }
  identities.push({
    userId: sub,
    providerName: GOOGLE,
    providerType: GOOGLE,
    issuer: null,
    primary: false,
    dateCreated: ctx.clock(),
  });
  writeIdentities(user, identities, ctx.clock());
  return {};
};

/**
 * API: AdminDisableProviderForUser. For a Google identity linked to a user
 * (`User` = {ProviderName: Google, ProviderAttributeName: Cognito_Subject,
 * ProviderAttributeValue: <sub>}, the same values as the link's SourceUser),
 * the link is removed: the entry leaves the destination user's `identities`
 * attribute, and when the identity signs in again it no longer reaches that
 * user but has to become a new user (a new federated user, after
 * PreSignUp_ExternalProvider). The former destination keeps its other
 * attributes, Google's mapped ones included [inferred]. A federated Google user
 * of its own can no longer sign in with Google: the emulator disables it
 * [inferred]. An identity neither linked nor signed in is a no-op [inferred].
 */
const adminDisableProviderForUser: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  const sub = googleSubject(ctx, providerUser(input, 'User'));
  const linked = findLinkedUser(ctx, GOOGLE, sub);
  if (linked) {
    const rest = readIdentities(linked).filter((i) => !(i.providerName === GOOGLE && i.userId === sub));
    writeIdentities(linked, rest, ctx.clock());
  }
  const federated = ctx.pool.find(federatedUsername(ctx, GOOGLE, sub));
  if (federated) ctx.pool.setEnabled(federated.username, false);
  return {};
};

export const providerOperations: Record<string, OperationHandler> = {
  AdminLinkProviderForUser: adminLinkProviderForUser,
  AdminDisableProviderForUser: adminDisableProviderForUser,
};

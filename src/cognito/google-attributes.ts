/**
 * Where Google's claims land in the user pool. Cognito writes every mapped
 * attribute again at each sign-in through Google, also on a native user the
 * Google identity is linked to (API: UserPoolClientType "WriteAttributes";
 * amplify-js#7300), and the app client must be allowed to write every mapped
 * attribute. Mapping Google's email onto the standard `email` would therefore
 * let Google overwrite the email (and its verified flag) of a passkey account
 * the moment it links Google. So Google's values live in custom attributes of
 * their own, and the standard `email`/`email_verified`/`name`/`picture` stay the
 * service's: no app client may write `email` or `email_verified`.
 *
 * Name and picture are kept apart for the same reason: a passkey account's
 * `name` is the display name its owner chose at sign-up, which a linked Google
 * account would otherwise replace at every Google sign-in.
 *
 * A user could write these custom attributes with their own access token
 * (they have to be writable by the client; the API never hands its tokens
 * out, but still), so on a native user they are display data only. The one
 * place that decides from them is a Google identity's first sign-in
 * (src/oauth/adopt-google-identity.ts), and it reads them only from the ID
 * token the hosted UI has just issued for the identity's own federated user,
 * into which Cognito copied them from Google's ID token at that very sign-in.
 *
 * Custom attribute names are at most 20 characters without the `custom:`
 * prefix (API: SchemaAttributeType, `Name` is a CustomAttributeNameType of
 * length 1–20), hence `google_verified` rather than `google_email_verified`.
 */
export const GOOGLE_EMAIL_ATTRIBUTE = 'custom:google_email';
/** Google's `email_verified`, as the string "true" or "false". */
export const GOOGLE_EMAIL_VERIFIED_ATTRIBUTE = 'custom:google_verified';
export const GOOGLE_NAME_ATTRIBUTE = 'custom:google_name';
export const GOOGLE_PICTURE_ATTRIBUTE = 'custom:google_picture';

/** User pool attribute → Google claim: the Google IdP's `AttributeMapping`, in AWS and locally. */
export const GOOGLE_ATTRIBUTE_MAPPING: Readonly<Record<string, string>> = Object.freeze({
  [GOOGLE_EMAIL_ATTRIBUTE]: 'email',
  [GOOGLE_EMAIL_VERIFIED_ATTRIBUTE]: 'email_verified',
  [GOOGLE_NAME_ATTRIBUTE]: 'name',
  [GOOGLE_PICTURE_ATTRIBUTE]: 'picture',
});

/**
 * The app client's `WriteAttributes`: exactly the attributes Google is mapped
 * to, which Cognito requires of mapped attributes (API: UserPoolClientType,
 * "WriteAttributes"); never `email` or `email_verified`, which only the
 * service writes. The CDK client and the local emulator's client both use it.
 */
export const APP_CLIENT_WRITE_ATTRIBUTES: readonly string[] = Object.freeze(
  Object.keys(GOOGLE_ATTRIBUTE_MAPPING),
);

/** The custom attributes the pool declares for Google, without the `custom:` prefix. */
export const GOOGLE_CUSTOM_ATTRIBUTE_NAMES: readonly string[] = Object.keys(GOOGLE_ATTRIBUTE_MAPPING).map(
  (name) => name.slice('custom:'.length),
);

/** What Google said of a person at a sign-in, as the mapped custom attributes hold it. */
export interface GoogleProfile {
  email: string;
  emailVerified: boolean;
  name?: string;
  picture?: string;
}

/**
 * `profile` as the custom attributes Cognito's mapping writes at a Google
 * sign-in: the service writes the same values when it creates or links a
 * native user, so that the first session already shows them; every later
 * Google sign-in rewrites them (DG: cognito-user-pools-specifying-attribute-mapping).
 */
export function googleAttributesOf(profile: GoogleProfile): Record<string, string> {
  return {
    ...(profile.email ? { [GOOGLE_EMAIL_ATTRIBUTE]: profile.email } : {}),
    [GOOGLE_EMAIL_VERIFIED_ATTRIBUTE]: profile.emailVerified ? 'true' : 'false',
    ...(profile.name ? { [GOOGLE_NAME_ATTRIBUTE]: profile.name } : {}),
    ...(profile.picture ? { [GOOGLE_PICTURE_ATTRIBUTE]: profile.picture } : {}),
  };
}

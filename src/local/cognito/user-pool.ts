import { randomUUID } from 'node:crypto';
import type { Clock } from '../../errors.ts';
import { CognitoServiceError, invalidParameter, userNotFound } from './errors.ts';

/** A user as the emulator stores it. Attribute values are strings, as in Cognito. */
export interface StoredUser {
  username: string;
  sub: string;
  enabled: boolean;
  /** UNCONFIRMED | CONFIRMED | FORCE_CHANGE_PASSWORD | EXTERNAL_PROVIDER | ... */
  status: string;
  attributes: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
}

export interface WireAttribute {
  Name: string;
  Value: string;
}

/** Standard attributes (DG: user-pool-settings-attributes); `custom:*` are accepted as well. */
export const STANDARD_ATTRIBUTES: ReadonlySet<string> = new Set([
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
]);

/**
 * Whether `name` can be a user pool attribute in the pool's configuration: a
 * standard one, or `custom:<name>` with a name of 1–20 characters (API:
 * SchemaAttributeType, `Name`).
 */
export function isUserPoolAttribute(name: string): boolean {
  return STANDARD_ATTRIBUTES.has(name) || /^custom:.{1,20}$/u.test(name);
}

/** ListUsers filterable attributes (API: ListUsers, "Filter"). */
const FILTERABLE: Record<string, (user: StoredUser) => string | undefined> = {
  username: (u) => u.username,
  sub: (u) => u.sub,
  status: (u) => (u.enabled ? 'Enabled' : 'Disabled'),
  'cognito:user_status': (u) => u.status,
  email: (u) => u.attributes.email,
  phone_number: (u) => u.attributes.phone_number,
  name: (u) => u.attributes.name,
  given_name: (u) => u.attributes.given_name,
  family_name: (u) => u.attributes.family_name,
  preferred_username: (u) => u.attributes.preferred_username,
};

const USERNAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

/** Validates and flattens `[{Name, Value}]` into a record, rejecting what Cognito rejects. */
export function parseAttributes(
  list: unknown,
  { allowBlank }: { allowBlank: boolean },
): Record<string, string> {
  if (list === undefined) return {};
  if (!Array.isArray(list)) throw invalidParameter('Attributes must be a list of {Name, Value}.');
  const out: Record<string, string> = {};
  for (const item of list) {
    const name = (item as { Name?: unknown })?.Name;
    const value = (item as { Value?: unknown })?.Value ?? '';
    if (typeof name !== 'string' || typeof value !== 'string') {
      throw invalidParameter('Attributes must be a list of {Name, Value} strings.');
    }
    if (name === 'sub') throw invalidParameter('Cannot modify the non-mutable attribute sub.');
    if (!STANDARD_ATTRIBUTES.has(name) && !name.startsWith('custom:')) {
      throw invalidParameter(`Attribute does not exist in the schema: ${name}.`);
    }
    if (value === '' && !allowBlank) continue;
    if (name === 'email' && value !== '' && !EMAIL_PATTERN.test(value)) {
      throw invalidParameter('Invalid email address format.');
    }
    if (
      (name === 'email_verified' || name === 'phone_number_verified') &&
      !['true', 'false', ''].includes(value)
    ) {
      throw invalidParameter(`Invalid value for ${name}: expected "true" or "false".`);
    }
    out[name] = value;
  }
  return out;
}

/** `email = "x"` or `email ^= "x"` (API: ListUsers). */
function parseFilter(filter: string): { attribute: string; prefix: boolean; value: string } {
  const match = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  const attribute = match?.[1];
  if (!match || attribute === undefined || !(attribute in FILTERABLE)) {
    throw invalidParameter('Error while parsing filter.');
  }
  return { attribute, prefix: match[2] === '^=', value: (match[3] ?? '').replace(/\\(.)/g, '$1') };
}

/**
 * The users of one pool; `sub` is a random UUID. Usernames are kept as given
 * and compared as the pool's `UsernameConfiguration.CaseSensitive` says (API:
 * UsernameConfigurationType,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html):
 * case-sensitive, Cognito's default, users must give the exact capitalization
 * and `Bob` and `bob` are two users; case-insensitive, any capitalization
 * names the same user.
 */
export class UserPool {
  readonly #users = new Map<string, StoredUser>();
  readonly #clock: Clock;
  readonly caseSensitive: boolean;

  constructor(clock: Clock, users: StoredUser[] = [], options: { caseSensitive?: boolean } = {}) {
    this.#clock = clock;
    this.caseSensitive = options.caseSensitive ?? true;
    for (const user of users) this.#users.set(this.#key(user.username), user);
  }

  /** The map key of a username: itself, or lower-cased in a case-insensitive pool. */
  #key(username: string): string {
    return this.caseSensitive ? username : username.toLowerCase();
  }

  /** Whether two usernames name the same user in this pool. */
  sameUsername(a: string, b: string): boolean {
    return this.#key(a) === this.#key(b);
  }

  all(): StoredUser[] {
    return [...this.#users.values()];
  }

  /** By username (as the pool compares them) or by `sub` (API: AdminGetUser accepts either). */
  find(usernameOrSub: string): StoredUser | undefined {
    const byName = this.#users.get(this.#key(usernameOrSub));
    if (byName) return byName;
    for (const user of this.#users.values()) if (user.sub === usernameOrSub) return user;
    return undefined;
  }

  /** Like `find`, but `UserNotFoundException` "User does not exist." when absent. */
  get(usernameOrSub: string): StoredUser {
    const user = this.find(usernameOrSub);
    if (!user) throw userNotFound();
    return user;
  }

  assertCreatable(username: string): void {
    if (!USERNAME_PATTERN.test(username)) {
      throw invalidParameter(
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
      );
    }
    if (this.#users.has(this.#key(username))) {
      throw new CognitoServiceError('UsernameExistsException', 'User account already exists');
    }
  }

  create(username: string, attributes: Record<string, string>, status: string): StoredUser {
    this.assertCreatable(username);
    const now = this.#clock();
    const user: StoredUser = {
      username,
      sub: randomUUID(),
      enabled: true,
      status,
      attributes: {},
      createdAt: now,
      modifiedAt: now,
    };
    user.attributes = { sub: user.sub, ...attributes };
    this.#users.set(this.#key(username), user);
    return user;
  }

  delete(usernameOrSub: string): void {
    const user = this.get(usernameOrSub);
    this.#users.delete(this.#key(user.username));
  }

  /**
   * API: AdminUpdateUserAttributes. A blank value deletes the attribute; a new
   * email is unverified unless `email_verified` comes in the same call.
   */
  updateAttributes(usernameOrSub: string, changes: Record<string, string>): void {
    const user = this.get(usernameOrSub);
    const next = { ...user.attributes };
    for (const [name, value] of Object.entries(changes)) {
      if (value === '') delete next[name];
      else next[name] = value;
    }
    if ('email' in changes && changes.email !== user.attributes.email && !('email_verified' in changes)) {
      next.email_verified = 'false';
    }
    user.attributes = next;
    user.modifiedAt = this.#clock();
  }

  setEnabled(usernameOrSub: string, enabled: boolean): void {
    const user = this.get(usernameOrSub);
    user.enabled = enabled;
    user.modifiedAt = this.#clock();
  }

  /** ListUsers filtering; string comparison is case-insensitive (docs/cognito.md: docs disagree). */
  list(filter: string | undefined): StoredUser[] {
    const users = this.all().sort(
      (a, b) => a.createdAt - b.createdAt || a.username.localeCompare(b.username),
    );
    if (!filter?.trim()) return users;
    const { attribute, prefix, value } = parseFilter(filter);
    const read = FILTERABLE[attribute];
    const wanted = value.toLowerCase();
    return users.filter((user) => {
      const actual = read?.(user)?.toLowerCase();
      if (actual === undefined) return false;
      return prefix ? actual.startsWith(wanted) : actual === wanted;
    });
  }
}

/** The attributes triggers and tokens see: stored ones plus `cognito:user_status` (DG: Lambda triggers, "userAttributes"). */
export function triggerAttributes(user: StoredUser): Record<string, string> {
  return { ...user.attributes, 'cognito:user_status': user.status };
}

/** UserType (API: ListUsers, AdminCreateUser); AdminGetUser renames `Attributes` to `UserAttributes`. */
export function toUserType(user: StoredUser, attributesToGet?: string[]) {
  const names = attributesToGet ?? Object.keys(user.attributes);
  const Attributes: WireAttribute[] = names
    .filter((name) => user.attributes[name] !== undefined)
    .map((name) => ({ Name: name, Value: user.attributes[name] ?? '' }));
  return {
    Username: user.username,
    Attributes,
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.modifiedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

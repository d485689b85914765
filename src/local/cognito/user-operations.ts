import type { PreSignUpEvent } from '../../triggers/types.ts';
import {
  assertPool,
  type EmulatorContext,
  type OperationInput,
  optionalStringMap,
  requireString,
} from './context.ts';
import { invalidParameter } from './errors.ts';
import { revokeAllFor } from './refresh-tokens.ts';
import { eventBase, invokeTrigger } from './triggers.ts';
import { parseAttributes, toUserType } from './user-pool.ts';

export type OperationHandler = (ctx: EmulatorContext, input: OperationInput) => Promise<object>;

function nameValueMap(list: unknown): Record<string, string> | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: Record<string, string> = {};
  for (const item of list as { Name?: unknown; Value?: unknown }[]) {
    if (typeof item?.Name === 'string') out[item.Name] = typeof item.Value === 'string' ? item.Value : '';
  }
  return out;
}

/**
 * API: AdminCreateUser. Without a TemporaryPassword Cognito generates one, so
 * the user is FORCE_CHANGE_PASSWORD and enabled (amplify-js#5834); custom auth
 * still works for it. PreSignUp_AdminCreateUser runs first; its autoConfirm /
 * autoVerify answers are ignored for this call (DG: user-pool-lambda-pre-sign-up).
 * Admin calls have no app client: callerContext.clientId is CLIENT_ID_NOT_APPLICABLE.
 */
const adminCreateUser: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  const username = requireString(input, 'Username');
  const action = input.MessageAction;
  if (action !== undefined && action !== 'SUPPRESS' && action !== 'RESEND') {
    throw invalidParameter(`Invalid MessageAction: expected SUPPRESS or RESEND, got ${String(action)}.`);
  }
  if (action === 'RESEND') {
    // RESEND is only valid for an existing user; the emulator sends no messages.
    const existing = ctx.pool.get(username);
    return { User: toUserType(existing) };
  }
  const attributes = parseAttributes(input.UserAttributes, { allowBlank: false });
  ctx.pool.assertCreatable(username);
  if (ctx.triggers.preSignUp) {
    const clientMetadata = optionalStringMap(input, 'ClientMetadata');
    const validationData = nameValueMap(input.ValidationData);
    await invokeTrigger<PreSignUpEvent>(ctx, 'PreSignUp', ctx.triggers.preSignUp, {
      ...eventBase(ctx, 'PreSignUp_AdminCreateUser', username, 'CLIENT_ID_NOT_APPLICABLE'),
      request: {
        userAttributes: attributes,
        ...(validationData ? { validationData } : {}),
        ...(clientMetadata ? { clientMetadata } : {}),
      },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    });
  }
  const user = ctx.pool.create(username, attributes, 'FORCE_CHANGE_PASSWORD');
  return { User: toUserType(user) };
};

/** API: AdminGetUser — by username or sub; the attributes key is `UserAttributes`. */
const adminGetUser: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  const { Attributes, ...rest } = toUserType(ctx.pool.get(requireString(input, 'Username')));
  return { ...rest, UserAttributes: Attributes };
};

/** API: AdminDeleteUser. */
const adminDeleteUser: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  const user = ctx.pool.get(requireString(input, 'Username'));
  revokeAllFor(ctx, user.sub);
  ctx.pool.delete(user.username);
  return {};
};

/** API: AdminUpdateUserAttributes — blank values delete. */
const adminUpdateUserAttributes: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  const username = requireString(input, 'Username');
  if (!Array.isArray(input.UserAttributes)) throw invalidParameter('UserAttributes is required.');
  ctx.pool.updateAttributes(username, parseAttributes(input.UserAttributes, { allowBlank: true }));
  return {};
};

/** API: AdminDisableUser — a disabled user cannot sign in or refresh. */
const adminDisableUser: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  ctx.pool.setEnabled(requireString(input, 'Username'), false);
  return {};
};

/** API: AdminEnableUser. */
const adminEnableUser: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  ctx.pool.setEnabled(requireString(input, 'Username'), true);
  return {};
};

/** API: ListUsers — one-attribute Filter, `=` or `^=`; Limit up to 60; PaginationToken. */
const listUsers: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  const limit = input.Limit ?? 60;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > 60) {
    throw invalidParameter(`Invalid Limit: expected an integer from 0 to 60, got ${String(limit)}.`);
  }
  const filter = input.Filter;
  if (filter !== undefined && typeof filter !== 'string')
    throw invalidParameter('Error while parsing filter.');
  const toGet = input.AttributesToGet;
  if (toGet !== undefined && !(Array.isArray(toGet) && toGet.every((n) => typeof n === 'string'))) {
    throw invalidParameter('AttributesToGet must be a list of attribute names.');
  }
  const start = typeof input.PaginationToken === 'string' ? Number.parseInt(input.PaginationToken, 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid PaginationToken.');
  const matched = ctx.pool.list(filter);
  const page = matched.slice(start, start + (limit || 60));
  const next = start + page.length;
  return {
    Users: page.map((user) => toUserType(user, toGet as string[] | undefined)),
    ...(next < matched.length ? { PaginationToken: String(next) } : {}),
  };
};

/** API: AdminUserGlobalSignOut — the user's refresh tokens stop working; issued JWTs stay valid offline. */
const adminUserGlobalSignOut: OperationHandler = async (ctx, input) => {
  assertPool(ctx, input);
  revokeAllFor(ctx, ctx.pool.get(requireString(input, 'Username')).sub);
  return {};
};

export const userOperations: Record<string, OperationHandler> = {
  AdminCreateUser: adminCreateUser,
  AdminGetUser: adminGetUser,
  AdminDeleteUser: adminDeleteUser,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  AdminDisableUser: adminDisableUser,
  AdminEnableUser: adminEnableUser,
  ListUsers: listUsers,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
};

import { Hono } from 'hono';
import {
  InvalidRequestError,
  LastSignInMethodError,
  NotFoundError,
  PasskeyRejectedError,
} from '../../errors.ts';
import { authenticatorNameOf } from '../../passkeys/aaguid-names.ts';
import { buildRegistrationOptions } from '../../passkeys/ceremony-options.ts';
import { credentialIdSchema } from '../../passkeys/schemas.ts';
import { CeremonyRejectedError, verifyPasskeyRegistration } from '../../passkeys/verify-registration.ts';
import { CredentialExistsError } from '../../store/errors.ts';
import type { CredentialRecord } from '../../store/types.ts';
import { readJson } from '../body.ts';
import { finishCeremony, startCeremony } from '../ceremonies.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { notifyAccount } from '../notices.ts';
import { promoteRecoverySession } from '../recovery-session.ts';
import { addPasskeyBody, renamePasskeyBody } from '../schemas.ts';
import { securityEvent } from '../security-events.ts';
import { endSessions, requireSession, requireStepUp, updateCurrentUser } from '../sessions.ts';

/** The `passkey` of docs/api.md "Passkey management": what a user may see of a credential record. */
export function describePasskey(credential: CredentialRecord) {
  const authenticatorName = authenticatorNameOf(credential.aaguid);
  return {
    id: credential.id,
    nickname: credential.nickname,
    createdAt: new Date(credential.createdAt).toISOString(),
    lastUsedAt: credential.lastUsedAt === null ? null : new Date(credential.lastUsedAt).toISOString(),
    backedUp: credential.backedUp,
    transports: credential.transports,
    ...(authenticatorName ? { authenticatorName } : {}),
  };
}

/** A path id that cannot be a credential id is a bad request, not a lookup. */
function credentialIdParam(value: string): string {
  const parsed = credentialIdSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidRequestError('Invalid field "id": expected a base64url credential id.');
  return parsed.data;
}

/**
 * `/auth/passkeys*`: passkey management for the signed-in user (docs/api.md
 * "Passkey management"). Every credential is looked up together with its owner,
 * so another user's id answers exactly like an id that does not exist.
 */
export function passkeyManagementRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const { session } = await requireSession(c, rt);
    const credentials = await rt.store.listCredentials(session.user.id);
    credentials.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    return c.json({ passkeys: credentials.map(describePasskey) });
  });

  app.post('/options', async (c) => {
    const current = await requireSession(c, rt);
    requireStepUp(rt, current);
    const { user } = current.session;
    // The ceremony names the session's user; verify records the credential for that user only.
    const { challenge } = await startCeremony(c, rt, 'add-passkey', { userId: user.id });
    const options = await buildRegistrationOptions({
      rp: rt.config.rp,
      userId: user.id,
      email: user.email,
      displayName: user.name ?? user.email,
      challenge,
      // WebAuthn §5.4 excludeCredentials: the authenticator refuses to make a second passkey for this account.
      exclude: await rt.store.listCredentials(user.id),
    });
    return c.json({ options });
  });

  app.post('/', async (c) => {
    const current = await requireSession(c, rt);
    requireStepUp(rt, current);
    const { session } = current;
    const body = await readJson(c, addPasskeyBody);
    const log = c.get('log');
    const ceremony = await finishCeremony(c, rt, 'add-passkey');
    let credential: CredentialRecord;
    try {
      if (ceremony?.userId !== session.user.id) {
        throw new CeremonyRejectedError('no add-passkey ceremony for this user bound to this browser');
      }
      credential = await verifyPasskeyRegistration({
        response: body.credential,
        expectedChallenge: ceremony.challenge,
        rp: rt.config.rp,
        userId: session.user.id,
        nickname: 'Passkey',
        now: rt.clock(),
      });
    } catch (error) {
      if (!(error instanceof CeremonyRejectedError)) throw error;
      log.info('adding a passkey rejected', { reason: error.message });
      throw new PasskeyRejectedError(400);
    }
    credential.nickname = body.nickname ?? authenticatorNameOf(credential.aaguid) ?? 'Passkey';
    await rt.store.ensureSignInMethods(session.user.id, session.user.providers.includes('google'));
    try {
      await rt.store.addCredential(credential);
    } catch (error) {
      // Never move a credential between users (docs/security.md).
      if (error instanceof CredentialExistsError) throw new PasskeyRejectedError(400, { cause: error });
      throw error;
    }
    securityEvent(c, 'passkey_added', { userId: session.user.id });
    // A recovery session has done what it was for: from now on it is a normal passkey session.
    const updated =
      current.record.authMethod === 'recovery' ? await promoteRecoverySession(c, rt, current) : current;
    // Registering a passkey is a user-verified ceremony: a fresh step-up for this session.
    await updateCurrentUser(c, rt, updated, { stepUpAt: rt.clock() });
    await notifyAccount(c, rt, session.user, 'passkey-added');
    return c.json({ passkey: describePasskey(credential) }, 201);
  });

  app.patch('/:id', async (c) => {
    const { session } = await requireSession(c, rt);
    const id = credentialIdParam(c.req.param('id'));
    const { nickname } = await readJson(c, renamePasskeyBody);
    const renamed = await rt.store.renameCredential({ id, userId: session.user.id, nickname });
    if (!renamed) throw new NotFoundError('No such passkey.');
    return c.json({ passkey: describePasskey(renamed) });
  });

  app.delete('/:id', async (c) => {
    const current = await requireSession(c, rt);
    // Step-up first: without a recent one nothing, not even existence, is answered.
    requireStepUp(rt, current);
    const id = credentialIdParam(c.req.param('id'));
    const { user } = current.session;
    await rt.store.ensureSignInMethods(user.id, user.providers.includes('google'));
    // One transaction with the sign-in methods record: no interleaving leaves the account without one.
    const outcome = await rt.store.deleteCredential({ id, userId: user.id });
    if (outcome === 'not-found') throw new NotFoundError('No such passkey.');
    if (outcome === 'last-sign-in-method') throw new LastSignInMethodError();
    securityEvent(c, 'passkey_deleted', { userId: user.id });
    // The deleted passkey may have been how someone else got in: every other session ends.
    await endSessions(c, rt, { userId: user.id, except: current.record.id, reason: 'passkey_deleted' });
    await updateCurrentUser(c, rt, current);
    return c.body(null, 204);
  });

  return app;
}

import { Hono } from 'hono';
import {
  InvalidRequestError,
  LastSignInMethodError,
  NotFoundError,
  PasskeyRejectedError,
} from '../../errors.ts';
import { authenticatorNameOf } from '../../passkeys/aaguid-names.ts';
import { buildRegistrationOptions, CHALLENGE_TTL_MS, newChallenge } from '../../passkeys/ceremony-options.ts';
import { credentialIdSchema } from '../../passkeys/schemas.ts';
import { CeremonyRejectedError, verifyPasskeyRegistration } from '../../passkeys/verify-registration.ts';
import { randomId } from '../../sessions/csrf.ts';
import { CredentialExistsError } from '../../store/errors.ts';
import type { CredentialRecord } from '../../store/types.ts';
import { readJson } from '../body.ts';
import { bindCeremony, boundCeremonyId } from '../ceremony.ts';
import { clearCookie } from '../cookies.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { assertRecentAuth, requireSession } from '../require-session.ts';
import { addPasskeyBody, renamePasskeyBody } from '../schemas.ts';
import { jarOf } from '../session-cookies.ts';

/** The `passkey` of shared/API.md "Passkey management": what a user may see of a credential record. */
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
 * `/auth/passkeys*`: passkey management for the signed-in user (shared/API.md
 * "Passkey management"). Every credential is looked up together with its owner,
 * so another user's id answers exactly like an id that does not exist.
 */
export function passkeyManagementRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const session = await requireSession(c, rt);
    const credentials = await rt.store.listCredentials(session.user.id);
    credentials.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    return c.json({ passkeys: credentials.map(describePasskey) });
  });

  app.post('/options', async (c) => {
    const session = await requireSession(c, rt);
    assertRecentAuth(session, rt.clock());
    const { user } = session;
    const id = randomId();
    const challenge = newChallenge();
    // The ceremony names the session's user; verify records the credential for that user only.
    await rt.store.putChallenge({
      id,
      challenge,
      purpose: 'add-passkey',
      userId: user.id,
      expiresAt: rt.clock() + CHALLENGE_TTL_MS,
    });
    await bindCeremony(c, rt, id, 'add-passkey');
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
    const session = await requireSession(c, rt);
    assertRecentAuth(session, rt.clock());
    const body = await readJson(c, addPasskeyBody);
    const log = c.get('log');
    const ceremonyId = await boundCeremonyId(c, rt, 'add-passkey');
    const ceremony = ceremonyId ? await rt.store.consumeChallenge(ceremonyId) : null;
    clearCookie(c, jarOf(rt).ceremony);
    let credential: CredentialRecord;
    try {
      if (ceremony?.purpose !== 'add-passkey' || ceremony.userId !== session.user.id) {
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
    try {
      await rt.store.addCredential(credential);
    } catch (error) {
      // Never move a credential between users (shared/SECURITY.md).
      if (error instanceof CredentialExistsError) throw new PasskeyRejectedError(400, { cause: error });
      throw error;
    }
    log.info('passkey added', { userId: session.user.id });
    return c.json({ passkey: describePasskey(credential) }, 201);
  });

  app.patch('/:id', async (c) => {
    const session = await requireSession(c, rt);
    const id = credentialIdParam(c.req.param('id'));
    const { nickname } = await readJson(c, renamePasskeyBody);
    const renamed = await rt.store.renameCredential({ id, userId: session.user.id, nickname });
    if (!renamed) throw new NotFoundError('No such passkey.');
    return c.json({ passkey: describePasskey(renamed) });
  });

  app.delete('/:id', async (c) => {
    const session = await requireSession(c, rt);
    // Step-up first: without a recent sign-in nothing, not even existence, is answered.
    assertRecentAuth(session, rt.clock());
    const id = credentialIdParam(c.req.param('id'));
    const { user } = session;
    const credentials = await rt.store.listCredentials(user.id);
    if (!credentials.some((credential) => credential.id === id)) throw new NotFoundError('No such passkey.');
    if (credentials.length <= 1 && !user.providers.includes('google')) throw new LastSignInMethodError();
    if (!(await rt.store.deleteCredential({ id, userId: user.id })))
      throw new NotFoundError('No such passkey.');
    c.get('log').info('passkey deleted', { userId: user.id });
    return c.body(null, 204);
  });

  return app;
}

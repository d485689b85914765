import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deriveKeys } from '../../src/sessions/keys.ts';
import { type Session, sealRefresh, sealSession } from '../../src/sessions/session.ts';
import { sessionKeyBytes, sessionVerifyKey } from '../../src/sessions/session-verify-key.ts';
import { verifySession, verifySessionCookie } from '../../src/sessions/verify-session.ts';

const secretKey = 'Vt7#pQ2wL9xM4kR8nB1cY6hJ3sD5fG0zAe';
const keys = deriveKeys(secretKey);
/** What a front end is given: SESSION_VERIFY_KEY, never SECRET_KEY. */
const sessionKey = sessionVerifyKey(secretKey);
const now = Date.UTC(2026, 10, 23, 12);
const session: Session = {
  sid: 'sid-1',
  user: {
    id: 'u1',
    email: 'a@example.com',
    emailVerified: true,
    name: 'Ada',
    providers: ['passkey', 'google'],
  },
  authMethod: 'google',
  authTime: Math.floor(now / 1000) - 60,
  stepUpAt: null,
  expiresAt: now + 3600_000,
};

describe('verifySession(cookieHeader) for front-end servers', () => {
  test('returns the user and session from the __Host-session cookie', async () => {
    const sealed = await sealSession(session, keys, now);
    const header = `theme=dark; __Host-csrf=abc; __Host-session=${sealed}; other=1`;
    const result = await verifySession(header, { sessionKey, now: now + 1000 });
    assert.deepEqual(result, {
      user: session.user,
      session: {
        id: session.sid,
        authMethod: 'google',
        authTime: new Date(session.authTime * 1000).toISOString(),
        expiresAt: new Date(session.expiresAt).toISOString(),
      },
    });
  });

  test('reads the unprefixed `session` cookie when secureCookies is false (plain-HTTP localhost)', async () => {
    const sealed = await sealSession(session, keys, now);
    assert.equal(
      await verifySession(`session=${sealed}`, { sessionKey, now }),
      null,
      'HTTPS name by default',
    );
    const result = await verifySession(`session=${sealed}`, { sessionKey, now, secureCookies: false });
    assert.equal(result?.user.id, 'u1');
  });

  test('null for a missing, empty, tampered, expired, wrong-key or wrong-purpose cookie', async () => {
    const sealed = await sealSession(session, keys, now);
    assert.equal(await verifySession(undefined, { sessionKey, now }), null);
    assert.equal(await verifySession(null, { sessionKey, now }), null);
    assert.equal(await verifySession('', { sessionKey, now }), null);
    assert.equal(await verifySession('__Host-session=', { sessionKey, now }), null);
    assert.equal(await verifySession('__Host-sessionx=1', { sessionKey, now }), null);
    const tampered = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.slice(-1)}`;
    assert.equal(await verifySession(`__Host-session=${tampered}`, { sessionKey, now }), null);
    assert.equal(await verifySession(`__Host-session=${sealed}`, { sessionKey, now: now + 3601_000 }), null);
    assert.equal(
      await verifySession(`__Host-session=${sealed}`, {
        sessionKey: sessionVerifyKey('Pq1#wE4rT7yU0iO3pA6sD9fG2hJ5kL8zXc'),
        now,
      }),
      null,
    );
    const refresh = await sealRefresh({ sid: 's', userId: 'u1', generation: 1, refreshToken: 'r' }, keys, {
      now,
      expiresAt: now + 1000_000,
    });
    assert.equal(await verifySession(`__Host-session=${refresh}`, { sessionKey, now }), null);
  });

  test('a recovery session is reported as `recovery`, so front ends can treat it as limited', async () => {
    const recovery: Session = { ...session, authMethod: 'recovery', expiresAt: now + 600_000 };
    const sealed = await sealSession(recovery, keys, now);
    const result = await verifySession(`__Host-session=${sealed}`, { sessionKey, now: now + 1000 });
    assert.equal(result?.session.authMethod, 'recovery');
    assert.equal(result?.session.expiresAt, new Date(now + 600_000).toISOString());
    assert.equal(
      await verifySession(`__Host-session=${sealed}`, { sessionKey, now: now + 600_000 }),
      null,
      'and trusted no longer than its 10 minutes',
    );
  });

  test('a missing or malformed key, or SECRET_KEY itself, is a programming error', async () => {
    await assert.rejects(verifySession('session=x', { sessionKey: '' }), TypeError);
    await assert.rejects(verifySession('session=x', { sessionKey: secretKey }), TypeError);
    await assert.rejects(verifySession('session=x', { sessionKey: new Uint8Array(16) }), TypeError);
  });
});

describe('SESSION_VERIFY_KEY', () => {
  test('is the session cookie key alone: 32 bytes by HKDF, base64url, and not SECRET_KEY', () => {
    assert.match(sessionKey, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(sessionKeyBytes(sessionKey), keys.session);
    for (const other of [keys.refresh, keys.ceremony, keys.oauth, keys.csrf, keys.emailCode]) {
      assert.notDeepEqual(sessionKeyBytes(sessionKey), other);
    }
    assert.equal(sessionKey.includes(secretKey), false);
  });

  test('opens session cookies but not refresh cookies', async () => {
    const sealed = await sealSession(session, keys, now);
    assert.equal((await verifySessionCookie(sealed, { sessionKey, now }))?.user.id, 'u1');
    const refresh = await sealRefresh({ sid: 's', userId: 'u1', generation: 1, refreshToken: 'r' }, keys, {
      now,
      expiresAt: now + 1000_000,
    });
    assert.equal(await verifySessionCookie(refresh, { sessionKey, now }), null);
  });
});

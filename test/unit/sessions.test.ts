import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { issueCsrfToken, verifyCsrfToken } from '../../src/sessions/csrf.ts';
import { deriveKeys } from '../../src/sessions/keys.ts';
import { seal, unseal } from '../../src/sessions/seal.ts';
import { openRefresh, openSession, type Session, sealSession } from '../../src/sessions/session.ts';

const keys = deriveKeys('Zq8#mT2vL9pW4xR7nB1cY6hK3sD5fG0jQe');
const otherKeys = deriveKeys('Xw3$kP9mN2bV7cZ5qL8jH4tR6yF1gD0sAe');
const now = Date.UTC(2026, 10, 23, 12);
const session: Session = {
  sid: 'sid-1',
  user: { id: 'u1', email: 'a@example.com', emailVerified: false, providers: ['passkey'] },
  authMethod: 'passkey',
  authTime: Math.floor(now / 1000),
  stepUpAt: null,
  expiresAt: now + 3600_000,
};

describe('sealed cookies (JWE dir + A256GCM, HKDF keys per purpose)', () => {
  test('a sealed session opens with the right key before expiry', async () => {
    const sealed = await sealSession(session, keys, now);
    assert.equal(sealed.split('.').length, 5, 'compact JWE');
    assert.equal(JSON.parse(Buffer.from(sealed.split('.')[0] ?? '', 'base64url').toString()).enc, 'A256GCM');
    assert.deepEqual(await openSession(sealed, keys, now + 1000), session);
  });

  test('tampered, wrong-key, expired and wrong-purpose values are refused', async () => {
    const sealed = await sealSession(session, keys, now);
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3] ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    parts[3] = flipped.toString('base64url');
    assert.equal(await openSession(parts.join('.'), keys, now), null, 'tampered ciphertext');
    assert.equal(await openSession(sealed, otherKeys, now), null, 'another SECRET_KEY');
    assert.equal(await openSession(sealed, keys, now + 3601_000), null, 'expired');
    assert.equal(await openRefresh(sealed, keys, now), null, 'a session is not a refresh cookie');
    const csrf = issueCsrfToken({ key: keys.csrf, binding: 'anon', now });
    assert.equal(await openSession(csrf, keys, now), null, 'a CSRF token is not a session');
    const samePurposeOtherKey = await seal(
      { sid: 'x' },
      { key: keys.refresh, purpose: 'session', expiresAt: now + 1000, now },
    );
    assert.equal(await unseal(samePurposeOtherKey, { key: keys.session, purpose: 'session', now }), null);
    const idTokenLike = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    assert.equal(await openSession(idTokenLike, keys, now), null, 'a Cognito ID token is not a session');
  });

  test('ignoreExpiry reads an expired session (for the CSRF binding only)', async () => {
    const sealed = await sealSession(session, keys, now);
    assert.equal((await openSession(sealed, keys, now + 7200_000, { ignoreExpiry: true }))?.sid, 'sid-1');
  });
});

describe('CSRF tokens (signed double submit)', () => {
  test('valid when header equals cookie, signature and binding match, not expired', () => {
    const token = issueCsrfToken({ key: keys.csrf, binding: 'sid-1', now });
    const verify = (overrides: Partial<Parameters<typeof verifyCsrfToken>[0]>) =>
      verifyCsrfToken({ key: keys.csrf, binding: 'sid-1', header: token, cookie: token, now, ...overrides });
    assert.equal(verify({}), true);
    assert.equal(verify({ header: undefined }), false);
    assert.equal(verify({ cookie: `${token}x` }), false);
    assert.equal(verify({ binding: 'sid-2' }), false);
    assert.equal(verify({ binding: 'anon' }), false);
    assert.equal(verify({ key: otherKeys.csrf }), false);
    assert.equal(verify({ now: now + 13 * 3600_000 }), false);
    const [nonce, expires] = token.split('.');
    const forged = `${nonce}.${Number(expires) + 1000}.${token.split('.')[2]}`;
    assert.equal(verify({ header: forged, cookie: forged }), false);
  });
});

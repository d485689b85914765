import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rateLimitSubject } from '../../src/http/rate-limit.ts';
import { deviceLabel } from '../../src/sessions/device-label.ts';
import {
  COGNITO_RENEWAL_MARGIN_MS,
  isSteppedUp,
  RECOVERY_SESSION_MS,
  REFRESH_GRACE_MS,
  recoverySessionMay,
  refreshCookieStanding,
  renewalNeedsCognito,
  SESSION_COOKIE_MS,
  STEP_UP_WINDOW_MS,
  sessionCookieExpiry,
  sessionExpiry,
} from '../../src/sessions/session-policy.ts';
import { SESSION_IDLE_MS, sessionEnd } from '../../src/store/user-items.ts';

const now = Date.UTC(2026, 11, 7, 12);
const MINUTE = 60_000;

describe('session policy (plain rules, no server)', () => {
  test('the session cookie lives ≤ 10 minutes, never past the Cognito tokens or the session', () => {
    const far = { tokensExpireAt: now + 60 * MINUTE, expiresAt: now + 30 * 24 * 60 * MINUTE };
    assert.equal(sessionCookieExpiry(now, far), now + SESSION_COOKIE_MS);
    assert.equal(sessionCookieExpiry(now, { ...far, tokensExpireAt: now + 4 * MINUTE }), now + 4 * MINUTE);
    assert.equal(sessionCookieExpiry(now, { ...far, expiresAt: now + 2 * MINUTE }), now + 2 * MINUTE);
  });

  test('renewal asks Cognito only when its tokens are about to expire', () => {
    assert.equal(renewalNeedsCognito(now, { tokensExpireAt: now + 5 * MINUTE }), false);
    assert.equal(renewalNeedsCognito(now, { tokensExpireAt: now + COGNITO_RENEWAL_MARGIN_MS }), true);
    assert.equal(renewalNeedsCognito(now, { tokensExpireAt: now - 1 }), true);
  });

  test('refresh cookies: current, the previous one within the grace period, anything else is reuse', () => {
    const record = { generation: 5, graceUntil: now + REFRESH_GRACE_MS };
    assert.equal(refreshCookieStanding(now, 5, record), 'current');
    assert.equal(refreshCookieStanding(now, 4, record), 'grace');
    assert.equal(refreshCookieStanding(now + REFRESH_GRACE_MS, 4, record), 'reused');
    assert.equal(refreshCookieStanding(now, 3, record), 'reused');
    assert.equal(refreshCookieStanding(now, 6, record), 'reused', 'a generation never issued');
  });

  test('step-up: a passkey ceremony or an emailed code within 5 minutes; a Google sign-in never', () => {
    const passkey = {
      stepUpAt: now - STEP_UP_WINDOW_MS,
      authTime: 0,
      authMethod: 'passkey' as const,
      expiresAt: now + 30 * MINUTE,
    };
    assert.equal(isSteppedUp(now, passkey), true);
    assert.equal(isSteppedUp(now + 1, passkey), false);
    // A Google sign-in a moment ago sets no step-up time, with or without a passkey on the account.
    const google = {
      stepUpAt: null,
      authTime: Math.floor(now / 1000) - 10,
      authMethod: 'google' as const,
      expiresAt: now + 30 * MINUTE,
    };
    assert.equal(isSteppedUp(now, google), false, 'a fresh Google sign-in is no step-up');
  });

  test('a recovery session counts as stepped up for its whole 10-minute life, and no longer', () => {
    const signedIn = now - 9 * MINUTE;
    const recovery = {
      stepUpAt: null,
      authTime: Math.floor(signedIn / 1000),
      authMethod: 'recovery' as const,
      expiresAt: sessionExpiry(signedIn, 'recovery'),
    };
    assert.equal(recovery.expiresAt, signedIn + RECOVERY_SESSION_MS);
    assert.equal(isSteppedUp(now, recovery), true, '9 minutes in, past the 5-minute window');
    assert.equal(isSteppedUp(signedIn + RECOVERY_SESSION_MS, recovery), false);
    assert.equal(sessionExpiry(now, 'passkey'), now + 30 * 24 * 60 * MINUTE);
  });

  test('a recovery session may read the user, add a passkey and sign out; nothing else', () => {
    for (const allowed of [
      'GET /auth/me',
      'GET /auth/csrf',
      'POST /auth/passkeys/options',
      'POST /auth/passkeys',
      'POST /auth/logout',
    ]) {
      const [method = '', path = ''] = allowed.split(' ');
      assert.equal(recoverySessionMay(method, path), true, allowed);
    }
    for (const refused of [
      'POST /auth/refresh',
      'GET /auth/passkeys',
      'DELETE /auth/passkeys/:id',
      'PATCH /auth/passkeys/:id',
      'GET /auth/sessions',
      'DELETE /auth/sessions/:id',
      'POST /auth/google/link',
      'DELETE /auth/google',
      'GET /auth/me/',
      'POST /auth/me',
    ]) {
      const [method = '', path = ''] = refused.split(' ');
      assert.equal(recoverySessionMay(method, path), false, refused);
    }
  });

  test('a session ends 7 days after its last renewal or 30 days after sign-in, whichever is first', () => {
    assert.equal(
      sessionEnd({ lastSeenAt: now, expiresAt: now + 30 * 24 * 60 * MINUTE }),
      now + SESSION_IDLE_MS,
    );
    assert.equal(sessionEnd({ lastSeenAt: now, expiresAt: now + MINUTE }), now + MINUTE);
  });
});

describe('device labels and rate-limit subjects', () => {
  test('a short label from fixed words only, never the raw header', () => {
    const mac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';
    assert.equal(deviceLabel(mac), 'Chrome on macOS');
    assert.equal(
      deviceLabel('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Version/18.0 Mobile Safari/604.1'),
      'Safari on iPhone',
    );
    assert.equal(
      deviceLabel('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko Firefox/133.0'),
      'Firefox on Linux',
    );
    assert.equal(deviceLabel('Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 Edg/131.0'), 'Edge on Windows');
    assert.equal(deviceLabel('<script>alert(1)</script>'), 'Unknown device');
    assert.equal(deviceLabel(undefined), 'Unknown device');
  });

  test('IPv4 as is, IPv6 by /64, IPv4-mapped IPv6 as IPv4', () => {
    assert.equal(rateLimitSubject('198.51.100.7'), '198.51.100.7');
    assert.equal(rateLimitSubject('2001:db8:aa:bb::1'), '2001:db8:aa:bb::/64');
    assert.equal(rateLimitSubject('2001:0db8:00aa:00bb:1:2:3:4'), '2001:db8:aa:bb::/64');
    assert.equal(rateLimitSubject('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(rateLimitSubject('::ffff:198.51.100.7'), '198.51.100.7');
  });
});

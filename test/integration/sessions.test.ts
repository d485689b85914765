import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { TestBrowser, type TestResponse } from '../support/browser.ts';
import { signIn, signUp, uniqueEmail } from '../support/flows.ts';
import { localCognito } from '../support/local-clients.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

const MINUTE = 60 * 1000;
const AUTH_COOKIES = ['session', 'refresh'];

/**
 * "A session ends when it is ended" (docs/api.md "Session"): every attack here
 * worked against the stateless cookies of earlier versions — a copy of the
 * cookies kept working after logout, after logout everywhere and after a
 * passkey delete; a stolen refresh cookie outlived its owner's renewals; a
 * planted refresh cookie switched the signed-in user; two racing deletes left an
 * account with no passkey.
 */
describe('sessions end when they are ended', () => {
  let stack: TestStack;
  let admin: CognitoIdentityProviderClient;
  const time = manualClock();
  before(async () => {
    stack = await startTestStack({ clock: time.clock });
    admin = localCognito(stack);
  });
  after(async () => {
    admin.destroy();
    await stack.close();
  });

  async function newUser(prefix = 'session') {
    const browser = new TestBrowser(stack);
    const authenticator = new SoftAuthenticator();
    const email = uniqueEmail(prefix);
    const created = await signUp(browser, authenticator, email);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { browser, authenticator, email, userId: created.body.user.id as string };
  }

  /** A second browser holding a copy of every cookie of `browser` (what a cookie thief has). */
  function copyOf(browser: TestBrowser, ip = '203.0.113.66'): TestBrowser {
    const thief = new TestBrowser(stack, { ip });
    for (const [name, value] of browser.cookies) thief.cookies.set(name, value);
    return thief;
  }

  function assertUnauthenticated(response: TestResponse, cleared = AUTH_COOKIES): void {
    assert.equal(response.status, 401, JSON.stringify(response.body));
    assert.equal(response.body?.error?.code, 'unauthenticated');
    for (const name of cleared) {
      assert.ok(
        response.setCookies.some((line) => line.startsWith(`${name}=;`) && /max-age=0/i.test(line)),
        `${name} cookie cleared: ${response.setCookies.join(' | ')}`,
      );
    }
  }

  /** Both what the cookies give directly (/auth/me) and what a renewal would give, from copies of them. */
  async function assertEnded(holder: TestBrowser): Promise<void> {
    const [direct, renewal] = [copyOfCookies(holder), copyOfCookies(holder)];
    // An expired session cookie alone is cleared (the refresh cookie could renew it); an ended session clears both.
    const me = await direct.get('/auth/me');
    const expired = me.setCookies.every((line) => !line.startsWith('refresh='));
    assertUnauthenticated(me, expired ? ['session'] : AUTH_COOKIES);
    assertUnauthenticated(await renewal.post('/auth/refresh'));
  }

  function copyOfCookies(browser: TestBrowser): TestBrowser {
    const copy = new TestBrowser(stack, { ip: browser.ip });
    for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
    return copy;
  }

  test('a copy of the cookies stops working at logout: /auth/me, refresh and adding a passkey', async () => {
    const { browser, authenticator, userId } = await newUser();
    const thief = copyOf(browser);
    const logout = await browser.post('/auth/logout');
    assert.equal(logout.status, 200);
    await assertEnded(thief);
    // Adding the attacker's passkey with the copy is refused and stores nothing.
    const options = await thief.post('/auth/passkeys/options');
    assert.equal(options.status, 401, JSON.stringify(options.body));
    const credentials = await stack.store.listCredentials(userId);
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]?.id, authenticator.credentials[0]?.id);
  });

  test('logout everywhere ends the sessions of every browser of the user', async () => {
    const { browser, authenticator, email } = await newUser();
    const laptop = new TestBrowser(stack, { ip: '198.51.100.20' });
    assert.equal((await signIn(laptop, authenticator, { email })).status, 200);
    const thief = copyOf(laptop);
    const listed = await browser.get('/auth/sessions');
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.equal(listed.body.sessions.length, 2);
    const out = await browser.post('/auth/logout', { everywhere: true });
    assert.equal(out.status, 200, JSON.stringify(out.body));
    await assertEnded(laptop);
    await assertEnded(thief);
    assert.equal((await browser.get('/auth/me')).status, 401);
  });

  test('the sessions list shows this device and ends another session by id; another user gets 404', async () => {
    const { browser, authenticator, email } = await newUser();
    const phone = new TestBrowser(stack, { ip: '198.51.100.21' });
    const signedIn = await signIn(phone, authenticator, { email });
    assert.equal(signedIn.status, 200);
    const { body } = await browser.get('/auth/sessions', {
      headers: { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Chrome/131.0 Safari/537.36' },
    });
    assert.equal(body.sessions.length, 2);
    const current = body.sessions.find((s: { current: boolean }) => s.current);
    const other = body.sessions.find((s: { current: boolean }) => !s.current);
    assert.ok(current && other);
    for (const session of body.sessions) {
      assert.deepEqual(Object.keys(session).sort(), [
        'authMethod',
        'createdAt',
        'current',
        'device',
        'id',
        'lastSeenAt',
      ]);
      assert.equal(session.authMethod, 'passkey');
      assert.ok(!JSON.stringify(session).includes('198.51.100'), 'never the IP');
    }
    const me = await browser.get('/auth/me');
    assert.equal(me.body.session.id, current.id);

    const stranger = await newUser('stranger');
    const foreign = await stranger.browser.request('DELETE', `/auth/sessions/${other.id}`);
    assert.equal(foreign.status, 404, JSON.stringify(foreign.body));
    assert.equal((await phone.get('/auth/me')).status, 200, 'untouched by another user');

    const ended = await browser.request('DELETE', `/auth/sessions/${other.id}`);
    assert.equal(ended.status, 204, JSON.stringify(ended.body));
    await assertEnded(phone);
    assert.equal((await browser.get('/auth/me')).status, 200);
  });

  test("deleting the attacker's passkey ends the attacker's sessions, refresh included", async () => {
    const { browser, authenticator, email } = await newUser();
    // The attacker, holding a session copy within the step-up window, adds their own passkey.
    const attackerKey = new SoftAuthenticator();
    const options = await browser.post('/auth/passkeys/options');
    assert.equal(options.status, 200);
    const credential = await attackerKey.register(options.body.options, { origin: stack.origin });
    assert.equal((await browser.post('/auth/passkeys', { credential })).status, 201);
    const attacker = new TestBrowser(stack, { ip: '203.0.113.9' });
    assert.equal((await signIn(attacker, attackerKey)).status, 200);

    // The owner notices, steps up with their own passkey and deletes it.
    const owner = new TestBrowser(stack);
    assert.equal((await signIn(owner, authenticator, { email })).status, 200);
    const gone = await owner.request('DELETE', `/auth/passkeys/${attackerKey.credentials[0]?.id}`);
    assert.equal(gone.status, 204, JSON.stringify(gone.body));
    await assertEnded(attacker);
    assert.equal((await owner.get('/auth/me')).status, 200, 'the deleting session stays');
  });

  test('a stolen refresh cookie used after its owner renewed ends every session of the user', async () => {
    const { browser, email, authenticator } = await newUser();
    const other = new TestBrowser(stack, { ip: '198.51.100.30' });
    assert.equal((await signIn(other, authenticator, { email })).status, 200);
    const thief = copyOf(browser);
    time.advance(11 * MINUTE);
    const renewed = await browser.post('/auth/refresh');
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    time.advance(20 * 1000); // past the grace period of concurrent tabs
    const reuse = await thief.post('/auth/refresh');
    assertUnauthenticated(reuse);
    await assertEnded(browser);
    await assertEnded(other);
  });

  test('the thief renewing first: the victim’s next renewal ends every session, the thief’s included', async () => {
    const { browser } = await newUser();
    const thief = copyOf(browser);
    time.advance(11 * MINUTE);
    assert.equal((await thief.post('/auth/refresh')).status, 200);
    time.advance(20 * 1000);
    assertUnauthenticated(await browser.post('/auth/refresh'));
    await assertEnded(thief);
  });

  test('two tabs renewing with the same refresh cookie within the grace period both stay signed in', async () => {
    const { browser } = await newUser();
    const tab = copyOfCookies(browser);
    time.advance(11 * MINUTE);
    const first = await browser.post('/auth/refresh');
    const second = await tab.post('/auth/refresh');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(browser.cookie('refresh'), tab.cookie('refresh'), 'the same successor');
    time.advance(MINUTE);
    assert.equal((await browser.get('/auth/me')).status, 200);
    assert.equal((await tab.post('/auth/refresh')).status, 200);
  });

  test("a planted refresh cookie of another user does not switch the browser's user", async () => {
    const victim = await newUser('victim');
    const attacker = await newUser('attacker');
    const planted = copyOfCookies(victim.browser);
    planted.cookies.set('refresh', attacker.browser.cookie('refresh') ?? '');
    time.advance(11 * MINUTE);
    const refreshed = await planted.post('/auth/refresh');
    assertUnauthenticated(refreshed);
    assert.notEqual(refreshed.body?.user?.id, attacker.userId);
  });

  test('the session cookie lives at most 10 minutes and carries no Cognito token', async () => {
    const { browser } = await newUser();
    const me = await browser.get('/auth/me');
    const expiresAt = Date.parse(me.body.session.expiresAt);
    assert.ok(expiresAt - time.clock() <= 10 * MINUTE, me.body.session.expiresAt);
    const sessionLine = (await browser.post('/auth/refresh')).setCookies.find((l) =>
      l.startsWith('session='),
    );
    assert.ok(sessionLine);
    const maxAge = Number(/max-age=(\d+)/i.exec(sessionLine)?.[1]);
    assert.ok(maxAge > 0 && maxAge <= 600, sessionLine);
    const refreshLine = (await browser.post('/auth/refresh')).setCookies.find((l) =>
      l.startsWith('refresh='),
    );
    assert.match(refreshLine ?? '', /Path=\//);
    assert.doesNotMatch(refreshLine ?? '', /Path=\/auth/);
    time.advance(11 * MINUTE);
    assert.equal((await browser.get('/auth/me')).status, 401, 'the cookie expired');
    assert.equal((await browser.post('/auth/refresh')).status, 200, 'renewed from the refresh cookie');
    assert.equal((await browser.get('/auth/me')).status, 200);
  });

  test('a disabled or deleted user is signed out at the next renewal that asks Cognito', async () => {
    const disabled = await newUser('disabled');
    const deleted = await newUser('deleted');
    await admin.send(
      new AdminDisableUserCommand({ UserPoolId: stack.config.cognito.userPoolId, Username: disabled.userId }),
    );
    await admin.send(
      new AdminDeleteUserCommand({ UserPoolId: stack.config.cognito.userPoolId, Username: deleted.userId }),
    );
    time.advance(16 * MINUTE); // past the Cognito tokens' 15 minutes
    const again = copyOfCookies(disabled.browser);
    assertUnauthenticated(await disabled.browser.post('/auth/refresh'));
    assertUnauthenticated(await deleted.browser.post('/auth/refresh'));
    assertUnauthenticated(await again.post('/auth/refresh'));
  });

  test('a session ends 7 days without renewal and 30 days after sign-in', async () => {
    const idle = await newUser('idle');
    time.advance(7 * 24 * 60 * MINUTE + MINUTE);
    await idle.browser.primeCsrf(); // CSRF tokens live 12 hours; the client fetches a new one
    assertUnauthenticated(await idle.browser.post('/auth/refresh'));

    const busy = await newUser('busy');
    for (let day = 0; day < 30; day += 6) {
      time.advance(6 * 24 * 60 * MINUTE);
      await busy.browser.primeCsrf();
      const renewed = await busy.browser.post('/auth/refresh');
      if (day + 6 < 30) assert.equal(renewed.status, 200, `day ${day + 6}: ${JSON.stringify(renewed.body)}`);
      else assertUnauthenticated(renewed);
    }
  });

  test('two concurrent deletes on a two-passkey account leave one passkey', async () => {
    const { browser, authenticator, userId } = await newUser();
    const second = new SoftAuthenticator();
    const options = await browser.post('/auth/passkeys/options');
    const credential = await second.register(options.body.options, { origin: stack.origin });
    assert.equal((await browser.post('/auth/passkeys', { credential })).status, 201);
    const ids = [authenticator.credentials[0]?.id, second.credentials[0]?.id];
    const answers = await Promise.all(ids.map((id) => browser.request('DELETE', `/auth/passkeys/${id}`)));
    const statuses = answers.map((answer) => answer.status).sort();
    assert.deepEqual(statuses, [204, 409], JSON.stringify(answers.map((a) => a.body)));
    assert.equal(answers.find((a) => a.status === 409)?.body.error.code, 'last_sign_in_method');
    assert.equal((await stack.store.listCredentials(userId)).length, 1);
  });

  test('a passkey sign-in while signed in replaces the current session', async () => {
    const { browser, authenticator, email } = await newUser();
    const before = (await browser.get('/auth/me')).body.session.id;
    const old = copyOfCookies(browser);
    assert.equal((await signIn(browser, authenticator, { email })).status, 200);
    const after = (await browser.get('/auth/me')).body.session.id;
    assert.notEqual(after, before);
    const listed = await browser.get('/auth/sessions');
    assert.equal(listed.body.sessions.length, 1);
    assertUnauthenticated(await old.get('/auth/me'));
  });

  test('logout everywhere from a copy of ended cookies ends nothing else', async () => {
    const { browser, authenticator, email } = await newUser();
    const laptop = new TestBrowser(stack, { ip: '198.51.100.22' });
    assert.equal((await signIn(laptop, authenticator, { email })).status, 200);
    const stale = copyOf(browser);
    assert.equal((await browser.post('/auth/logout')).status, 200);
    const attempt = await stale.post('/auth/logout', { everywhere: true });
    assert.equal(attempt.status, 200, JSON.stringify(attempt.body));
    assert.equal((await laptop.get('/auth/me')).status, 200, 'the other session is untouched');
    assert.equal((await laptop.get('/auth/sessions')).body.sessions.length, 1);
  });

  test('security events carry the user and request id; no log line holds a cookie value', async () => {
    const seen = new Set<string>();
    const remember = (holder: TestBrowser) => {
      for (const value of holder.cookies.values()) seen.add(value);
    };
    const { browser, userId } = await newUser('logged');
    remember(browser);
    const thief = copyOf(browser);
    time.advance(11 * MINUTE);
    assert.equal((await browser.post('/auth/refresh')).status, 200);
    remember(browser);
    time.advance(20 * 1000);
    assertUnauthenticated(await thief.post('/auth/refresh'));
    const events = stack.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.userId === userId && typeof line.event === 'string');
    for (const name of ['account_created', 'signed_in', 'refresh_reuse', 'session_ended']) {
      const event = events.find((line) => line.event === name);
      assert.ok(event, `${name} logged: ${JSON.stringify(events)}`);
      assert.equal(typeof event.requestId, 'string');
    }
    for (const line of stack.logs) {
      for (const value of seen) assert.ok(!line.includes(value), `a cookie value in a log line: ${line}`);
    }
  });

  // Sign-up and recovery starts are limited per IP by their mail budget (signup.test.ts).
  test('GET /auth/google is limited per IP too, and a refused request sets no cookie', async () => {
    for (const [ip, call] of [
      ['192.0.2.42', (b: TestBrowser) => b.get('/auth/google?returnTo=/expenses')],
    ] as const) {
      const flood = new TestBrowser(stack, { ip });
      await flood.primeCsrf();
      let limited: TestResponse | null = null;
      for (let i = 0; i < 200 && !limited; i++) {
        const response = await call(flood);
        if (response.status === 429) limited = response;
        else assert.ok([200, 202, 302].includes(response.status), String(response.status));
      }
      assert.ok(limited, `${ip}: the flood is limited`);
      assert.equal(limited.body.error.code, 'rate_limited');
      const setsValue = limited.setCookies.some((line) => /^(ceremony|oauth|code)=[^;]+/.test(line));
      assert.equal(setsValue, false, limited.setCookies.join(' | '));
    }
    time.advance(5 * MINUTE);
  });

  test('sign-in option endpoints are limited per IP (IPv6 grouped by /64)', async () => {
    const flood = new TestBrowser(stack, { ip: '2001:db8:aa:bb::1' });
    await flood.primeCsrf();
    let limited: TestResponse | null = null;
    for (let i = 0; i < 200 && !limited; i++) {
      flood.ip = `2001:db8:aa:bb::${(i % 250).toString(16)}`;
      const response = await flood.post('/auth/passkey/login/options', {});
      if (response.status === 429) limited = response;
      else assert.equal(response.status, 200);
    }
    assert.ok(limited, 'the flood is limited');
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    const neighbour = new TestBrowser(stack, { ip: '2001:db8:aa:cc::1' });
    await neighbour.primeCsrf();
    assert.equal((await neighbour.post('/auth/passkey/login/options', {})).status, 200, 'another /64');
    time.advance(5 * MINUTE);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeClaimLegacy, passkeyAccount } from '../support/account.ts';
import { assertError, TestBrowser, type TestResponse } from '../support/browser.ts';
import { assertNoCodeLogged, otherCode } from '../support/codes.ts';
import { signIn, uniqueEmail } from '../support/flows.ts';
import { codeIn, lastCodeTo, lastMailTo, mailTo } from '../support/mailbox.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

const MINUTE = 60 * 1000;
const CODE_SENT = { status: 'code_sent' };

/** Asserts that a response set neither a session nor a refresh cookie. */
function assertNoSession(response: TestResponse): void {
  for (const line of response.setCookies) {
    assert.doesNotMatch(line, /^(session|refresh)=[^;]/, `no session cookie may be set: ${line}`);
  }
}

/** The Max-Age of cookie `name` set by a response, in seconds. */
function maxAgeOf(response: TestResponse, name: string): number {
  const line = response.setCookies.find((l) => l.startsWith(`${name}=`)) ?? assert.fail(`no ${name} cookie`);
  return Number(/max-age=(\d+)/i.exec(line)?.[1] ?? Number.NaN);
}

/**
 * Account recovery (docs/api.md "Email, recovery and the account", "Passkey
 * management"): a user who lost their only passkey gets a 10-minute recovery
 * session by an emailed code, adds a new passkey in it, and deletes the lost
 * one. Every attack named by the issue is tried here through the HTTP app.
 */
describe('account recovery by email', () => {
  let stack: TestStack;
  const time = manualClock();
  /** Every code mailed in this suite: none may appear in a log line. */
  const codes = new Set<string>();
  let nextIp = 10;
  /** A fresh client address per browser, so per-IP limits of one test do not reach the next. */
  const browser = () => new TestBrowser(stack, { ip: `198.51.100.${nextIp++}` });

  before(async () => {
    stack = await startTestStack({ clock: time.clock });
  });
  after(async () => {
    await stack.close();
  });

  /** Another browser holding a copy of every cookie of `client`. */
  function copyOf(client: TestBrowser): TestBrowser {
    const copy = new TestBrowser(stack, { ip: client.ip });
    for (const [name, value] of client.cookies) copy.cookies.set(name, value);
    return copy;
  }

  async function newUser(prefix = 'recover') {
    const account = await passkeyAccount(stack, uniqueEmail(prefix), browser());
    return {
      phone: account.browser,
      lost: account.authenticator,
      email: account.email,
      userId: account.userId,
    };
  }

  async function start(client: TestBrowser, email: string): Promise<TestResponse> {
    if (!client.cookie('csrf')) await client.primeCsrf();
    return client.post('/auth/recovery/start', { email });
  }

  /** Start in `client`, then the code from the mailbox (remembered for the log scan). */
  async function startAndReadCode(client: TestBrowser, email: string): Promise<string> {
    const started = await start(client, email);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const code = await lastCodeTo(stack, email);
    codes.add(code);
    return code;
  }

  function verify(client: TestBrowser, email: string, code: string): Promise<TestResponse> {
    return client.post('/auth/recovery/verify', { email, code });
  }

  async function recover(client: TestBrowser, email: string): Promise<TestResponse> {
    const response = await verify(client, email, await startAndReadCode(client, email));
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response;
  }

  /** Options → authenticator → POST /auth/passkeys. */
  async function addPasskey(client: TestBrowser, authenticator: SoftAuthenticator): Promise<TestResponse> {
    const options = await client.post('/auth/passkeys/options');
    assert.equal(options.status, 200, JSON.stringify(options.body));
    const credential = await authenticator.register(options.body.options, { origin: stack.origin });
    return client.post('/auth/passkeys', { credential });
  }

  test('the lost only passkey: a recovery session adds a new one, which then deletes the lost one', async () => {
    const { phone, lost, email, userId } = await newUser();
    const laptop = browser();
    assert.equal((await signIn(laptop, lost, { email })).status, 200);

    const rescue = browser();
    const started = await start(rescue, email);
    assert.equal(started.status, 202);
    assert.deepEqual(started.body, CODE_SENT);
    const mail = await lastMailTo(stack, email);
    assert.match(mail.subject, /recovery code/i);
    const code = codeIn(mail) ?? assert.fail('the recovery mail carries a code');
    codes.add(code);

    const recovered = await verify(rescue, email, code);
    assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
    assert.deepEqual(Object.keys(recovered.body).sort(), ['csrfToken', 'user']);
    assert.equal(recovered.body.user.id, userId);
    assert.equal(recovered.body.user.email, email);
    assert.ok(maxAgeOf(recovered, 'session') <= 600, 'the session cookie lives ≤ 10 minutes');
    assert.ok(maxAgeOf(recovered, 'refresh') <= 600, 'and so does the refresh cookie: never renewed');
    assert.ok(
      recovered.setCookies.some((l) => /^code=;/.test(l) && /max-age=0/i.test(l)),
      'the code cookie is cleared',
    );

    const me = await rescue.get('/auth/me');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.session.authMethod, 'recovery');
    // The cookie keeps its expiry in whole seconds.
    assert.ok(Math.abs(Date.parse(me.body.session.expiresAt) - (time.clock() + 10 * MINUTE)) < 1000);

    // Every other session of the user ended; only the recovery session remains.
    for (const other of [phone, laptop]) {
      assertError(await copyOf(other).get('/auth/me'), 401, 'unauthenticated');
      assertError(await copyOf(other).post('/auth/refresh'), 401, 'unauthenticated');
    }
    const sessions = await stack.store.listSessions(userId);
    assert.deepEqual(
      sessions.map((s) => s.authMethod),
      ['recovery'],
    );

    const notice = await lastMailTo(stack, email);
    assert.match(notice.subject, /recovered/i);
    assert.equal(codeIn(notice), null, 'the notice carries no code');
    assert.match(notice.body.text ?? '', /\/account/);

    // A new authenticator: the registration turns the session into a normal passkey session.
    const found = new SoftAuthenticator();
    const added = await addPasskey(rescue, found);
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.ok(maxAgeOf(added, 'session') <= 600);
    assert.ok(maxAgeOf(added, 'refresh') > 24 * 3600, 'the refresh cookie now lives as long as a session');
    const promoted = await rescue.get('/auth/me');
    assert.equal(promoted.body.session.authMethod, 'passkey');
    assert.deepEqual(promoted.body.user.providers, ['passkey']);
    const record = await stack.store.getSession(userId, promoted.body.session.id);
    assert.equal(record?.authMethod, 'passkey');
    assert.equal(record?.expiresAt, (record?.createdAt ?? 0) + 30 * 24 * 60 * MINUTE);

    // The registration was a fresh step-up: the lost passkey can go now.
    const lostId = lost.credentials[0]?.id ?? assert.fail('no lost credential');
    const deleted = await rescue.request('DELETE', `/auth/passkeys/${lostId}`);
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    const listed = await rescue.get('/auth/passkeys');
    assert.deepEqual(
      listed.body.passkeys.map((p: { id: string }) => p.id),
      [found.credentials[0]?.id],
    );
    assert.equal((await rescue.post('/auth/refresh')).status, 200, 'and it renews like any session');

    assert.equal((await signIn(browser(), lost)).status, 401, 'the lost passkey is gone');
    assert.equal((await signIn(browser(), found, { email })).status, 200, 'the new one signs in');
  });

  test('start answers the same for a verified, an unknown and an unverified email; only the first gets mail', async () => {
    const { email: known } = await newUser('known');
    const unknown = uniqueEmail('unknown');
    const { email: unverified } = await newUser('unverified');
    // An account from before sign-up verified emails: its claim has no `verified`.
    await makeClaimLegacy(stack, unverified);
    assert.equal((await stack.store.findEmailClaim(unverified))?.verified, false);

    const before = {
      known: (await mailTo(stack, known)).length,
      unverified: (await mailTo(stack, unverified)).length,
    };
    const answers: TestResponse[] = [];
    for (const email of [known, unknown, unverified]) answers.push(await start(browser(), email));
    for (const answer of answers) {
      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, CODE_SENT);
      assert.deepEqual(
        answer.setCookies.map((l) => l.split('=')[0]),
        ['code'],
        'the same cookie for every address',
      );
    }
    assert.equal((await mailTo(stack, known)).length, before.known + 1);
    codes.add(await lastCodeTo(stack, known));
    assert.deepEqual(await mailTo(stack, unknown), [], 'no mail to an address without an account');
    assert.equal((await mailTo(stack, unverified)).length, before.unverified, 'nor to an unverified one');

    // Without a mailed code there is nothing to enter: every guess is the same 400.
    for (const email of [unknown, unverified]) {
      const guesser = browser();
      await start(guesser, email);
      const guessed = await verify(guesser, email, '123456');
      assertError(guessed, 400, 'code_invalid');
      assertNoSession(guessed);
    }
  });

  test('wrong codes: 400 each, the 5th burns the code (429), then the right code no longer works; Cognito never sees one', async () => {
    const { email, userId } = await newUser();
    const client = browser();
    const code = await startAndReadCode(client, email);
    const cognitoBefore = stack.cognito.counts();
    for (let n = 1; n <= 4; n++) {
      const response = await verify(client, email, otherCode(code, n));
      assertError(response, 400, 'code_invalid');
      assertNoSession(response);
    }
    const fifth = await verify(client, email, otherCode(code, 5));
    assertError(fifth, 429, 'rate_limited');
    assert.ok(Number(fifth.headers.get('retry-after')) > 0);
    assertNoSession(fifth);
    const late = await verify(client, email, code);
    assertError(late, 400, 'code_invalid');
    assertNoSession(late);
    assert.deepEqual(stack.cognito.counts(), cognitoBefore, 'no Cognito call, no trigger, for a wrong code');
    assert.equal((await stack.store.listSessions(userId)).length, 1, 'only the sign-up session');

    // The right code is the only thing that reaches Cognito: one CUSTOM_AUTH round.
    await recover(client, email);
    const { operations, triggers } = stack.cognito.counts();
    assert.equal((operations.AdminInitiateAuth ?? 0) - (cognitoBefore.operations.AdminInitiateAuth ?? 0), 1);
    assert.equal(
      (operations.AdminRespondToAuthChallenge ?? 0) -
        (cognitoBefore.operations.AdminRespondToAuthChallenge ?? 0),
      1,
    );
    assert.equal(
      (triggers.VerifyAuthChallengeResponse ?? 0) - (cognitoBefore.triggers.VerifyAuthChallengeResponse ?? 0),
      1,
      'the trigger consumed the grant',
    );
  });

  test('a code works once: used again (also from a copy of the code cookie) → 400', async () => {
    const { email } = await newUser();
    const client = browser();
    const code = await startAndReadCode(client, email);
    const copy = new TestBrowser(stack, { ip: client.ip });
    for (const [name, value] of client.cookies) copy.cookies.set(name, value);
    assert.equal((await verify(client, email, code)).status, 200);
    const again = await verify(client, email, code);
    assertError(again, 400, 'code_invalid');
    const replay = await verify(copy, email, code);
    assertError(replay, 400, 'code_invalid');
    assertNoSession(replay);
  });

  test('a code mailed for one address does not recover another', async () => {
    const { email } = await newUser('one');
    const { email: other, userId: otherId } = await newUser('other');
    const client = browser();
    const code = await startAndReadCode(client, email);
    const response = await verify(client, other, code);
    assertError(response, 400, 'code_invalid');
    assertNoSession(response);
    assert.deepEqual(
      (await stack.store.listSessions(otherId)).map((s) => s.authMethod),
      ['passkey'],
    );
    // The mismatch was one wrong try, not the end of the code.
    assert.equal((await verify(client, email, code)).status, 200);
  });

  test('another browser can neither replace nor burn the victim’s code, nor use it', async () => {
    const { email, userId } = await newUser('victim');
    const victim = browser();
    const victimCode = await startAndReadCode(victim, email);

    const attacker = browser();
    const started = await start(attacker, email);
    assert.equal(started.status, 202, 'its start makes a flow of its own');
    codes.add(await lastCodeTo(stack, email));
    const stolen = await verify(attacker, email, victimCode);
    assertError(stolen, 400, 'code_invalid');
    assertNoSession(stolen);
    for (let n = 1; n <= 3; n++)
      assertError(await verify(attacker, email, otherCode(victimCode, n)), 400, 'code_invalid');
    assertError(await verify(attacker, email, otherCode(victimCode, 4)), 429, 'rate_limited');
    const cookieless = browser();
    await cookieless.primeCsrf();
    assertError(await verify(cookieless, email, victimCode), 400, 'code_invalid');
    assert.equal((await stack.store.listSessions(userId)).length, 1, 'the attacker got no session');

    const recovered = await verify(victim, email, victimCode);
    assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
  });

  test('a recovery session may only read /auth/me, add a passkey and log out; everything else → 403 recovery_session', async () => {
    const { email, lost, userId } = await newUser();
    const client = browser();
    await recover(client, email);
    const lostId = lost.credentials[0]?.id ?? assert.fail('no credential');
    const sid = (await client.get('/auth/me')).body.session.id as string;
    const forbidden: [string, string, unknown?][] = [
      ['POST', '/auth/refresh'],
      ['GET', '/auth/passkeys'],
      ['DELETE', `/auth/passkeys/${lostId}`],
      ['PATCH', `/auth/passkeys/${lostId}`, { nickname: 'mine now' }],
      ['GET', '/auth/sessions'],
      ['DELETE', `/auth/sessions/${sid}`],
      ['POST', '/auth/google/link'],
      ['DELETE', '/auth/google'],
    ];
    for (const [method, path, body] of forbidden) {
      const response = await client.request(method, path, body === undefined ? {} : { body });
      assertError(response, 403, 'recovery_session');
      assert.deepEqual(response.setCookies, [], `${method} ${path} changes no cookie`);
    }
    const credentials = await stack.store.listCredentials(userId);
    assert.deepEqual(
      credentials.map((c) => [c.id, c.nickname]),
      [[lostId, 'Passkey']],
      'nothing changed',
    );
    assert.equal((await stack.store.listSessions(userId)).length, 1);

    // Past the 5-minute step-up window, still stepped up: adding a passkey is what it is for.
    time.advance(6 * MINUTE);
    assert.equal((await client.get('/auth/csrf')).status, 200);
    assert.equal((await client.get('/auth/me')).body.session.authMethod, 'recovery');
    const options = await client.post('/auth/passkeys/options');
    assert.equal(options.status, 200, JSON.stringify(options.body));
    const out = await client.post('/auth/logout');
    assert.equal(out.status, 200);
    assertError(await client.get('/auth/me'), 401, 'unauthenticated');
    assert.deepEqual(await stack.store.listSessions(userId), []);
  });

  test('a recovery session ends 10 minutes after its sign-in, and an expired code recovers nothing', async () => {
    const { email, userId } = await newUser();
    const client = browser();
    await recover(client, email);
    time.advance(9 * MINUTE + 50 * 1000);
    assert.equal((await client.get('/auth/me')).status, 200);
    assertError(await client.post('/auth/refresh'), 403, 'recovery_session');
    time.advance(11 * 1000);
    assertError(await copyOf(client).get('/auth/me'), 401, 'unauthenticated');
    assertError(await copyOf(client).post('/auth/passkeys/options'), 401, 'unauthenticated');
    assertError(await copyOf(client).post('/auth/refresh'), 401, 'unauthenticated');
    assert.deepEqual(await stack.store.listSessions(userId), [], 'the record is over too');

    const late = browser();
    const code = await startAndReadCode(late, email);
    time.advance(10 * MINUTE + 1000);
    const expired = await verify(late, email, code);
    assertError(expired, 400, 'code_invalid');
    assertNoSession(expired);
  });

  test('no code appears in any log line', () => {
    assert.ok(codes.size >= 8, `codes were mailed (${codes.size})`);
    assert.ok(
      stack.logs.some((line) => line.includes('security: account_recovered')),
      'recovery was logged',
    );
    assertNoCodeLogged(stack.logs, codes);
  });
});

describe('recovery start timing', () => {
  const FLOOR_MS = 300;
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ env: { MAIL_START_FLOOR_MS: String(FLOOR_MS) } });
  });
  after(async () => {
    await stack.close();
  });

  test('an address with an account and one without answer in the same time (within noise)', async () => {
    const email = uniqueEmail('timing');
    await passkeyAccount(stack, email);
    const client = new TestBrowser(stack, { ip: '198.51.100.99' });
    await client.primeCsrf();
    const timed = async (address: string) => {
      const started = performance.now();
      const response = await client.post('/auth/recovery/start', { email: address });
      assert.equal(response.status, 202);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await timed(email));
      unknown.push(await timed(uniqueEmail('nobody')));
    }
    assert.equal((await mailTo(stack, email)).filter((m) => /recovery/i.test(m.subject)).length, 4);
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return ((sorted[1] ?? 0) + (sorted[2] ?? 0)) / 2;
    };
    const [withAccount, without] = [median(known), median(unknown)];
    assert.ok(withAccount >= FLOOR_MS - 1 && without >= FLOOR_MS - 1, `${withAccount} / ${without} ms`);
    assert.ok(Math.abs(withAccount - without) < 60, `medians ${withAccount} vs ${without} ms`);
  });
});

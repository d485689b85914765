// Sign-up proves the email first (docs/api.md "Passkey sign-up"): the attacks of
// the verified-email issue, each against the HTTP app on the local stack, with
// codes read from the local SES mailbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { makeClaimLegacy, passkeyAccount } from '../support/account.ts';
import { TestBrowser } from '../support/browser.ts';
import { assertNoCodeLogged, otherCode } from '../support/codes.ts';
import { signUp, signUpOptions, uniqueEmail } from '../support/flows.ts';
import { withLocalDynamoDb } from '../support/local-clients.ts';
import { codeIn, lastCodeTo, lastMailTo, mailTo } from '../support/mailbox.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

const MINUTE = 60_000;

describe('verified sign-up', () => {
  let stack: TestStack;
  const time = manualClock();
  before(async () => {
    stack = await startTestStack({ clock: time.clock, env: { RATE_LIMIT_IP_EMAIL_SENDS: '20' } });
  });
  after(async () => {
    await stack.close();
  });

  async function start(email: string, browser = new TestBrowser(stack)) {
    if (!browser.cookie('csrf')) await browser.primeCsrf();
    const response = await browser.post('/auth/signup/start', { email });
    return { browser, response };
  }

  test('start answers 202 with the same body for a new, a taken and a Google-claimed email; only the new one gets a code', async () => {
    const taken = uniqueEmail('taken');
    await passkeyAccount(stack, taken);
    const fresh = uniqueEmail('fresh');
    const answers = [];
    for (const email of [fresh, taken]) {
      const { response } = await start(email);
      answers.push({
        status: response.status,
        body: response.body,
        cookies: response.setCookies.map((line) => line.split('=')[0]).sort(),
      });
    }
    assert.deepEqual(answers[0], answers[1]);
    assert.deepEqual(answers[0]?.body, { status: 'code_sent' });
    assert.match(String(codeIn(await lastMailTo(stack, fresh))), /^\d{6}$/);
    const notice = await lastMailTo(stack, taken);
    assert.equal(codeIn(notice), null, 'the "you have an account" mail carries no code');
    assert.doesNotMatch(notice.body.text ?? '', /\b\d{6}\b/);
  });

  test('a verified account’s email never yields options: verify-email → 400 code_invalid whatever the code', async () => {
    const email = uniqueEmail('owner');
    await passkeyAccount(stack, email);
    const { browser } = await start(email);
    for (const code of ['000000', '123456']) {
      const response = await browser.post('/auth/signup/verify-email', { email, code });
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'code_invalid');
    }
    assert.equal(browser.cookie('ceremony'), undefined);
  });

  test('the right code gives options bound to the email; register/verify creates a verified account and signs in', async () => {
    const email = uniqueEmail('ok');
    const browser = new TestBrowser(stack);
    const created = await signUp(browser, new SoftAuthenticator(), email);
    assert.equal(created.status, 201);
    assert.equal(created.body.user.email, email);
    assert.equal(created.body.user.emailVerified, true);
    assert.equal(
      created.body.user.name,
      undefined,
      'no name given, none stored (an email change would leave it stale)',
    );
    assert.deepEqual(await stack.store.findEmailClaim(email), {
      userId: created.body.user.id,
      verified: true,
    });
    assert.equal((await browser.get('/auth/me')).status, 200);
  });

  test('five wrong codes burn the code: the fifth → 429, then even the right code → 400', async () => {
    const email = uniqueEmail('guess');
    const { browser } = await start(email, new TestBrowser(stack, { ip: '203.0.113.10' }));
    const code = await lastCodeTo(stack, email);
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await browser.post('/auth/signup/verify-email', { email, code: otherCode(code) })).status,
      );
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 429]);
    const late = await browser.post('/auth/signup/verify-email', { email, code });
    assert.equal(late.status, 400);
    assert.equal(late.body.error.code, 'code_invalid');
    assert.equal(browser.cookie('ceremony'), undefined, 'no ceremony started');
  });

  test('a code works once', async () => {
    const email = uniqueEmail('reuse');
    const { browser } = await start(email);
    const code = await lastCodeTo(stack, email);
    assert.equal((await browser.post('/auth/signup/verify-email', { email, code })).status, 200);
    const again = await browser.post('/auth/signup/verify-email', { email, code });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'code_invalid');
  });

  test('a code for one email does not verify another', async () => {
    const mine = uniqueEmail('mine');
    const { browser } = await start(mine);
    const code = await lastCodeTo(stack, mine);
    const victim = uniqueEmail('victim');
    const response = await browser.post('/auth/signup/verify-email', { email: victim, code });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'code_invalid');
  });

  test('another browser can neither replace nor burn the code, nor use it', async () => {
    const email = uniqueEmail('bound');
    const { browser: owner } = await start(email);
    const code = await lastCodeTo(stack, email);
    const attacker = new TestBrowser(stack, { ip: '203.0.113.20' });
    // Its own start makes its own code; its guesses count against that one only.
    await start(email, attacker);
    for (let i = 0; i < 5; i++)
      await attacker.post('/auth/signup/verify-email', { email, code: otherCode(code) });
    const stolen = await attacker.post('/auth/signup/verify-email', { email, code });
    assert.equal(stolen.status, 400, 'the code is bound to the browser that asked for it');
    const mine = await owner.post('/auth/signup/verify-email', { email, code });
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
  });

  test('a new start from the same browser replaces its code', async () => {
    const email = uniqueEmail('again');
    const { browser } = await start(email);
    const first = await lastCodeTo(stack, email);
    await browser.post('/auth/signup/start', { email });
    const second = await lastCodeTo(stack, email);
    if (first !== second) {
      const old = await browser.post('/auth/signup/verify-email', { email, code: first });
      assert.equal(old.status, 400);
    }
    assert.equal((await browser.post('/auth/signup/verify-email', { email, code: second })).status, 200);
  });

  test('a code expires after 10 minutes', async () => {
    const email = uniqueEmail('late');
    const { browser } = await start(email);
    const code = await lastCodeTo(stack, email);
    time.advance(10 * MINUTE + 1000);
    const response = await browser.post('/auth/signup/verify-email', { email, code });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'code_invalid');
  });

  test('the table holds a keyed hash, never the code', async () => {
    const email = uniqueEmail('hash');
    const { browser } = await start(email);
    const code = await lastCodeTo(stack, email);
    const items = await withLocalDynamoDb(
      stack,
      async (client) =>
        (await client.send(new ScanCommand({ TableName: stack.config.dynamodb.tableName }))).Items ?? [],
    );
    const record = items.find((item) => item.pk?.S?.startsWith('CODE#') && item.email?.S === email);
    assert.ok(record, 'a code record exists');
    assert.equal(JSON.stringify(items).includes(`"${code}"`), false, 'the code itself is not stored');
    assert.equal((await browser.post('/auth/signup/verify-email', { email, code })).status, 200);
  });

  test('per-recipient send limit: the sixth start for one address in a window → 429, whatever the browser', async () => {
    time.advance(5 * MINUTE);
    const email = uniqueEmail('spam');
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const { response } = await start(email, new TestBrowser(stack, { ip: `203.0.113.${100 + i}` }));
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [202, 202, 202, 202, 202, 429]);
    assert.equal((await mailTo(stack, email)).length, 5);
  });

  test('per-IP send limit: the 21st start from one address in a window → 429 with Retry-After', async () => {
    time.advance(5 * MINUTE);
    const browser = new TestBrowser(stack, { ip: '203.0.113.200' });
    await browser.primeCsrf();
    let limited = null;
    for (let i = 0; i < 21; i++) {
      const response = await browser.post('/auth/signup/start', { email: uniqueEmail('ip') });
      if (response.status === 429) limited = { i, response };
    }
    assert.equal(limited?.i, 20);
    assert.ok(Number(limited?.response.headers.get('retry-after')) > 0);
  });

  test('an unverified claim from an older version does not block the owner of the address', async () => {
    time.advance(5 * MINUTE);
    const email = uniqueEmail('squatted');
    const squatter = await passkeyAccount(stack, email);
    await makeClaimLegacy(stack, email);
    const owner = await passkeyAccount(stack, email);
    assert.notEqual(owner.userId, squatter.userId);
    assert.deepEqual(await stack.store.findEmailClaim(email), { userId: owner.userId, verified: true });
  });

  test('no code appears in any log line', async () => {
    const email = uniqueEmail('logs');
    const browser = new TestBrowser(stack);
    const options = await signUpOptions(browser, email);
    assert.equal(options.status, 200);
    const code = await lastCodeTo(stack, email);
    assertNoCodeLogged(stack.logs, [code]);
  });
});

describe('sign-up start timing', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ env: { MAIL_START_FLOOR_MS: '300' } });
  });
  after(async () => {
    await stack.close();
  });

  test('a taken and an unknown email answer in the same time (the floor), within noise', async () => {
    const taken = uniqueEmail('timed');
    await passkeyAccount(stack, taken);
    const measure = async (email: string) => {
      const browser = new TestBrowser(stack, { ip: `198.51.100.${Math.floor(Math.random() * 200)}` });
      await browser.primeCsrf();
      const startedAt = performance.now();
      const response = await browser.post('/auth/signup/start', { email });
      assert.equal(response.status, 202);
      return performance.now() - startedAt;
    };
    const takenTimes: number[] = [];
    const freshTimes: number[] = [];
    for (let i = 0; i < 4; i++) {
      takenTimes.push(await measure(taken));
      freshTimes.push(await measure(uniqueEmail('timed-new')));
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    for (const value of [...takenTimes, ...freshTimes]) assert.ok(value >= 295, `answered after ${value} ms`);
    assert.ok(
      Math.abs(median(takenTimes) - median(freshTimes)) < 60,
      `taken ${median(takenTimes)} ms vs new ${median(freshTimes)} ms`,
    );
  });
});

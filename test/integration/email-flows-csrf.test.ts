// docs/security.md "CSRF", on the endpoints of docs/api.md "Email, recovery
// and the account": a forged request (no CSRF header, a foreign Origin,
// Sec-Fetch-Site: cross-site) is refused with 403 csrf_failed, sets no
// session, refresh, ceremony or code cookie, mails nothing, and changes
// nothing — even when it carries the right code, which still works afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cognitoAttributes, googleAccount, legacyAccount, passkeyAccount } from '../support/account.ts';
import { TestBrowser, type TestResponse } from '../support/browser.ts';
import { mailedAddresses } from '../support/codes.ts';
import { assertRejected } from '../support/flows.ts';
import { lastCodeTo, mailTo } from '../support/mailbox.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

type Forgery = (client: TestBrowser, method: string, path: string, body?: unknown) => Promise<TestResponse>;

/** Three ways a request from another site looks; each has every cookie of `client`. */
const FORGERIES: Record<string, Forgery> = {
  'no CSRF header': (client, method, path, body) =>
    client.request(method, path, { ...(body !== undefined ? { body } : {}), csrf: false }),
  'a foreign Origin': async (client, method, path, body) => {
    const origin = client.origin;
    client.origin = 'https://evil.example';
    try {
      return await client.request(method, path, body !== undefined ? { body } : {});
    } finally {
      client.origin = origin;
    }
  },
  'Sec-Fetch-Site: cross-site': (client, method, path, body) =>
    client.request(method, path, {
      ...(body !== undefined ? { body } : {}),
      headers: { 'sec-fetch-site': 'cross-site' },
    }),
};

/** 403 csrf_failed, no session or refresh cookie (`assertRejected`), and no ceremony or code cookie either. */
function assertForgeryRefused(response: TestResponse, what: string): void {
  assertRejected(response, 403, 'csrf_failed');
  assert.deepEqual(
    response.setCookies.filter((line) => /^(__Host-)?(ceremony|code)=/.test(line)),
    [],
    `${what}: no ceremony or code cookie`,
  );
}

/** Sends `method path` in every forged way; each is refused and leaves no trace. */
async function forgeEvery(client: TestBrowser, method: string, path: string, body?: unknown) {
  for (const [how, forge] of Object.entries(FORGERIES)) {
    assertForgeryRefused(await forge(client, method, path, body), `${method} ${path} with ${how}`);
  }
}

describe('forged requests to the email endpoints (docs/security.md "CSRF")', () => {
  let stack: TestStack;
  const time = manualClock();
  const mailed = mailedAddresses();
  const { email } = mailed;
  let nextIp = 10;
  const browser = () => new TestBrowser(stack, { ip: `203.0.113.${nextIp++}` });

  before(async () => {
    stack = await startTestStack({ clock: time.clock });
  });
  after(() => stack.close());

  test('sign-up: a forged start mails nothing; a forged verify-email with the right code gives no options', async () => {
    const client = browser();
    await client.primeCsrf();
    const stranger = email('forged-signup');
    await forgeEvery(client, 'POST', '/auth/signup/start', { email: stranger });
    assert.deepEqual(await mailTo(stack, stranger), [], 'nothing was mailed');

    const address = email('signup');
    assert.equal((await client.post('/auth/signup/start', { email: address })).status, 202);
    const code = await lastCodeTo(stack, address);
    await forgeEvery(client, 'POST', '/auth/signup/verify-email', { email: address, code });
    const options = await client.post('/auth/signup/verify-email', { email: address, code });
    assert.equal(
      options.status,
      200,
      `the code was neither used nor counted: ${JSON.stringify(options.body)}`,
    );
  });

  test('recovery: a forged start mails nothing; a forged verify with the right code starts no session', async () => {
    const { email: address, userId } = await passkeyAccount(stack, email('recover'), browser());
    const client = browser();
    await client.primeCsrf();
    const mails = (await mailTo(stack, address)).length;
    await forgeEvery(client, 'POST', '/auth/recovery/start', { email: address });
    assert.equal((await mailTo(stack, address)).length, mails, 'nothing was mailed');

    assert.equal((await client.post('/auth/recovery/start', { email: address })).status, 202);
    const code = await lastCodeTo(stack, address);
    const cognito = stack.cognito.counts();
    await forgeEvery(client, 'POST', '/auth/recovery/verify', { email: address, code });
    assert.deepEqual(stack.cognito.counts(), cognito, 'Cognito was never asked');
    assert.deepEqual(
      (await stack.store.listSessions(userId)).map((s) => s.authMethod),
      ['passkey'],
      'only the sign-up session: no recovery session, none ended',
    );
    const recovered = await client.post('/auth/recovery/verify', { email: address, code });
    assert.equal(
      recovered.status,
      200,
      `the code was neither used nor counted: ${JSON.stringify(recovered.body)}`,
    );
  });

  test('email change: forged start and verify change nothing; forged deletion leaves the account whole', async () => {
    const address = email('change');
    const { browser: client, userId } = await passkeyAccount(stack, address, browser());
    const target = email('change-target');
    await forgeEvery(client, 'POST', '/auth/email/change/start', { email: target });
    assert.deepEqual(await mailTo(stack, target), [], 'nothing was mailed');

    assert.equal((await client.post('/auth/email/change/start', { email: target })).status, 202);
    const code = await lastCodeTo(stack, target);
    await forgeEvery(client, 'POST', '/auth/email/change/verify', { code });
    assert.equal((await client.get('/auth/me')).body.user.email, address);
    assert.deepEqual(await stack.store.findEmailClaim(address), { userId, verified: true });
    assert.equal(await stack.store.findEmailClaim(target), null);

    await forgeEvery(client, 'DELETE', '/auth/account');
    assert.notEqual(await cognitoAttributes(stack, userId), null, 'the Cognito user is still there');
    assert.equal((await stack.store.listSessions(userId)).length, 1);
    assert.equal((await client.get('/auth/me')).status, 200);

    const changed = await client.post('/auth/email/change/verify', { code });
    assert.equal(
      changed.status,
      200,
      `the code was neither used nor counted: ${JSON.stringify(changed.body)}`,
    );
    assert.equal(changed.body.user.email, target);
  });

  test('email verification: forged start mails nothing; a forged verify with the right code verifies nothing', async () => {
    const address = email('legacy');
    const { browser: client, userId } = await legacyAccount(stack, address);
    const mails = (await mailTo(stack, address)).length;
    await forgeEvery(client, 'POST', '/auth/email/verify/start');
    assert.equal((await mailTo(stack, address)).length, mails, 'nothing was mailed');

    assert.equal((await client.post('/auth/email/verify/start')).status, 202);
    const code = await lastCodeTo(stack, address);
    await forgeEvery(client, 'POST', '/auth/email/verify', { code });
    assert.deepEqual(await stack.store.findEmailClaim(address), { userId, verified: false });
    assert.equal((await cognitoAttributes(stack, userId))?.email_verified, 'false');
    const verified = await client.post('/auth/email/verify', { code });
    assert.equal(
      verified.status,
      200,
      `the code was neither used nor counted: ${JSON.stringify(verified.body)}`,
    );
  });

  test('step-up by email: forged start mails nothing; a forged verify with the right code steps nothing up', async () => {
    const address = email('stepup');
    const { browser: client } = await googleAccount(stack, address);
    const mails = (await mailTo(stack, address)).length;
    await forgeEvery(client, 'POST', '/auth/stepup/email/start');
    assert.equal((await mailTo(stack, address)).length, mails, 'nothing was mailed');

    assert.equal((await client.post('/auth/stepup/email/start')).status, 202);
    const code = await lastCodeTo(stack, address);
    await forgeEvery(client, 'POST', '/auth/stepup/email/verify', { code });
    const stillNot = await client.post('/auth/passkeys/options');
    assert.equal(stillNot.status, 401, 'not stepped up');
    assert.equal(stillNot.body.error.code, 'reauth_required');
    assert.equal((await client.post('/auth/stepup/email/verify', { code })).status, 204);
  });

  test('no code appears in any log line', () => mailed.assertNoCodeLogged(stack, 4));
});

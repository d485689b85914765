import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, TestBrowser, type TestResponse } from '../support/browser.ts';
import { signIn, signUp, uniqueEmail } from '../support/flows.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

const ICLOUD = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
const MINUTE = 60 * 1000;

describe('passkey management (docs/api.md "Passkey management")', () => {
  let stack: TestStack;
  const time = manualClock();
  before(async () => {
    stack = await startTestStack({ clock: time.clock });
  });
  after(async () => {
    await stack.close();
  });

  /** Options → authenticator → POST /auth/passkeys. */
  async function addPasskey(
    browser: TestBrowser,
    authenticator: SoftAuthenticator,
    body: { nickname?: string } = {},
  ): Promise<{ options: TestResponse; added: TestResponse }> {
    const options = await browser.post('/auth/passkeys/options');
    if (options.status !== 200) return { options, added: options };
    const credential = await authenticator.register(options.body.options, { origin: stack.origin });
    const added = await browser.post('/auth/passkeys', { credential, ...body });
    return { options, added };
  }

  async function newUser() {
    const browser = new TestBrowser(stack);
    const authenticator = new SoftAuthenticator();
    const email = uniqueEmail('manage');
    const created = await signUp(browser, authenticator, email);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { browser, authenticator, email, userId: created.body.user.id as string };
  }

  test('add a second passkey (excluding the first), sign in with each, rename, delete one', async () => {
    const { browser, authenticator: first, email, userId } = await newUser();
    const list = await browser.get('/auth/passkeys');
    assert.equal(list.status, 200);
    assert.equal(list.body.passkeys.length, 1);
    const [only] = list.body.passkeys;
    assert.equal(only.id, first.credentials[0]?.id);
    assert.equal(only.nickname, 'Passkey');
    assert.equal(only.lastUsedAt, null);
    assert.equal(only.backedUp, false);
    assert.ok(Array.isArray(only.transports));
    assert.equal('authenticatorName' in only, false, 'the all-zero AAGUID names nothing');
    assert.ok(Date.parse(only.createdAt) > 0);
    assert.deepEqual(Object.keys(only).sort(), [
      'backedUp',
      'createdAt',
      'id',
      'lastUsedAt',
      'nickname',
      'transports',
    ]);

    const second = new SoftAuthenticator({ aaguid: ICLOUD, backupEligible: true, backedUp: true });
    const { options, added } = await addPasskey(browser, second);
    assert.deepEqual(
      options.body.options.excludeCredentials.map((c: { id: string }) => c.id),
      [first.credentials[0]?.id],
      'the existing passkey is excluded',
    );
    assert.equal(options.body.options.authenticatorSelection.residentKey, 'required');
    assert.equal(options.body.options.authenticatorSelection.userVerification, 'required');
    assert.equal(
      Buffer.from(options.body.options.user.id, 'base64url').toString('utf8'),
      userId,
      'the user handle is the signed-in user',
    );
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.passkey.id, second.credentials[0]?.id);
    assert.equal(added.body.passkey.authenticatorName, 'iCloud Keychain');
    assert.equal(added.body.passkey.nickname, 'iCloud Keychain', 'named after the provider by default');
    assert.equal(added.body.passkey.backedUp, true);
    assert.equal(browser.cookie('ceremony'), undefined, 'the ceremony cookie is cleared');
    const stored = await stack.store.getCredential(second.credentials[0]?.id ?? '');
    assert.equal(stored?.userId, userId, 'recorded for the session user');

    // Sign in with each authenticator.
    await browser.post('/auth/logout');
    const withFirst = await signIn(browser, first, { email });
    assert.equal(withFirst.status, 200, JSON.stringify(withFirst.body));
    assert.equal(withFirst.body.user.id, userId);
    await browser.post('/auth/logout');
    const withSecond = await signIn(browser, second);
    assert.equal(withSecond.status, 200, JSON.stringify(withSecond.body));
    assert.equal(withSecond.body.user.id, userId);

    const after = await browser.get('/auth/passkeys');
    assert.equal(after.body.passkeys.length, 2);
    assert.ok(after.body.passkeys.every((p: { lastUsedAt: string | null }) => p.lastUsedAt !== null));

    const renamed = await browser.request('PATCH', `/auth/passkeys/${second.credentials[0]?.id}`, {
      body: { nickname: '  Work laptop ' },
    });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.equal(renamed.body.passkey.nickname, 'Work laptop');
    assert.equal((await stack.store.getCredential(second.credentials[0]?.id ?? ''))?.nickname, 'Work laptop');

    const deleted = await browser.request('DELETE', `/auth/passkeys/${first.credentials[0]?.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, null);
    const remaining = await browser.get('/auth/passkeys');
    assert.deepEqual(
      remaining.body.passkeys.map((p: { id: string }) => p.id),
      [second.credentials[0]?.id],
    );
    await browser.post('/auth/logout');
    const gone = await signIn(browser, first, { credentialId: first.credentials[0]?.id ?? '' });
    assertError(gone, 401, 'passkey_rejected');
  });

  test('nickname given when adding is used; the same credential cannot be added twice', async () => {
    const { browser } = await newUser();
    const extra = new SoftAuthenticator();
    const { added } = await addPasskey(browser, extra, { nickname: 'Phone' });
    assert.equal(added.status, 201);
    assert.equal(added.body.passkey.nickname, 'Phone');
    // Replaying the registration of an existing credential id under a fresh ceremony is refused.
    const options = await browser.post('/auth/passkeys/options');
    const credential = await extra.register(options.body.options, {
      origin: stack.origin,
      tamper: { credentialId: extra.credentials[0]?.id ?? '' },
    });
    assertError(await browser.post('/auth/passkeys', { credential }), 400, 'passkey_rejected');
  });

  test('deleting the last passkey of a passkey-only account → 409 last_sign_in_method', async () => {
    const { browser, authenticator, userId } = await newUser();
    const id = authenticator.credentials[0]?.id;
    const refused = await browser.request('DELETE', `/auth/passkeys/${id}`);
    assertError(refused, 409, 'last_sign_in_method');
    assert.equal((await stack.store.listCredentials(userId)).length, 1, 'nothing deleted');
  });

  test('after 5 minutes adding and deleting need a fresh sign-in (reauth_required); renaming does not', async () => {
    const { browser, authenticator, email } = await newUser();
    const extra = new SoftAuthenticator();
    assert.equal((await addPasskey(browser, extra)).added.status, 201);
    const options = await browser.post('/auth/passkeys/options');
    assert.equal(options.status, 200);

    time.advance(5 * MINUTE + 1000);
    assertError(await browser.post('/auth/passkeys/options'), 401, 'reauth_required');
    const late = await new SoftAuthenticator().register(options.body.options, { origin: stack.origin });
    assertError(await browser.post('/auth/passkeys', { credential: late }), 401, 'reauth_required');
    assertError(
      await browser.request('DELETE', `/auth/passkeys/${extra.credentials[0]?.id}`),
      401,
      'reauth_required',
    );
    assert.equal((await browser.get('/auth/me')).status, 200, 'the session itself is still valid');
    const renamed = await browser.request('PATCH', `/auth/passkeys/${extra.credentials[0]?.id}`, {
      body: { nickname: 'Still fine' },
    });
    assert.equal(renamed.status, 200);

    // Step-up: a passkey sign-in while signed in resets the window.
    const again = await signIn(browser, authenticator, { email });
    assert.equal(again.status, 200);
    const deleted = await browser.request('DELETE', `/auth/passkeys/${extra.credentials[0]?.id}`);
    assert.equal(deleted.status, 204);
  });

  test("another user's passkey id → 404 not_found on PATCH and DELETE, nothing changed", async () => {
    const alice = await newUser();
    const mallory = await newUser();
    assert.equal((await addPasskey(mallory.browser, new SoftAuthenticator())).added.status, 201);
    const victimId = alice.authenticator.credentials[0]?.id ?? '';
    const patch = await mallory.browser.request('PATCH', `/auth/passkeys/${victimId}`, {
      body: { nickname: 'pwned' },
    });
    assertError(patch, 404, 'not_found');
    const del = await mallory.browser.request('DELETE', `/auth/passkeys/${victimId}`);
    assertError(del, 404, 'not_found');
    const unknown = await mallory.browser.request('DELETE', '/auth/passkeys/AAAAAAAAAAAAAAAAAAAAAA');
    assert.deepEqual(unknown.body, del.body, 'indistinguishable from an id that does not exist');
    const stored = await stack.store.getCredential(victimId);
    assert.equal(stored?.nickname, 'Passkey');
    assert.equal(stored?.userId, alice.userId);
    const list = await mallory.browser.get('/auth/passkeys');
    assert.ok(list.body.passkeys.every((p: { id: string }) => p.id !== victimId));
  });

  test('a ceremony begun by one user cannot add a passkey to another', async () => {
    const alice = await newUser();
    const bob = await newUser();
    const options = await alice.browser.post('/auth/passkeys/options');
    const credential = await new SoftAuthenticator().register(options.body.options, { origin: stack.origin });
    bob.browser.cookies.set('ceremony', alice.browser.cookie('ceremony') ?? '');
    assertError(await bob.browser.post('/auth/passkeys', { credential }), 400, 'passkey_rejected');
    assert.equal((await stack.store.listCredentials(bob.userId)).length, 1);
    assert.equal((await stack.store.listCredentials(alice.userId)).length, 1);
  });

  test('without a session every endpoint → 401 unauthenticated', async () => {
    const browser = new TestBrowser(stack);
    await browser.primeCsrf();
    assertError(await browser.get('/auth/passkeys'), 401, 'unauthenticated');
    assertError(await browser.post('/auth/passkeys/options'), 401, 'unauthenticated');
    assertError(await browser.post('/auth/passkeys', { credential: {} }), 401, 'unauthenticated');
    assertError(
      await browser.request('PATCH', '/auth/passkeys/AAAA', { body: { nickname: 'x' } }),
      401,
      'unauthenticated',
    );
    assertError(await browser.request('DELETE', '/auth/passkeys/AAAA'), 401, 'unauthenticated');
  });

  test('state-changing requests need the CSRF token', async () => {
    const { browser, authenticator } = await newUser();
    const id = authenticator.credentials[0]?.id;
    assertError(await browser.post('/auth/passkeys/options', undefined, { csrf: false }), 403, 'csrf_failed');
    assertError(
      await browser.request('PATCH', `/auth/passkeys/${id}`, { body: { nickname: 'x' }, csrf: false }),
      403,
      'csrf_failed',
    );
    assertError(await browser.request('DELETE', `/auth/passkeys/${id}`, { csrf: false }), 403, 'csrf_failed');
    browser.origin = 'https://evil.example';
    const foreign = await browser.request('PATCH', `/auth/passkeys/${id}`, { body: { nickname: 'x' } });
    browser.origin = stack.origin;
    assertError(foreign, 403, 'csrf_failed');
    assert.equal((await stack.store.getCredential(id ?? ''))?.nickname, 'Passkey');
  });

  test('bad input → 400 invalid_request naming the field', async () => {
    const { browser, authenticator } = await newUser();
    const id = authenticator.credentials[0]?.id;
    const patch = (body: unknown) => browser.request('PATCH', `/auth/passkeys/${id}`, { body });
    for (const body of [
      {},
      { nickname: '' },
      { nickname: '   ' },
      { nickname: 'x'.repeat(65) },
      { nickname: 'a\u0007b' },
      { nickname: 42 },
    ]) {
      const response = await patch(body);
      assertError(response, 400, 'invalid_request');
      assert.match(response.body.error.message, /nickname/);
    }
    assertError(
      await browser.request('PATCH', `/auth/passkeys/${id}`, { rawBody: '{"nickname":' }),
      400,
      'invalid_request',
    );
    assertError(
      await browser.request('PATCH', '/auth/passkeys/not*base64url', { body: { nickname: 'ok' } }),
      400,
      'invalid_request',
    );
    await browser.post('/auth/passkeys/options');
    const bad = await browser.post('/auth/passkeys', { credential: { id: 'x' } });
    assertError(bad, 400, 'invalid_request');
    assert.match(bad.body.error.message, /credential/);
    assert.equal((await stack.store.getCredential(id ?? ''))?.nickname, 'Passkey');
    assert.equal((await patch({ nickname: 'x'.repeat(64) })).status, 200, '64 characters are fine');
  });
});

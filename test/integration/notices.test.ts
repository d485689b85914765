// docs/api.md "Email, recovery and the account": notices of a new passkey and
// of a Google link or unlink go to the account's address — only a verified one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { legacyAccount, mailsWithSubject, passkeyAccount } from '../support/account.ts';
import { TestBrowser } from '../support/browser.ts';
import { uniqueEmail } from '../support/flows.ts';
import { GoogleFlowWalker } from '../support/google.ts';
import { codeIn, mailTo } from '../support/mailbox.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const PASSKEY_ADDED = /^A passkey was added/;
const GOOGLE_LINKED = /^Google sign-in was linked/;
const GOOGLE_UNLINKED = /^Google sign-in was removed/;

describe('notices (docs/api.md "Email, recovery and the account")', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  async function addPasskey(browser: TestBrowser) {
    const options = await browser.post('/auth/passkeys/options');
    assert.equal(options.status, 200, JSON.stringify(options.body));
    const credential = await new SoftAuthenticator().register(options.body.options, { origin: stack.origin });
    const added = await browser.post('/auth/passkeys', { credential });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  }

  test('a passkey added: the account address is told, with no code and the account page', async () => {
    const address = uniqueEmail('added');
    const { browser } = await passkeyAccount(stack, address);
    assert.equal((await mailsWithSubject(stack, address, PASSKEY_ADDED)).length, 0, 'sign-up is no notice');
    await addPasskey(browser);
    const [notice, ...more] = await mailsWithSubject(stack, address, PASSKEY_ADDED);
    assert.ok(notice);
    assert.equal(more.length, 0);
    assert.equal(codeIn(notice), null);
    assert.match(notice.body.text ?? '', new RegExp(`${stack.config.frontendUrl}/account`));
  });

  test('Google linked on purpose, then unlinked: a notice each', async () => {
    const address = uniqueEmail('link-notice');
    const { browser } = await passkeyAccount(stack, address);
    const link = await browser.post('/auth/google/link');
    assert.equal(link.status, 200, JSON.stringify(link.body));
    await new GoogleFlowWalker(browser).run(link.body.redirectTo, { email: uniqueEmail('googler') });
    assert.deepEqual((await browser.get('/auth/me')).body.user.providers, ['passkey', 'google']);
    assert.equal((await mailsWithSubject(stack, address, GOOGLE_LINKED)).length, 1);
    assert.equal((await browser.request('DELETE', '/auth/google')).status, 204);
    assert.equal((await mailsWithSubject(stack, address, GOOGLE_UNLINKED)).length, 1);
  });

  test('Google with the email of a verified account: linked by email, and the account is told', async () => {
    const address = uniqueEmail('auto-link');
    const { userId } = await passkeyAccount(stack, address);
    const walker = new GoogleFlowWalker(new TestBrowser(stack));
    const run = await walker.run('/auth/google?returnTo=/expenses', { email: address });
    assert.equal(run.finalUrl, `${stack.config.frontendUrl}/expenses`);
    const me = await walker.browser.get('/auth/me');
    assert.equal(me.body.user.id, userId);
    assert.deepEqual(me.body.user.providers, ['passkey', 'google']);
    assert.equal((await mailsWithSubject(stack, address, GOOGLE_LINKED)).length, 1);
    // Later Google sign-ins are ordinary sign-ins: no further notice.
    await new GoogleFlowWalker(new TestBrowser(stack)).run('/auth/google?returnTo=/expenses', {
      email: address,
    });
    assert.equal((await mailsWithSubject(stack, address, GOOGLE_LINKED)).length, 1);
  });

  test('an unverified address is never sent a notice', async () => {
    const address = uniqueEmail('unverified');
    const { browser } = await legacyAccount(stack, address);
    const before = (await mailTo(stack, address)).length;
    await addPasskey(browser);
    assert.equal((await mailTo(stack, address)).length, before);
  });
});

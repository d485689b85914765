// The demo app's server-rendered pages: the emailed-code steps, "Lost your
// passkey?", the account page's email sections, and the recovery page.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accountPage, loginPage, type PageUser, recoveryPage } from '../../web/app/pages.ts';

const user = (overrides: Partial<PageUser> = {}): PageUser => ({
  id: 'u1',
  email: 'ada@example.com',
  emailVerified: true,
  providers: ['passkey'],
  ...overrides,
});

/** The opening tag of the element with this id. */
function tag(html: string, id: string): string {
  const found = new RegExp(`<[a-z]+ id="${id}"[^>]*>`).exec(html);
  assert.ok(found, `#${id} is on the page`);
  return found[0];
}

describe('demo app pages', () => {
  test('every code field is one numeric one-time-code input for 6 digits, labelled, in a hidden step', () => {
    const login = loginPage({ user: null, error: null, status: null, returnTo: '/expenses' });
    const account = accountPage({ user: user({ emailVerified: false }), error: null });
    const fields: [string, string][] = [
      [login, 'signup'],
      [login, 'recover'],
      [account, 'verify-email'],
      [account, 'change-email'],
      [account, 'reauth'],
    ];
    for (const [html, prefix] of fields) {
      const input = tag(html, `${prefix}-code`);
      assert.match(input, /autocomplete="one-time-code"/, prefix);
      assert.match(input, /inputmode="numeric"/, prefix);
      assert.match(input, /pattern="\[0-9\]\{6\}"/, prefix);
      assert.match(input, /required/, prefix);
      assert.doesNotMatch(input, /maxlength/, `${prefix}: a pasted "123 456" is not cut short`);
      assert.match(html, new RegExp(`<label for="${prefix}-code">`), prefix);
      assert.match(tag(html, `${prefix}-code-form`), /hidden/, `${prefix}: shown once a code was sent`);
      assert.match(html, new RegExp(`id="${prefix}-resend"`), `${prefix}: a new code can be asked for`);
    }
  });

  test('the login page offers "Lost your passkey?" with its own email field', () => {
    const html = loginPage({ user: null, error: null, status: null, returnTo: '/expenses' });
    assert.match(html, /<summary>Lost your passkey\?<\/summary>/);
    assert.match(tag(html, 'recover-email'), /type="email"/);
  });

  test('the account page asks to verify only an unverified email, and names it in the delete confirmation', () => {
    assert.match(accountPage({ user: user({ emailVerified: false }), error: null }), /id="verify-email"/);
    const verified = accountPage({ user: user(), error: null });
    assert.doesNotMatch(verified, /id="verify-email"/);
    assert.match(verified, /id="change-email"/);
    assert.match(tag(verified, 'delete-account-email'), /data-expected="ada@example.com"/);
    assert.match(verified, /This cannot be undone/);
    const hostile = accountPage({ user: user({ email: '"><img src=x>@example.com' }), error: null });
    assert.doesNotMatch(hostile, /<img src=x>/);
  });

  test('the recovery page offers only adding a passkey and signing out', () => {
    const html = recoveryPage({ user: user() });
    assert.match(html, /data-page="recovery"/);
    assert.match(html, /id="recovery-add-passkey"/);
    assert.match(html, /10 minutes/);
    assert.match(html, /id="signout"/);
    assert.doesNotMatch(html, /href="\/(expenses|account)"/);
  });
});

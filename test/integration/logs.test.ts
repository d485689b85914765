// docs/security.md "Secrets and logs": full flows, then every log line is
// scanned for tokens, cookie values, secrets, challenges and assertions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestBrowser } from '../support/browser.ts';
import { signIn, signUpOptions, uniqueEmail } from '../support/flows.ts';
import { lastCodeTo } from '../support/mailbox.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { startTestStack, TEST_SECRET_KEY } from '../support/stack.ts';

test('no log line contains a token, cookie, secret, challenge or assertion', async () => {
  const stack = await startTestStack();
  const secrets = new Set<string>([TEST_SECRET_KEY, stack.config.cognito.clientSecret]);
  try {
    const browser = new TestBrowser(stack);
    const authenticator = new SoftAuthenticator();
    const collect = (response: { setCookies: string[]; body: unknown }) => {
      for (const line of response.setCookies) {
        const value = line.split(';')[0]?.split('=').slice(1).join('=') ?? '';
        if (value.length >= 16) secrets.add(value);
      }
      const token = (response.body as { csrfToken?: string } | null)?.csrfToken;
      if (token) secrets.add(token);
    };
    await browser.primeCsrf();
    const email = uniqueEmail();
    const options = await signUpOptions(browser, email);
    secrets.add(await lastCodeTo(stack, email));
    secrets.add(options.body.options.challenge);
    const credential = await authenticator.register(options.body.options, { origin: stack.origin });
    secrets.add(credential.response.attestationObject);
    secrets.add(credential.response.clientDataJSON);
    const created = await browser.post('/auth/passkey/register/verify', { credential });
    assert.equal(created.status, 201);
    collect(created);
    collect(await browser.post('/auth/refresh'));
    await browser.post('/auth/logout');
    const loginOptions = await browser.post('/auth/passkey/login/options', {});
    secrets.add(loginOptions.body.options.challenge);
    const bad = await signIn(browser, authenticator, { tamper: { badSignature: true } });
    assert.equal(bad.status, 401);
    const good = await signIn(browser, authenticator);
    assert.equal(good.status, 200);
    collect(good);

    assert.ok(stack.logs.length > 10, 'the flows logged');
    for (const line of stack.logs) {
      JSON.parse(line);
      for (const secret of secrets)
        assert.equal(line.includes(secret), false, `log line leaks a secret: ${line.slice(0, 200)}`);
      assert.doesNotMatch(line, /eyJ[\w-]{10,}\.[\w-]{10,}/, 'no JWT/JWE in logs');
    }
    assert.ok(
      stack.logs.every((line) => 'requestId' in JSON.parse(line) || JSON.parse(line).component === 'trigger'),
    );
  } finally {
    await stack.close();
  }
});

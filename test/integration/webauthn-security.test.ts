// docs/security.md "WebAuthn": each attack fails with the uniform error,
// no session cookie, and nothing stored or changed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestBrowser } from '../support/browser.ts';
import { assertion, assertRejected, signIn, signUp, signUpOptions, uniqueEmail } from '../support/flows.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { manualClock, startTestStack, type TestStack } from '../support/stack.ts';

describe('WebAuthn sign-in attacks', () => {
  let stack: TestStack;
  const time = manualClock();
  let victim: { email: string; userId: string; authenticator: SoftAuthenticator; credentialId: string };

  before(async () => {
    // Budgets high enough that the attempts below are judged, not rate limited.
    stack = await startTestStack({
      clock: time.clock,
      env: { RATE_LIMIT_ACCOUNT_FAILURES: '1000', RATE_LIMIT_IP_FAILURES: '1000' },
    });
    const authenticator = new SoftAuthenticator();
    const email = uniqueEmail('victim');
    const created = await signUp(new TestBrowser(stack), authenticator, email);
    assert.equal(created.status, 201);
    victim = {
      email,
      userId: created.body.user.id,
      authenticator,
      credentialId: authenticator.credentials[0]?.id ?? '',
    };
  });
  after(async () => {
    await stack.close();
  });

  /** The victim's credential as stored: must be unchanged by any failed attempt. */
  const storedCredential = () => stack.store.getCredential(victim.credentialId);

  async function expectRejectedAndUnchanged(
    attempt: (browser: TestBrowser) => Promise<Awaited<ReturnType<typeof signIn>>>,
  ) {
    const before = await storedCredential();
    const browser = new TestBrowser(stack, { ip: `203.0.113.${Math.floor(Math.random() * 250)}` });
    const response = await attempt(browser);
    assertRejected(response);
    assert.deepEqual(await storedCredential(), before, 'the stored credential is unchanged');
    assert.equal((await browser.get('/auth/me')).status, 401);
    return response;
  }

  const tampers = {
    'wrong origin': { origin: 'https://evil.example' },
    'wrong RP ID hash': { rpId: 'evil.example' },
    'challenge not the one issued': { challenge: Buffer.alloc(32, 7).toString('base64url') },
    'wrong clientData type': { type: 'webauthn.create' },
    'user verification missing (UV flag clear)': { uv: false as const },
    'user presence missing (UP flag clear)': { up: false as const },
    'bad signature (library returns verified: false)': { badSignature: true as const },
    'crossOrigin: true': { crossOrigin: true as const },
  };
  for (const [name, tamper] of Object.entries(tampers)) {
    test(`${name} → 401 passkey_rejected`, async () => {
      await expectRejectedAndUnchanged((browser) => signIn(browser, victim.authenticator, { tamper }));
    });
  }

  test('counter regression (cloned authenticator) → 401, counter unchanged', async () => {
    // Move the stored counter forward with a real sign-in, then present a lower one.
    const ok = await signIn(new TestBrowser(stack), victim.authenticator);
    assert.equal(ok.status, 200);
    await expectRejectedAndUnchanged((browser) =>
      signIn(browser, victim.authenticator, { tamper: { signCount: 0 } }),
    );
  });

  test("attacker's own credential presented with the victim's user handle (w3c/webauthn#753) → 401", async () => {
    const attacker = new SoftAuthenticator();
    const created = await signUp(new TestBrowser(stack), attacker, uniqueEmail('attacker'));
    assert.equal(created.status, 201);
    const victimHandle = Buffer.from(victim.userId).toString('base64url');
    await expectRejectedAndUnchanged((browser) =>
      signIn(browser, attacker, { tamper: { userHandle: victimHandle } }),
    );
  });

  test("attacker signs with their key but claims the victim's credential id → 401", async () => {
    const attacker = new SoftAuthenticator();
    assert.equal((await signUp(new TestBrowser(stack), attacker, uniqueEmail('attacker'))).status, 201);
    await expectRejectedAndUnchanged((browser) =>
      signIn(browser, attacker, {
        tamper: {
          credentialId: victim.credentialId,
          userHandle: Buffer.from(victim.userId).toString('base64url'),
        },
      }),
    );
  });

  test('unknown credential → 401 with the same body as a bad signature', async () => {
    const stranger = new SoftAuthenticator();
    const ghost = new SoftAuthenticator();
    // A credential registered nowhere: register it against options the server never saw.
    const options = await new TestBrowser(stack).post('/auth/passkey/login/options', {});
    void options;
    const unknown = await expectRejectedAndUnchanged(async (browser) => {
      await browser.primeCsrf();
      const regOptions = {
        rp: { id: 'localhost', name: 'x' },
        user: { id: Buffer.from('ghost').toString('base64url'), name: 'ghost', displayName: 'ghost' },
        challenge: Buffer.alloc(32, 1).toString('base64url'),
        pubKeyCredParams: [{ type: 'public-key' as const, alg: -7 }],
      };
      await ghost.register(regOptions, { origin: stack.origin });
      return signIn(browser, ghost);
    });
    const bad = await expectRejectedAndUnchanged((browser) =>
      signIn(browser, victim.authenticator, { tamper: { badSignature: true } }),
    );
    assert.deepEqual(unknown.body, bad.body);
    void stranger;
  });

  test('a challenge expired after 5 minutes → 401', async () => {
    await expectRejectedAndUnchanged(async (browser) => {
      const credential = await assertion(browser, victim.authenticator);
      time.advance(5 * 60 * 1000 + 1);
      try {
        return await browser.post('/auth/passkey/login/verify', { credential });
      } finally {
        time.set(Date.now());
      }
    });
  });

  test('a challenge issued to another browser (no ceremony cookie here) → 401', async () => {
    await expectRejectedAndUnchanged(async (browser) => {
      const other = new TestBrowser(stack);
      const credential = await assertion(other, victim.authenticator);
      await browser.primeCsrf();
      return browser.post('/auth/passkey/login/verify', { credential });
    });
  });

  test('a username-first challenge issued for another user → 401', async () => {
    const attacker = new SoftAuthenticator();
    assert.equal((await signUp(new TestBrowser(stack), attacker, uniqueEmail('attacker'))).status, 201);
    await expectRejectedAndUnchanged(async (browser) => {
      await browser.primeCsrf();
      const options = await browser.post('/auth/passkey/login/options', { email: victim.email });
      // The attacker answers the victim-bound challenge with their own credential.
      const credential = await attacker.authenticate(
        { ...options.body.options, allowCredentials: [] },
        { origin: stack.origin },
      );
      return browser.post('/auth/passkey/login/verify', { credential });
    });
  });
});

describe('WebAuthn sign-up attacks', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack.close();
  });

  async function expectNothingCreated(
    email: string,
    attempt: () => Promise<Awaited<ReturnType<typeof signUp>>>,
    status = 400,
  ) {
    const usersBefore = stack.cognito.listUsernames().length;
    const response = await attempt();
    assertRejected(response, status, 'passkey_rejected');
    assert.equal(stack.cognito.listUsernames().length, usersBefore, 'no Cognito user was created');
    assert.equal(await stack.store.findUserIdByEmail(email), null, 'the email was not claimed');
  }

  const tampers = {
    'wrong origin': { origin: 'https://evil.example' },
    'wrong RP ID': { rpId: 'evil.example' },
    'challenge not the one issued': { challenge: Buffer.alloc(32, 9).toString('base64url') },
    'user verification missing': { uv: false as const },
    'crossOrigin: true': { crossOrigin: true as const },
    'algorithm not offered (ES384)': { alg: -35 },
  };
  for (const [name, tamper] of Object.entries(tampers)) {
    test(`${name} → 400 passkey_rejected, nothing created`, async () => {
      const email = uniqueEmail();
      await expectNothingCreated(email, () =>
        signUp(new TestBrowser(stack), new SoftAuthenticator(), email, tamper),
      );
    });
  }

  test('a credential id over 1023 bytes → 400 invalid_request (refused by the schema), nothing created', async () => {
    const email = uniqueEmail();
    const response = await signUp(new TestBrowser(stack), new SoftAuthenticator(), email, {
      credentialId: Buffer.alloc(1100, 5).toString('base64url'),
    });
    assertRejected(response, 400, 'invalid_request');
    assert.equal(await stack.store.findUserIdByEmail(email), null);
  });

  test('a credential id already registered to another user → 400, nothing created, not moved', async () => {
    const owner = new SoftAuthenticator();
    const first = await signUp(new TestBrowser(stack), owner, uniqueEmail('owner'));
    assert.equal(first.status, 201);
    const takenId = owner.credentials[0]?.id ?? '';
    const email = uniqueEmail('thief');
    await expectNothingCreated(email, () =>
      signUp(new TestBrowser(stack), new SoftAuthenticator(), email, { credentialId: takenId }),
    );
    assert.equal((await stack.store.getCredential(takenId))?.userId, first.body.user.id);
  });

  test('a registration response replayed with its ceremony → 400, nothing created', async () => {
    const browser = new TestBrowser(stack);
    const email = uniqueEmail();
    const options = await signUpOptions(browser, email);
    const ceremony = browser.cookie('ceremony');
    const credential = await new SoftAuthenticator().register(options.body.options, { origin: stack.origin });
    assert.equal((await browser.post('/auth/passkey/register/verify', { credential })).status, 201);
    const other = new TestBrowser(stack);
    await other.primeCsrf();
    other.cookies.set('ceremony', ceremony ?? '');
    const users = stack.cognito.listUsernames().length;
    const replay = await other.post('/auth/passkey/register/verify', { credential });
    assertRejected(replay, 400);
    assert.equal(stack.cognito.listUsernames().length, users);
  });
});

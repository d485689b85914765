import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLocalStack } from '../../src/local/stack.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { TestBrowser } from '../support/browser.ts';
import { signIn, signUp, uniqueEmail } from '../support/flows.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { TEST_SECRET_KEY } from '../support/stack.ts';

test('accounts created on the on-disk local stack survive a restart', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'expenser-persist-'));
  const start = () =>
    startLocalStack({
      port: 0,
      dataDir,
      env: { SECRET_KEY: TEST_SECRET_KEY },
      logger: createLogger({ level: 'silent' }),
    });
  try {
    const authenticator = new SoftAuthenticator();
    const email = uniqueEmail();
    const first = await start();
    let userId: string;
    try {
      const created = await signUp(new TestBrowser(first), authenticator, email);
      assert.equal(created.status, 201);
      userId = created.body.user.id;
    } finally {
      await first.close();
    }
    const second = await start();
    try {
      // The port differs, so the origin does too: sign in against the new origin.
      const signedIn = await signIn(new TestBrowser(second), authenticator, { email });
      assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
      assert.equal(signedIn.body.user.id, userId);
    } finally {
      await second.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

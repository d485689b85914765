import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  AdminGetUserCommand,
  GetTokensFromRefreshTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createUser, POOL, signIn, startTestPool } from './setup.ts';

// README.md "npm start ... persisting to a local data directory": users,
// signing keys and refresh tokens survive a restart of the emulator.
test('dataFile — users, signing keys and refresh tokens survive a restart (atomic write, no temp files left)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-emulator-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dataFile = join(dir, 'nested', 'cognito.json');

  const first = await startTestPool({ dataFile, port: 0 });
  const created = await createUser(first.client, 'alice');
  const tokens = await signIn(first.client, 'alice');
  await first.close();

  const stored = JSON.parse(await readFile(dataFile, 'utf8')) as { users: { username: string }[] };
  assert.deepEqual(
    stored.users.map((u) => u.username),
    ['alice'],
  );
  assert.deepEqual(await readdir(join(dir, 'nested')), ['cognito.json']);

  const second = await startTestPool({ dataFile });
  try {
    assert.deepEqual(second.emulator.listUsernames(), ['alice']);
    const user = await second.client.send(
      new AdminGetUserCommand({ UserPoolId: POOL.userPoolId, Username: 'alice' }),
    );
    const sub = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
    assert.equal(sub, created.Attributes?.find((a) => a.Name === 'sub')?.Value);
    // Same keys: a token signed before the restart verifies against the new JWKS.
    const jwks = createRemoteJWKSet(new URL(second.emulator.jwksUri));
    await jwtVerify(tokens.idToken, jwks, { audience: POOL.clientId });
    // Same refresh-token records: the old refresh token still works.
    const refreshed = await second.client.send(
      new GetTokensFromRefreshTokenCommand({
        RefreshToken: tokens.refreshToken,
        ClientId: POOL.clientId,
        ClientSecret: POOL.clientSecret,
      }),
    );
    assert.ok(refreshed.AuthenticationResult?.IdToken);
  } finally {
    await second.close();
  }
});

test('dataFile — a file from another pool is refused at start-up', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-emulator-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dataFile = join(dir, 'cognito.json');
  await (await startTestPool({ dataFile })).close();
  await assert.rejects(startTestPool({ dataFile, userPoolId: 'us-east-1_OtherPool' }), /belongs to pool/);
});

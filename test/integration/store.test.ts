import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { attachCallCounter } from '../../src/local/call-counter.ts';
import { createLocalDynamoDbClient, type LocalDynamoDb, startDynalite } from '../../src/local/dynalite.ts';
import { ensureTable } from '../../src/local/ensure-table.ts';
import { createDynamoDbStore } from '../../src/store/dynamodb-store.ts';
import { CredentialConflictError, CredentialExistsError, EmailClaimedError } from '../../src/store/errors.ts';
import type { ChallengeRecord, CredentialRecord, Store } from '../../src/store/types.ts';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0); // a window boundary for every window length used below

let db: LocalDynamoDb;
let client: DynamoDBClient;
let now = T0;
let tables = 0;

/** A fresh table per test: no state leaks between tests. */
async function freshStore(): Promise<{ store: Store; tableName: string }> {
  const tableName = `store-test-${++tables}`;
  await ensureTable(client, tableName);
  return { store: createDynamoDbStore({ client, tableName, clock: () => now }), tableName };
}

function credential(overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  return {
    id: 'cred-1',
    userId: 'user-1',
    publicKey: 'pQECAyYgASFYIBb0dtTeSGnsU2bTGNmVv3Xl7o6o1QF3wPzP7y7QMnvP',
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'multiDevice',
    backedUp: true,
    aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd',
    nickname: 'Passkey',
    createdAt: T0,
    lastUsedAt: null,
    ...overrides,
  };
}

function challenge(overrides: Partial<ChallengeRecord> = {}): ChallengeRecord {
  return {
    id: 'chal-1',
    challenge: 'Y2hhbGxlbmdlLWNoYWxsZW5nZS1jaGFsbGVuZ2UtY2hhbGxlbmdl',
    purpose: 'registration',
    userId: 'user-1',
    email: 'ada@example.com',
    displayName: 'Ada',
    expiresAt: T0 + 300_000,
    ...overrides,
  };
}

before(async () => {
  db = await startDynalite({});
  client = createLocalDynamoDbClient(db.endpoint);
});

after(async () => {
  client.destroy();
  await db.close();
});

describe('table', () => {
  test('ensureTable is idempotent and enables TTL on ttl', async () => {
    const { tableName } = await freshStore();
    await ensureTable(client, tableName);
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    assert.equal(TimeToLiveDescription?.TimeToLiveStatus, 'ENABLED');
    assert.equal(TimeToLiveDescription?.AttributeName, 'ttl');
  });
});

describe('challenges', () => {
  test('a stored challenge is returned once, with every field, then never again', async () => {
    now = T0;
    const { store } = await freshStore();
    await store.putChallenge(challenge());
    assert.deepEqual(await store.consumeChallenge('chal-1'), challenge());
    assert.equal(await store.consumeChallenge('chal-1'), null);
  });

  test('optional fields stay absent', async () => {
    now = T0;
    const { store } = await freshStore();
    const record: ChallengeRecord = {
      id: 'c',
      challenge: 'x',
      purpose: 'authentication',
      expiresAt: T0 + 1000,
    };
    await store.putChallenge(record);
    assert.deepEqual(await store.consumeChallenge('c'), record);
  });

  test('an unknown challenge is null', async () => {
    const { store } = await freshStore();
    assert.equal(await store.consumeChallenge('nope'), null);
  });

  test('two concurrent consumes: exactly one wins', async () => {
    now = T0;
    const { store } = await freshStore();
    for (let round = 0; round < 5; round++) {
      await store.putChallenge(challenge({ id: `race-${round}` }));
      const results = await Promise.all([
        store.consumeChallenge(`race-${round}`),
        store.consumeChallenge(`race-${round}`),
      ]);
      assert.equal(results.filter((result) => result !== null).length, 1, `round ${round}`);
    }
  });

  test('expiry is honoured on read (TTL deletion is lazy) and the expired record is gone', async () => {
    now = T0;
    const { store, tableName } = await freshStore();
    await store.putChallenge(challenge({ expiresAt: T0 + 1000 }));
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'CHAL#chal-1' }, sk: { S: 'CHAL' } } }),
    );
    assert.equal(raw.Item?.ttl?.N, String((T0 + 1000) / 1000), 'ttl in epoch seconds');
    now = T0 + 1000;
    assert.equal(await store.consumeChallenge('chal-1'), null);
    now = T0;
    assert.equal(await store.consumeChallenge('chal-1'), null, 'consumed even though expired');
  });

  test('a challenge 1 ms before expiry is still valid', async () => {
    now = T0 + 999;
    const { store } = await freshStore();
    await store.putChallenge(challenge({ expiresAt: T0 + 1000 }));
    assert.notEqual(await store.consumeChallenge('chal-1'), null);
  });
});

describe('grants', () => {
  test('single use, concurrent consumes, expiry', async () => {
    now = T0;
    const { store } = await freshStore();
    const grant = { id: 'grant-1', userId: 'user-1', expiresAt: T0 + 60_000 };
    await store.putGrant(grant);
    const results = await Promise.all([store.consumeGrant('grant-1'), store.consumeGrant('grant-1')]);
    assert.deepEqual(
      results.filter((result) => result !== null),
      [grant],
    );
    await store.putGrant({ ...grant, id: 'grant-2' });
    now = T0 + 60_000;
    assert.equal(await store.consumeGrant('grant-2'), null);
    assert.equal(await store.consumeGrant('unknown'), null);
  });
});

describe('accounts', () => {
  test('createAccount claims the email and stores the credential', async () => {
    const { store } = await freshStore();
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    assert.equal(await store.findUserIdByEmail('ada@example.com'), 'user-1');
    assert.equal(await store.findUserIdByEmail('other@example.com'), null);
    assert.deepEqual(await store.getCredential('cred-1'), credential());
  });

  test("claimEmail (a Google-only account): claims a free email, is idempotent for its owner, never takes another's", async () => {
    const { store } = await freshStore();
    assert.equal(await store.claimEmail({ userId: 'google_1', email: 'g@example.com' }), true);
    assert.equal(await store.claimEmail({ userId: 'google_1', email: 'g@example.com' }), true);
    assert.equal(await store.findUserIdByEmail('g@example.com'), 'google_1');
    assert.equal(await store.claimEmail({ userId: 'google_2', email: 'g@example.com' }), false);
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    assert.equal(await store.claimEmail({ userId: 'google_3', email: 'ada@example.com' }), false);
    assert.equal(await store.findUserIdByEmail('ada@example.com'), 'user-1');
    await assert.rejects(
      store.createAccount({
        userId: 'user-2',
        email: 'g@example.com',
        credential: credential({ id: 'cred-2', userId: 'user-2' }),
      }),
      EmailClaimedError,
    );
    await store.deleteAccount({ userId: 'google_1', email: 'g@example.com' });
    assert.equal(await store.findUserIdByEmail('g@example.com'), null);
  });

  test('a claimed email: EmailClaimedError and nothing written', async () => {
    const { store } = await freshStore();
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    await assert.rejects(
      store.createAccount({
        userId: 'user-2',
        email: 'ada@example.com',
        credential: credential({ id: 'cred-2', userId: 'user-2' }),
      }),
      EmailClaimedError,
    );
    assert.equal(await store.getCredential('cred-2'), null);
    assert.deepEqual(await store.listCredentials('user-2'), []);
    assert.equal(await store.findUserIdByEmail('ada@example.com'), 'user-1');
  });

  test('a registered credential id: CredentialExistsError and nothing written', async () => {
    const { store } = await freshStore();
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    await assert.rejects(
      store.createAccount({
        userId: 'user-2',
        email: 'eve@example.com',
        credential: credential({ userId: 'user-2', publicKey: 'attacker' }),
      }),
      CredentialExistsError,
    );
    assert.equal(await store.findUserIdByEmail('eve@example.com'), null);
    assert.deepEqual(await store.getCredential('cred-1'), credential(), 'never moved to another user');
  });

  test('both taken: the email error wins', async () => {
    const { store } = await freshStore();
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    await assert.rejects(
      store.createAccount({
        userId: 'user-2',
        email: 'ada@example.com',
        credential: credential({ userId: 'user-2' }),
      }),
      EmailClaimedError,
    );
  });

  test('concurrent sign-ups for one email: exactly one account', async () => {
    const { store } = await freshStore();
    const attempts = [1, 2, 3, 4].map((n) =>
      store.createAccount({
        userId: `user-${n}`,
        email: 'ada@example.com',
        credential: credential({ id: `cred-${n}`, userId: `user-${n}` }),
      }),
    );
    const results = await Promise.allSettled(attempts);
    const won = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index + 1] : []));
    assert.equal(won.length, 1);
    for (const result of results) {
      if (result.status === 'rejected') assert.ok(result.reason instanceof EmailClaimedError);
    }
    assert.equal(await store.findUserIdByEmail('ada@example.com'), `user-${won[0]}`);
    for (const n of [1, 2, 3, 4]) {
      assert.equal((await store.getCredential(`cred-${n}`)) !== null, n === won[0], `cred-${n}`);
    }
  });

  test('createAccount refuses a credential of another user (programmer error)', async () => {
    const { store } = await freshStore();
    await assert.rejects(
      store.createAccount({
        userId: 'user-1',
        email: 'a@example.com',
        credential: credential({ userId: 'x' }),
      }),
      TypeError,
    );
  });

  test('deleteAccount removes the claim and every credential of the user, nothing else', async () => {
    const { store } = await freshStore();
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    await store.addCredential(credential({ id: 'cred-1b', createdAt: T0 + 1 }));
    await store.createAccount({
      userId: 'user-2',
      email: 'bob@example.com',
      credential: credential({ id: 'cred-2', userId: 'user-2' }),
    });
    await store.deleteAccount({ userId: 'user-1', email: 'ada@example.com' });
    assert.equal(await store.findUserIdByEmail('ada@example.com'), null);
    assert.equal(await store.getCredential('cred-1'), null);
    assert.equal(await store.getCredential('cred-1b'), null);
    assert.equal(await store.findUserIdByEmail('bob@example.com'), 'user-2');
    assert.notEqual(await store.getCredential('cred-2'), null);
    // The email is free again.
    await store.createAccount({
      userId: 'user-3',
      email: 'ada@example.com',
      credential: credential({ id: 'c3', userId: 'user-3' }),
    });
  });

  test("deleteAccount never frees another user's email", async () => {
    const { store } = await freshStore();
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    await store.deleteAccount({ userId: 'user-2', email: 'ada@example.com' });
    assert.equal(await store.findUserIdByEmail('ada@example.com'), 'user-1');
    assert.notEqual(await store.getCredential('cred-1'), null);
  });

  test('moveEmailClaim: claims the new address verified and releases the old one, in one transaction', async () => {
    const { store, tableName } = await freshStore();
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    await store.createAccount({
      userId: 'user-2',
      email: 'bob@example.com',
      credential: credential({ id: 'cred-2', userId: 'user-2' }),
    });
    // Another account's verified address: nothing written, the old claim stays.
    assert.equal(
      await store.moveEmailClaim({ userId: 'user-1', from: 'ada@example.com', to: 'bob@example.com' }),
      false,
    );
    assert.deepEqual(await store.findEmailClaim('ada@example.com'), { userId: 'user-1', verified: true });
    assert.deepEqual(await store.findEmailClaim('bob@example.com'), { userId: 'user-2', verified: true });
    // A free address: moved.
    assert.equal(
      await store.moveEmailClaim({ userId: 'user-1', from: 'ada@example.com', to: 'ada@new.example' }),
      true,
    );
    assert.equal(await store.findEmailClaim('ada@example.com'), null);
    assert.deepEqual(await store.findEmailClaim('ada@new.example'), { userId: 'user-1', verified: true });
    // An unverified claim (older account) is taken over.
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: 'EMAIL#old@example.com' }, sk: { S: 'EMAIL' }, userId: { S: 'legacy' } },
      }),
    );
    assert.equal(
      await store.moveEmailClaim({ userId: 'user-2', from: 'bob@example.com', to: 'old@example.com' }),
      true,
    );
    assert.deepEqual(await store.findEmailClaim('old@example.com'), { userId: 'user-2', verified: true });
    // `from` that is no longer the user's: nothing written.
    assert.equal(
      await store.moveEmailClaim({ userId: 'user-2', from: 'ada@new.example', to: 'x@example.com' }),
      false,
    );
    assert.equal(await store.findEmailClaim('x@example.com'), null);
    assert.deepEqual(await store.findEmailClaim('ada@new.example'), { userId: 'user-1', verified: true });
    // No claim to release, and an undo that puts back an unverified claim.
    assert.equal(
      await store.moveEmailClaim({ userId: 'user-3', from: null, to: 'c@example.com', verified: false }),
      true,
    );
    assert.deepEqual(await store.findEmailClaim('c@example.com'), { userId: 'user-3', verified: false });
    assert.equal(await store.releaseEmailClaim({ userId: 'user-1', email: 'c@example.com' }), false);
    assert.equal(await store.releaseEmailClaim({ userId: 'user-3', email: 'c@example.com' }), true);
    assert.equal(await store.findEmailClaim('c@example.com'), null);
  });

  test("deleteAccount removes the user's partition too: sessions, sign-in methods, unlinked identities", async () => {
    const { store } = await freshStore();
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    await store.rememberUnlinkedGoogle('user-1', 'sub-1');
    const session = {
      id: 'sess-1',
      userId: 'user-1',
      createdAt: T0,
      lastSeenAt: T0,
      authMethod: 'passkey' as const,
      device: 'Chrome on macOS',
      authTime: T0 / 1000,
      stepUpAt: null,
      generation: 1,
      refreshCookie: 'sealed',
      graceUntil: 0,
      tokensExpireAt: T0 + 900_000,
      user: '{}',
      expiresAt: T0 + 86_400_000,
    };
    await store.putSession(session);
    await store.putSession({ ...session, id: 'sess-2', userId: 'user-2' });
    await store.deleteAccount({ userId: 'user-1', email: 'ada@example.com' });
    assert.deepEqual(await store.listSessions('user-1'), []);
    assert.equal(await store.isGoogleUnlinked('user-1', 'sub-1'), false);
    // The methods record is gone: it is rebuilt from nothing.
    assert.deepEqual(await store.ensureSignInMethods('user-1', false), { passkeys: 0, google: false });
    assert.equal((await store.listSessions('user-2')).length, 1, "another user's session stays");
    // Running it again is harmless.
    await store.deleteAccount({ userId: 'user-1', email: 'ada@example.com' });
  });
});

describe('credentials', () => {
  test('addCredential stores one more; a taken id is CredentialExistsError and unchanged', async () => {
    const { store } = await freshStore();
    await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
    await store.addCredential(credential({ id: 'cred-2', nickname: 'Phone', createdAt: T0 + 5 }));
    assert.equal((await store.getCredential('cred-2'))?.nickname, 'Phone');
    await assert.rejects(
      store.addCredential(credential({ userId: 'user-9', counter: 99 })),
      CredentialExistsError,
    );
    await assert.rejects(store.addCredential(credential({ counter: 99 })), CredentialExistsError);
    assert.deepEqual(await store.getCredential('cred-1'), credential());
  });

  test('listCredentials: only the user, oldest first', async () => {
    const { store } = await freshStore();
    await store.addCredential(credential({ id: 'zz', createdAt: T0 + 2 }));
    await store.addCredential(credential({ id: 'aa', createdAt: T0 + 10 }));
    await store.addCredential(credential({ id: 'mm', createdAt: T0 + 2 }));
    await store.addCredential(credential({ id: 'other', userId: 'user-2' }));
    const listed = await store.listCredentials('user-1');
    assert.deepEqual(
      listed.map((c) => c.id),
      ['mm', 'zz', 'aa'],
    );
    assert.deepEqual(listed[2], credential({ id: 'aa', createdAt: T0 + 10 }));
    assert.deepEqual(await store.listCredentials('nobody'), []);
  });

  test('recordCredentialUse is a compare-and-set on the counter', async () => {
    const { store } = await freshStore();
    await store.addCredential(credential({ counter: 5, backedUp: false }));
    await store.recordCredentialUse('cred-1', {
      expectedCounter: 5,
      newCounter: 6,
      backedUp: true,
      lastUsedAt: T0 + 1,
    });
    assert.deepEqual(
      await store.getCredential('cred-1'),
      credential({ counter: 6, backedUp: true, lastUsedAt: T0 + 1 }),
    );
    await assert.rejects(
      store.recordCredentialUse('cred-1', {
        expectedCounter: 5,
        newCounter: 7,
        backedUp: false,
        lastUsedAt: T0 + 2,
      }),
      CredentialConflictError,
    );
    assert.equal((await store.getCredential('cred-1'))?.counter, 6, 'unchanged after a conflict');
  });

  test('recordCredentialUse on a missing credential conflicts and creates nothing', async () => {
    const { store } = await freshStore();
    await assert.rejects(
      store.recordCredentialUse('ghost', {
        expectedCounter: 0,
        newCounter: 1,
        backedUp: false,
        lastUsedAt: T0,
      }),
      CredentialConflictError,
    );
    assert.equal(await store.getCredential('ghost'), null);
  });

  test('two concurrent uses with the same expected counter: exactly one wins', async () => {
    const { store } = await freshStore();
    await store.addCredential(credential({ counter: 1 }));
    const results = await Promise.allSettled(
      [2, 3].map((newCounter) =>
        store.recordCredentialUse('cred-1', {
          expectedCounter: 1,
          newCounter,
          backedUp: true,
          lastUsedAt: T0,
        }),
      ),
    );
    const rejected = results.filter((result) => result.status === 'rejected');
    assert.equal(rejected.length, 1);
    assert.ok((rejected[0] as PromiseRejectedResult).reason instanceof CredentialConflictError);
  });

  test('renameCredential only by the owner', async () => {
    const { store } = await freshStore();
    await store.addCredential(credential());
    assert.equal(await store.renameCredential({ id: 'cred-1', userId: 'user-2', nickname: 'Pwned' }), null);
    assert.equal((await store.getCredential('cred-1'))?.nickname, 'Passkey');
    assert.deepEqual(
      await store.renameCredential({ id: 'cred-1', userId: 'user-1', nickname: 'Laptop' }),
      credential({ nickname: 'Laptop' }),
    );
    assert.equal(await store.renameCredential({ id: 'ghost', userId: 'user-1', nickname: 'x' }), null);
    assert.equal(await store.getCredential('ghost'), null, 'rename does not create');
  });

  test('deleteCredential only by the owner, and never the last way to sign in', async () => {
    const { store } = await freshStore();
    await store.addCredential(credential());
    await store.addCredential(credential({ id: 'cred-2', createdAt: T0 + 1 }));
    assert.deepEqual(await store.ensureSignInMethods('user-1', false), { passkeys: 2, google: false });
    assert.equal(await store.deleteCredential({ id: 'cred-1', userId: 'user-2' }), 'not-found');
    assert.notEqual(await store.getCredential('cred-1'), null);
    assert.equal(await store.deleteCredential({ id: 'cred-1', userId: 'user-1' }), 'deleted');
    assert.equal(await store.getCredential('cred-1'), null);
    assert.equal(await store.deleteCredential({ id: 'cred-1', userId: 'user-1' }), 'not-found');
    assert.equal(await store.deleteCredential({ id: 'cred-2', userId: 'user-1' }), 'last-sign-in-method');
    assert.equal((await store.listCredentials('user-1')).length, 1);
    // With Google linked the last passkey may go; unlinking Google then needs a passkey, so it cannot.
    assert.equal(await store.setGoogleLinked('user-1', true), true);
    assert.equal(await store.deleteCredential({ id: 'cred-2', userId: 'user-1' }), 'deleted');
    assert.equal(await store.setGoogleLinked('user-1', false), false);
    assert.deepEqual(await store.ensureSignInMethods('user-1', true), { passkeys: 0, google: true });
  });
});

describe('Google account reservations', () => {
  const reserve = (store: Store, userId: string, extra: { replacing?: string; ttl?: number } = {}) =>
    store.reserveGoogleAccount({
      googleSub: '1029384756',
      userId,
      expiresAt: now + (extra.ttl ?? 600_000),
      ...(extra.replacing ? { replacing: extra.replacing } : {}),
    });

  test('the first reservation stands: a second gets the first id, until it is released or expires', async () => {
    now = T0;
    const { store, tableName } = await freshStore();
    assert.equal(await store.findGoogleAccountReservation('1029384756'), null);
    assert.equal(await reserve(store, 'acct-a'), 'acct-a');
    assert.equal(await reserve(store, 'acct-b'), 'acct-a', 'a retry or a concurrent first sign-in');
    assert.equal(await store.findGoogleAccountReservation('1029384756'), 'acct-a');
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'GRSV#1029384756' }, sk: { S: 'GRSV' } } }),
    );
    assert.equal(raw.Item?.ttl?.N, String(T0 / 1000 + 600), 'expires through the TTL too');

    // Only the holder releases it.
    await store.releaseGoogleAccountReservation({ googleSub: '1029384756', userId: 'acct-b' });
    assert.equal(await store.findGoogleAccountReservation('1029384756'), 'acct-a');
    await store.releaseGoogleAccountReservation({ googleSub: '1029384756', userId: 'acct-a' });
    assert.equal(await store.findGoogleAccountReservation('1029384756'), null);
    assert.equal(await reserve(store, 'acct-b'), 'acct-b');

    now = T0 + 600_000;
    assert.equal(await store.findGoogleAccountReservation('1029384756'), null, 'expired on read');
    assert.equal(await reserve(store, 'acct-c'), 'acct-c', 'an expired reservation is taken over');
  });

  test('concurrent reservations: one id wins, every caller gets it', async () => {
    now = T0;
    const { store } = await freshStore();
    const ids = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => reserve(store, `acct-${id}`)));
    assert.equal(new Set(ids).size, 1, ids.join());
  });

  test('replacing takes over the named live reservation only', async () => {
    now = T0;
    const { store } = await freshStore();
    await reserve(store, 'acct-a');
    assert.equal(await reserve(store, 'acct-b', { replacing: 'acct-x' }), 'acct-a');
    assert.equal(await reserve(store, 'acct-b', { replacing: 'acct-a' }), 'acct-b');
    assert.equal(await store.findGoogleAccountReservation('1029384756'), 'acct-b');
  });
});

describe('failure counters', () => {
  test('count within a fixed window, reset in the next, keys independent', async () => {
    const { store, tableName } = await freshStore();
    now = T0 + 10_500; // 10.5 s into a 60 s window
    assert.deepEqual(await store.countFailures('ip:1', 60), { count: 0, retryAfterSeconds: 50 });
    assert.deepEqual(await store.recordFailure('ip:1', 60), { count: 1, retryAfterSeconds: 50 });
    assert.deepEqual(await store.recordFailure('ip:1', 60), { count: 2, retryAfterSeconds: 50 });
    assert.deepEqual(await store.recordFailure('ip:2', 60), { count: 1, retryAfterSeconds: 50 });
    now = T0 + 59_999;
    assert.deepEqual(await store.countFailures('ip:1', 60), { count: 2, retryAfterSeconds: 1 });
    const raw = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: `RATE#ip:1#${T0 / 1000}` }, sk: { S: 'RATE' } },
      }),
    );
    assert.equal(raw.Item?.ttl?.N, String(T0 / 1000 + 60), 'expires at the end of its window');
    now = T0 + 60_000;
    assert.deepEqual(await store.countFailures('ip:1', 60), { count: 0, retryAfterSeconds: 60 });
    assert.deepEqual(await store.recordFailure('ip:1', 60), { count: 1, retryAfterSeconds: 60 });
  });

  test('concurrent failures are all counted', async () => {
    now = T0;
    const { store } = await freshStore();
    await Promise.all(Array.from({ length: 10 }, () => store.recordFailure('acct:ada', 900)));
    assert.equal((await store.countFailures('acct:ada', 900)).count, 10);
  });

  test('a window that is not a positive integer is a TypeError', async () => {
    const { store } = await freshStore();
    await assert.rejects(store.recordFailure('k', 0), TypeError);
    await assert.rejects(store.countFailures('k', 1.5), TypeError);
  });
});

describe('call counter', () => {
  test('counts commands by name and resets', async () => {
    const { store } = await freshStore();
    const counter = attachCallCounter(client);
    await store.putChallenge(challenge());
    await store.consumeChallenge('chal-1');
    await store.consumeChallenge('chal-1');
    assert.deepEqual(counter.count(), { PutItemCommand: 1, DeleteItemCommand: 2 });
    counter.reset();
    assert.deepEqual(counter.count(), {});
  });
});

describe('persistence', () => {
  test('data on disk survives a dynalite restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'expenser-dynalite-'));
    try {
      const path = join(dir, 'data'); // created by startDynalite
      now = T0;
      let local = await startDynalite({ path });
      let localClient = createLocalDynamoDbClient(local.endpoint);
      await ensureTable(localClient, 'auth');
      let store = createDynamoDbStore({ client: localClient, tableName: 'auth', clock: () => now });
      await store.createAccount({ userId: 'user-1', email: 'ada@example.com', credential: credential() });
      await store.putChallenge(challenge());
      await store.recordFailure('ip:1', 60);
      localClient.destroy();
      await local.close();

      local = await startDynalite({ path });
      localClient = createLocalDynamoDbClient(local.endpoint);
      try {
        await ensureTable(localClient, 'auth');
        store = createDynamoDbStore({ client: localClient, tableName: 'auth', clock: () => now });
        assert.equal(await store.findUserIdByEmail('ada@example.com'), 'user-1');
        assert.deepEqual(await store.listCredentials('user-1'), [credential()]);
        assert.deepEqual(await store.consumeChallenge('chal-1'), challenge());
        assert.equal((await store.countFailures('ip:1', 60)).count, 1);
      } finally {
        localClient.destroy();
        await local.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

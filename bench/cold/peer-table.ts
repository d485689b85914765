// The sample's FIDO2 authenticators table in dynalite, shaped as its construct
// creates it (dist/cdk/lib/cognito-passwordless.js, `Fido2AuthenticatorsTable`),
// and the items its credentials API and challenge API write.
import { createPublicKey } from 'node:crypto';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * pk/sk strings, on-demand, TTL on `exp`, and the `credentialId` index
 * (binary partition key, keys only) the credentials API queries.
 */
export async function createPeerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'credentialId', AttributeType: 'B' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'credentialId',
          KeySchema: [{ AttributeName: 'credentialId', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
  for (let delay = 25; ; delay *= 2) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    if (Table?.TableStatus === 'ACTIVE' && indexes.every((index) => index.IndexStatus === 'ACTIVE')) break;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true },
    }),
  );
}

/**
 * A registered ES256 credential, as the credentials API's `storeUserCredential`
 * writes it: the public key as a JWK map, the credential id binary, the user
 * handle the sample derives (`determineUserHandle`: the sub when it is the
 * username).
 */
export async function putPeerCredential(
  client: DynamoDBClient,
  tableName: string,
  credential: { userId: string; credentialId: string; publicKeySpki: Uint8Array; rpId: string },
): Promise<void> {
  const jwk = createPublicKey({
    key: Buffer.from(credential.publicKeySpki),
    format: 'der',
    type: 'spki',
  }).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y)
    throw new TypeError(`expected a P-256 key, got ${jwk.kty} ${jwk.crv}`);
  const id = Buffer.from(credential.credentialId, 'base64url');
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        pk: { S: `USER#${credential.userId}` },
        sk: { S: `CREDENTIAL#${id.toString('base64url')}` },
        userId: { S: credential.userId },
        credentialId: { B: id },
        jwk: {
          M: { alg: { S: 'ES256' }, crv: { S: 'P-256' }, kty: { S: 'EC' }, x: { S: jwk.x }, y: { S: jwk.y } },
        },
        signCount: { N: '0' },
        friendlyName: { S: 'bench' },
        flagUserVerified: { N: '1' },
        flagBackupEligibility: { N: '0' },
        flagBackupState: { N: '0' },
        aaguid: { B: new Uint8Array(16) },
        transports: { L: [{ S: 'internal' }, { S: 'hybrid' }] },
        rpId: { S: credential.rpId },
        createdAt: { S: new Date().toISOString() },
      },
    }),
  );
}

/** A usernameless sign-in challenge, exactly as the challenge API's PutItem stores it. */
export async function putPeerChallenge(
  client: DynamoDBClient,
  tableName: string,
  challenge: string,
  timeoutMs = 120_000,
): Promise<void> {
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        pk: { S: `CHALLENGE#${challenge}` },
        sk: { S: 'USERNAMELESS_SIGN_IN' },
        exp: { N: String(Math.floor((Date.now() + timeoutMs) / 1000)) },
      },
    }),
  );
}

import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createEmfMetrics, METRICS } from '../../src/telemetry/metrics.ts';
import { countRefusal, countSecurityEvent } from '../../src/telemetry/security-metrics.ts';
import { countingErrors } from '../../src/telemetry/trigger-errors.ts';
import { sampledTrace, traceAwsCalls } from '../../src/telemetry/xray.ts';

type Emf = {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
} & Record<string, unknown>;

function collector() {
  const lines: Emf[] = [];
  const metrics = createEmfMetrics({
    namespace: 'ExpenserAuth/Test',
    sink: (line) => lines.push(JSON.parse(line) as Emf),
    clock: () => 1_700_000_000_000,
  });
  const counted = () =>
    lines.map((line) => {
      const [directive] = line._aws.CloudWatchMetrics;
      const name = directive?.Metrics[0]?.Name ?? '';
      const dims = Object.fromEntries((directive?.Dimensions[0] ?? []).map((d) => [d, line[d]]));
      return { name, dims };
    });
  return { lines, metrics, counted };
}

describe('EMF metrics (CloudWatch embedded metric format)', () => {
  test('one JSON line per count: the _aws directive, the dimensions and the value at the top level', () => {
    const { lines, metrics } = collector();
    metrics.count('SignIn', { Method: 'passkey', Outcome: 'success' });
    assert.deepEqual(lines, [
      {
        _aws: {
          Timestamp: 1_700_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: 'ExpenserAuth/Test',
              Dimensions: [['Method', 'Outcome']],
              Metrics: [{ Name: 'SignIn', Unit: 'Count' }],
            },
          ],
        },
        Method: 'passkey',
        Outcome: 'success',
        SignIn: 1,
      },
    ]);
  });

  test('a dimension value outside the closed sets (an email, an id, a token, a code) is recorded as "other"', () => {
    const { lines, metrics } = collector();
    for (const value of [
      'alice@example.com',
      'a1b2c3d4-0000-4000-8000-000000000000',
      'eyJhbGciOi.x.y',
      '123456',
      'Passkey',
    ]) {
      metrics.count('Refusal', { Reason: value });
    }
    assert.deepEqual(
      lines.map((line) => line.Reason),
      ['other', 'other', 'other', 'other', 'other'],
    );
    assert.doesNotMatch(JSON.stringify(lines), /alice|a1b2c3d4|eyJ|123456/);
  });

  test('no metric has a dimension that could hold a user id, email, token or code', () => {
    for (const [name, dimensions] of Object.entries(METRICS)) {
      for (const dimension of dimensions) {
        assert.match(dimension, /^(Method|Outcome|Reason|Event|Trigger)$/, `${name}.${dimension}`);
      }
    }
  });

  test('an invalid namespace is a start-up error naming it', () => {
    assert.throws(() => createEmfMetrics({ namespace: 'has spaces' }), TypeError);
  });

  test('security events: every event by name; sign-ins, sign-ups and refresh theft by their own metric; the user id is never read', () => {
    const c = collector();
    countSecurityEvent(c.metrics, 'signed_in', { userId: 'u-1', authMethod: 'google' });
    countSecurityEvent(c.metrics, 'account_created', { userId: 'u-2' });
    countSecurityEvent(c.metrics, 'refresh_reuse', { userId: 'u-3' });
    countSecurityEvent(c.metrics, 'passkey_added', { userId: 'u-4' });
    assert.deepEqual(c.counted(), [
      { name: 'SecurityEvent', dims: { Event: 'signed_in' } },
      { name: 'SignIn', dims: { Method: 'google', Outcome: 'success' } },
      { name: 'SecurityEvent', dims: { Event: 'account_created' } },
      { name: 'SignUp', dims: { Method: 'passkey', Outcome: 'success' } },
      { name: 'SecurityEvent', dims: { Event: 'refresh_reuse' } },
      { name: 'RefreshTheft', dims: {} },
      { name: 'SecurityEvent', dims: { Event: 'passkey_added' } },
    ]);
    assert.doesNotMatch(JSON.stringify(c.lines), /u-\d/);
  });

  test('refusals: by code; 429s as rate limiting; failed passkey sign-ins and sign-ups and Google callback errors as failures', () => {
    const c = collector();
    countRefusal(c.metrics, {
      path: '/auth/passkey/login/verify',
      code: 'passkey_rejected',
      method: 'passkey',
    });
    countRefusal(c.metrics, { path: '/auth/signup/verify-email', code: 'code_invalid', method: 'passkey' });
    countRefusal(c.metrics, { path: '/auth/passkey/login/options', code: 'rate_limited', method: 'passkey' });
    countRefusal(c.metrics, { path: '/auth/passkeys', code: 'csrf_failed', method: 'passkey' });
    countRefusal(c.metrics, { path: '/auth/google/callback', code: 'google_failed', method: 'google' });
    assert.deepEqual(c.counted(), [
      { name: 'Refusal', dims: { Reason: 'passkey_rejected' } },
      { name: 'SignIn', dims: { Method: 'passkey', Outcome: 'failure' } },
      { name: 'Refusal', dims: { Reason: 'code_invalid' } },
      { name: 'SignUp', dims: { Method: 'passkey', Outcome: 'failure' } },
      { name: 'Refusal', dims: { Reason: 'rate_limited' } },
      { name: 'RateLimited', dims: {} },
      { name: 'SignIn', dims: { Method: 'passkey', Outcome: 'failure' } },
      { name: 'Refusal', dims: { Reason: 'csrf_failed' } },
      { name: 'Refusal', dims: { Reason: 'google_failed' } },
      { name: 'SignIn', dims: { Method: 'google', Outcome: 'failure' } },
    ]);
  });

  test('a trigger that throws is counted by trigger and the error still reaches Cognito', async () => {
    const c = collector();
    const failing = countingErrors(
      'verify_auth_challenge',
      async () => Promise.reject(new Error('boom')),
      c.metrics,
    );
    await assert.rejects(failing({}), /boom/);
    const fine = countingErrors(
      'define_auth_challenge',
      async (event: { n: number }) => event.n + 1,
      c.metrics,
    );
    assert.equal(await fine({ n: 1 }), 2);
    assert.deepEqual(c.counted(), [{ name: 'TriggerError', dims: { Trigger: 'verify_auth_challenge' } }]);
  });
});

describe('X-Ray subsegments around AWS SDK calls', () => {
  const ROOT = '1-5759e988-bd862e3fe1be46a994272793';
  const PARENT = '53995c3f42cd8ad8';
  const sampled = { _X_AMZN_TRACE_ID: `Root=${ROOT};Parent=${PARENT};Sampled=1`, AWS_REGION: 'eu-west-1' };

  /** A DynamoDB endpoint that answers GetItem with `status`. */
  async function dynamodb(status: number) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ1' });
        res.end(
          status === 200
            ? '{}'
            : JSON.stringify({
                __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
                message: 'x',
              }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new DynamoDBClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    return { client, close: () => new Promise((resolve) => server.close(resolve)) };
  }
  const getItem = new GetItemCommand({
    TableName: 'expenser-auth',
    Key: { pk: { S: 'USER#alice@example.com' } },
  });

  test('a sampled invocation sends one subsegment per call: the daemon header, then the document', async () => {
    const { client, close } = await dynamodb(200);
    const sent: string[] = [];
    traceAwsCalls(client, { env: sampled, send: (datagram) => sent.push(datagram) });
    await client.send(getItem);
    await close();
    assert.equal(sent.length, 1);
    const [header, body] = (sent[0] ?? '').split('\n');
    assert.equal(header, '{"format": "json", "version": 1}');
    const segment = JSON.parse(body ?? '{}');
    assert.equal(segment.type, 'subsegment');
    assert.equal(segment.trace_id, ROOT);
    assert.equal(segment.parent_id, PARENT);
    assert.match(segment.id, /^[0-9a-f]{16}$/);
    assert.equal(segment.name, 'DynamoDB');
    assert.equal(segment.namespace, 'aws');
    assert.deepEqual(segment.aws, {
      operation: 'GetItem',
      region: 'eu-west-1',
      request_id: 'REQ1',
      table_name: 'expenser-auth',
    });
    assert.deepEqual(segment.http, { response: { status: 200 } });
    assert.ok(segment.end_time >= segment.start_time);
    assert.doesNotMatch(body ?? '', /alice/, 'keys and values are never in a trace');
  });

  test('a failed call is a fault (5xx) and still throws; an unsampled invocation sends nothing', async () => {
    const { client, close } = await dynamodb(500);
    const sent: string[] = [];
    let env: Record<string, string> = sampled;
    traceAwsCalls(client, {
      env: new Proxy({}, { get: (_, key: string) => env[key] }),
      send: (d) => sent.push(d),
    });
    await assert.rejects(client.send(getItem));
    env = { ...sampled, _X_AMZN_TRACE_ID: `Root=${ROOT};Parent=${PARENT};Sampled=0` };
    await assert.rejects(client.send(getItem));
    await close();
    assert.equal(sent.length, 1);
    const segment = JSON.parse((sent[0] ?? '').split('\n')[1] ?? '{}');
    assert.equal(segment.fault, true);
    assert.deepEqual(segment.http, { response: { status: 500 } });
  });

  test('without a send function, datagrams go to AWS_XRAY_DAEMON_ADDRESS over UDP', async () => {
    const daemon = createSocket('udp4');
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    const received = new Promise<string>((resolve) =>
      daemon.once('message', (message) => resolve(message.toString())),
    );
    const { client, close } = await dynamodb(200);
    traceAwsCalls(client, {
      env: { ...sampled, AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}` },
    });
    await client.send(getItem);
    const datagram = await received;
    daemon.close();
    await close();
    assert.match(datagram, /^\{"format": "json", "version": 1\}\n\{.*"type":"subsegment"/);
  });

  test('trace headers: only a sampled header with a well-formed root and parent is used', () => {
    assert.deepEqual(sampledTrace(`Root=${ROOT};Parent=${PARENT};Sampled=1;Lineage=a:1`), {
      root: ROOT,
      parent: PARENT,
    });
    for (const header of [
      undefined,
      '',
      `Root=${ROOT};Parent=${PARENT};Sampled=0`,
      `Root=x;Parent=${PARENT};Sampled=1`,
      `Root=${ROOT};Sampled=1`,
    ]) {
      assert.equal(sampledTrace(header), null, String(header));
    }
  });
});

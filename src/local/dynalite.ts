import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  crc32,
  createTimeToLiveEmulator,
  type DynamoResponse,
  type InternalCall,
  ReadWriteLock,
  transactWriteItems,
} from './dynalite-extensions.ts';

type DynaliteFactory = (options: { createTableMs?: number; path?: string }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export interface StartDynaliteOptions {
  /** Defaults to 127.0.0.1: the local stack never listens beyond loopback. */
  host?: string;
  /** Defaults to 0 (a free port). */
  port?: number;
  /** Directory for on-disk persistence (LevelDB), created if missing; in memory without it. */
  path?: string;
}

export interface LocalDynamoDb {
  /** Endpoint URL for the SDK, e.g. `http://127.0.0.1:54321`. */
  endpoint: string;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const INTERNAL_HEADER = 'x-expenser-internal';

/**
 * Starts dynalite (the DynamoDB wire protocol on LevelDB) with the operations
 * it lacks emulated in front of it: TransactWriteItems, UpdateTimeToLive and
 * DescribeTimeToLive (see `dynalite-extensions.ts`). TTL is recorded but items
 * are never swept, like DynamoDB's lazy deletion at its laziest.
 */
export async function startDynalite({
  host = '127.0.0.1',
  port = 0,
  path,
}: StartDynaliteOptions = {}): Promise<LocalDynamoDb> {
  if (path !== undefined) await mkdir(path, { recursive: true });
  const server = dynalite(path === undefined ? { createTableMs: 0 } : { createTableMs: 0, path });
  const [original] = server.listeners('request') as RequestListener[];
  if (!original) throw new Error('dynalite server has no request listener');
  server.removeAllListeners('request');

  const internalToken = randomBytes(16).toString('hex');
  const lock = new ReadWriteLock();
  let endpoint = '';

  const call: InternalCall = async (operation, body) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET_PREFIX}${operation}`,
        // dynalite requires a SigV4-shaped header but never verifies the signature.
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20200101T000000Z',
        [INTERNAL_HEADER]: internalToken,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const timeToLive = createTimeToLiveEmulator(call);

  const emulated: Record<string, (body: Record<string, unknown>) => Promise<DynamoResponse>> = {
    TransactWriteItems: (body) => transactWriteItems(body, call),
    UpdateTimeToLive: (body) => timeToLive.update(body),
    DescribeTimeToLive: (body) => timeToLive.describe(body),
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers[INTERNAL_HEADER] === internalToken) {
      original.call(server, req, res);
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const handler = emulated[operation];
    // Only a transaction needs the table to itself; dynalite serialises single-item writes per key.
    void lock.acquire(operation === 'TransactWriteItems').then(async (release) => {
      if (!handler) {
        res.once('close', release);
        original.call(server, req, res);
        return;
      }
      try {
        const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
        send(res, await handler(body));
      } catch (error) {
        send(res, {
          status: 500,
          body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(error) },
        });
      } finally {
        release();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

/** An SDK client for the local DynamoDB: static dummy credentials, few retries. */
export function createLocalDynamoDbClient(endpoint: string, region = 'us-east-1'): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, { status, body }: DynamoResponse): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/x-amz-json-1.0');
  res.setHeader('x-amzn-requestid', randomUUID());
  res.setHeader('x-amz-crc32', String(crc32(text)));
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

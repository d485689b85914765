import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { sourceIpOf } from '../../src/lambda/api.ts';
import { apiGatewayProxy, type LambdaHandler } from '../support/api-gateway.ts';

/** What the API's rate limits key on: the caller's address as API Gateway saw it. */
const app = new Hono().get('/ip', (c) => c.text(sourceIpOf(c)));
const handler = handle(app) as LambdaHandler;
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe('sourceIpOf: the caller of the API function, from either API Gateway payload', () => {
  for (const payload of ['1.0', '2.0'] as const) {
    test(`payload ${payload} (${payload === '1.0' ? 'REST API' : 'HTTP API'}): each caller is its own bucket, X-Forwarded-For is ignored`, async () => {
      const request = apiGatewayProxy(handler, { domainName: 'api.example.com', payload });
      const spoofed = { headers: { 'x-forwarded-for': '203.0.113.9' } };
      const first = await request('/ip', spoofed, from('198.51.100.7'));
      assert.equal(first.status, 200);
      assert.equal(await first.text(), '198.51.100.7');
      const second = await request('/ip', {}, from('2001:db8::1'));
      assert.equal(await second.text(), '2001:db8::1');
    });
  }

  test('an event from neither (or no event) is "unknown", never a header the client wrote', async () => {
    const response = await app.request('/ip', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(await response.text(), 'unknown');
    const odd = await handler(
      {
        version: '2.0',
        rawPath: '/ip',
        rawQueryString: '',
        headers: {},
        requestContext: { http: { method: 'GET', path: '/ip', sourceIp: 42 } },
        isBase64Encoded: false,
      },
      {},
    );
    assert.equal((odd as { body: string }).body, 'unknown');
  });
});

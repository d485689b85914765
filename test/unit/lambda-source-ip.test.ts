import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../../src/config/config.ts';
import { clientIpResolver, ORIGIN_VERIFY_HEADER, sourceIpOf, viewerAddressOf } from '../../src/lambda/api.ts';
import { localDefaults } from '../../src/local/local-config.ts';
import { apiGatewayProxy, type LambdaHandler } from '../support/api-gateway.ts';
import { TEST_SECRET_KEY } from '../support/stack.ts';

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

describe('behind CloudFront: the viewer address only when the configuration names the forwarder and the request proves it', () => {
  const secret = 'cf-origin-secret-0123456789-abcdefghijkl';
  const resolve = clientIpResolver({ kind: 'cloudfront', secret });
  const behind = new Hono().get('/ip', (c) => c.text(resolve(c)));
  const behindHandler = handle(behind) as LambdaHandler;
  const cloudFrontEdge = from('130.176.0.1');

  test('proof and CloudFront-Viewer-Address: the viewer is the bucket (IPv4 and IPv6)', async () => {
    const request = apiGatewayProxy(behindHandler, { domainName: 'api.example.com', payload: '1.0' });
    const v4 = await request(
      '/ip',
      { headers: { [ORIGIN_VERIFY_HEADER]: secret, 'cloudfront-viewer-address': '198.51.100.7:46532' } },
      cloudFrontEdge,
    );
    assert.equal(await v4.text(), '198.51.100.7');
    const v6 = await request(
      '/ip',
      { headers: { [ORIGIN_VERIFY_HEADER]: secret, 'cloudfront-viewer-address': '2001:db8::7:443' } },
      cloudFrontEdge,
    );
    assert.equal(await v6.text(), '2001:db8::7');
  });

  test('no proof, a wrong one or a malformed header: the caller API Gateway saw, whatever the client wrote', async () => {
    const request = apiGatewayProxy(behindHandler, { domainName: 'api.example.com', payload: '2.0' });
    const cases: Record<string, string>[] = [
      { 'cloudfront-viewer-address': '203.0.113.9:1234' },
      { [ORIGIN_VERIFY_HEADER]: `${secret}x`, 'cloudfront-viewer-address': '203.0.113.9:1234' },
      { [ORIGIN_VERIFY_HEADER]: 'short', 'cloudfront-viewer-address': '203.0.113.9:1234' },
      { [ORIGIN_VERIFY_HEADER]: secret, 'cloudfront-viewer-address': 'not-an-ip:1234' },
      { [ORIGIN_VERIFY_HEADER]: secret, 'x-forwarded-for': '203.0.113.9' },
    ];
    for (const headers of cases) {
      const response = await request('/ip', { headers }, from('198.51.100.20'));
      assert.equal(await response.text(), '198.51.100.20', JSON.stringify(headers));
    }
  });

  test('without CLIENT_IP_FORWARDER the header is never read, even with the right secret', async () => {
    const request = apiGatewayProxy(handler, { domainName: 'api.example.com', payload: '1.0' });
    const response = await request(
      '/ip',
      { headers: { [ORIGIN_VERIFY_HEADER]: secret, 'cloudfront-viewer-address': '203.0.113.9:1' } },
      from('198.51.100.21'),
    );
    assert.equal(await response.text(), '198.51.100.21');
    assert.equal(clientIpResolver(undefined), sourceIpOf);
  });

  test('viewerAddressOf reads <ip>:<port> only', () => {
    assert.equal(viewerAddressOf('192.0.2.1:80'), '192.0.2.1');
    assert.equal(viewerAddressOf('2001:db8:85a3::8a2e:370:7334:46532'), '2001:db8:85a3::8a2e:370:7334');
    for (const bad of [undefined, '', '192.0.2.1', 'x:1', '192.0.2.1:port', '[2001:db8::1]:443']) {
      assert.equal(viewerAddressOf(bad), null, String(bad));
    }
  });

  test('the setting: CLIENT_IP_FORWARDER needs its secret, of at least 32 characters', () => {
    const env = { ...localDefaults(3000), SECRET_KEY: TEST_SECRET_KEY };
    assert.equal(loadConfig(env, 'local').forwarder, undefined);
    assert.throws(
      () => loadConfig({ ...env, CLIENT_IP_FORWARDER: 'cloudfront' }, 'local'),
      /CLIENT_IP_FORWARDER_SECRET \(missing\)/,
    );
    assert.throws(
      () =>
        loadConfig(
          { ...env, CLIENT_IP_FORWARDER: 'cloudfront', CLIENT_IP_FORWARDER_SECRET: 'short' },
          'local',
        ),
      /CLIENT_IP_FORWARDER_SECRET \(invalid\)/,
    );
    assert.throws(() =>
      loadConfig({ ...env, CLIENT_IP_FORWARDER: 'nginx', CLIENT_IP_FORWARDER_SECRET: secret }, 'local'),
    );
    assert.deepEqual(
      loadConfig({ ...env, CLIENT_IP_FORWARDER: 'cloudfront', CLIENT_IP_FORWARDER_SECRET: secret }, 'local')
        .forwarder,
      { kind: 'cloudfront', secret },
    );
  });
});

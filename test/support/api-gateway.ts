import { randomUUID } from 'node:crypto';
import type { LocalStack } from '../../src/local/stack.ts';

/** The API Gateway proxy result, as AWS documents it: REST (v1), or HTTP API payload 2.0 (`cookies`). */
interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  cookies?: string[];
  body: string;
  isBase64Encoded?: boolean;
}

export type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * An API Gateway proxy integration in front of a Lambda handler: turns a
 * fetch-style request into the documented event and the proxy result back into
 * a Response. `payload` 1.0 is a REST API's proxy event (DG: set-up-lambda-proxy-integrations,
 * "Input format of a Lambda function for proxy integration"), 2.0 an HTTP API's
 * (DG: http-api-develop-integrations-lambda, "Payload format version").
 * `sourceIp` is the caller as API Gateway sees it.
 */
export function apiGatewayProxy(
  handler: LambdaHandler,
  options: { domainName: string; stage?: string; payload?: '1.0' | '2.0' },
) {
  const stage = options.stage ?? 'prod';
  return async function request(path: string, init: RequestInit = {}, env?: unknown): Promise<Response> {
    const url = new URL(path, `https://${options.domainName}`);
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    const single: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    headers.forEach((value, name) => {
      single[name] = value;
      multi[name] = [value];
    });
    const query = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : null;
    const sourceIp =
      (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
        ?.remoteAddress ?? '198.51.100.1';
    const body = typeof init.body === 'string' ? init.body : null;
    const event = options.payload === '2.0' ? httpApiEvent() : restApiEvent();
    function restApiEvent() {
      return {
        resource: '/{proxy+}',
        path: url.pathname,
        httpMethod: method,
        headers: single,
        multiValueHeaders: multi,
        queryStringParameters: query,
        multiValueQueryStringParameters: query
          ? Object.fromEntries([...url.searchParams.keys()].map((k) => [k, url.searchParams.getAll(k)]))
          : null,
        pathParameters: { proxy: url.pathname.slice(1) },
        stageVariables: null,
        requestContext: {
          accountId: '123456789012',
          apiId: 'a1b2c3d4e5',
          resourceId: 'abc123',
          resourcePath: '/{proxy+}',
          httpMethod: method,
          path: `/${stage}${url.pathname}`,
          stage,
          requestId: randomUUID(),
          requestTimeEpoch: Date.now(),
          protocol: 'HTTP/1.1',
          domainName: options.domainName,
          identity: { sourceIp, userAgent: single['user-agent'] ?? 'test' },
        },
        body,
        isBase64Encoded: false,
      };
    }
    function httpApiEvent() {
      // Payload 2.0: cookies in their own list, the caller under requestContext.http.
      const { cookie, ...rest } = single;
      return {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.searchParams.toString(),
        ...(cookie ? { cookies: cookie.split(/;\s*/) } : {}),
        headers: rest,
        ...(query ? { queryStringParameters: query } : {}),
        requestContext: {
          accountId: '123456789012',
          apiId: 'a1b2c3d4e5',
          domainName: options.domainName,
          domainPrefix: options.domainName.split('.')[0],
          http: {
            method,
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp,
            userAgent: single['user-agent'] ?? 'test',
          },
          requestId: randomUUID(),
          routeKey: '$default',
          stage: '$default',
          time: new Date().toUTCString(),
          timeEpoch: Date.now(),
        },
        ...(body !== null ? { body } : {}),
        isBase64Encoded: false,
      };
    }
    const result = (await handler(event, lambdaContext())) as ProxyResult;
    const out = new Headers();
    for (const [name, value] of Object.entries(result.headers ?? {})) out.set(name, value);
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
      out.delete(name);
      for (const value of values) out.append(name, value);
    }
    for (const cookie of result.cookies ?? []) out.append('set-cookie', cookie);
    const payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    return new Response(result.statusCode === 204 ? null : payload, {
      status: result.statusCode,
      headers: out,
    });
  };
}

function lambdaContext() {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'expenser-auth-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:expenser-auth-api',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/expenser-auth-api',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
  };
}

/** A stand-in for LocalStack that TestBrowser can drive: requests go through API Gateway to the handler. */
export function gatewayStack(
  request: ReturnType<typeof apiGatewayProxy>,
  origin: string,
  mail?: LocalStack['mail'],
): LocalStack {
  return { origin, url: origin, app: { request }, mail } as unknown as LocalStack;
}

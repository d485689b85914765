import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoAdapter } from '../../src/cognito/cognito-adapter.ts';
import { RevokeRejectedError } from '../../src/cognito/errors.ts';

/**
 * A stand-in Cognito endpoint that answers every call with one JSON 1.1 error, so the real
 * SDK client deserializes it exactly as it would Cognito's answer.
 */
describe('RevokeToken errors are told apart by name, including one its model does not list', () => {
  let answer = { status: 400, type: 'NotAuthorizedException' };
  const targets: string[] = [];
  const server = createServer((req, res) => {
    targets.push(String(req.headers['x-amz-target']));
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': `${answer.type}:`,
      });
      res.end(JSON.stringify({ __type: answer.type, message: 'a message that is not a fixed string' }));
    });
  });
  let cognito: ReturnType<typeof createCognitoAdapter>;

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    cognito = createCognitoAdapter({
      client: new CognitoIdentityProviderClient({
        region: 'eu-west-1',
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        maxAttempts: 1,
      }),
      userPoolId: 'eu-west-1_Example1',
      clientId: 'client',
      clientSecret: 'client-secret',
    });
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const rejection = async (type: string, status = 400): Promise<unknown> => {
    answer = { status, type };
    let thrown: unknown;
    await cognito.revoke('refresh-token').catch((error: unknown) => {
      thrown = error;
    });
    assert.equal(targets.at(-1), 'AWSCognitoIdentityProviderService.RevokeToken');
    return thrown ?? assert.fail(`${type}: revoke resolved`);
  };

  test('NotAuthorizedException (not among the errors the RevokeToken model lists) is a refusal', async () => {
    const error = await rejection('NotAuthorizedException');
    assert.ok(error instanceof RevokeRejectedError, String(error));
    const cause = error.cause as Error;
    assert.equal(cause.name, 'NotAuthorizedException');
    assert.ok(cause instanceof CognitoIdentityProviderServiceException);
    assert.match(error.message, /\(NotAuthorizedException\)/);
    assert.doesNotMatch(error.message, /not a fixed string/, 'the message of Cognito is not repeated');
  });

  test('so is the generic service exception an SDK throws for a __type it has no class for', async () => {
    // SDKs that resolve errors per operation (rather than from the service's whole error set)
    // hand over an undeclared __type this way: the base class, named after the type.
    const generic = new CognitoIdentityProviderServiceException({
      name: 'NotAuthorizedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    assert.ok(!(generic instanceof NotAuthorizedException), 'instanceof would miss it');
    const stubbed = createCognitoAdapter({
      client: { send: async () => Promise.reject(generic) } as unknown as CognitoIdentityProviderClient,
      userPoolId: 'eu-west-1_Example1',
      clientId: 'client',
      clientSecret: 'client-secret',
    });
    const error = await stubbed.revoke('refresh-token').then(
      () => assert.fail('revoke resolved'),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof RevokeRejectedError);
    assert.equal(error.cause, generic);
  });

  test('the declared refusals are refusals too', async () => {
    for (const type of [
      'UnauthorizedException',
      'UnsupportedTokenTypeException',
      'InvalidParameterException',
    ]) {
      const error = await rejection(type);
      assert.ok(error instanceof RevokeRejectedError, type);
      assert.equal((error.cause as Error).name, type);
    }
  });

  test('faults and throttling are rethrown as they are', async () => {
    for (const [type, status] of [
      ['TooManyRequestsException', 400],
      ['InternalErrorException', 500],
      ['ForbiddenException', 403],
    ] as const) {
      const error = await rejection(type, status);
      assert.ok(!(error instanceof RevokeRejectedError), type);
      assert.equal((error as Error).name, type);
    }
  });
});

// The PreSignUp trigger (DG: user-pool-lambda-pre-sign-up) refuses only public
// self-service sign-up; Google first sign-ins and the API's AdminCreateUser pass
// untouched, since the Google callback applies the linking rules itself.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { preSignUp } from '../../src/triggers/pre-sign-up.ts';
import type { PreSignUpEvent } from '../../src/triggers/types.ts';

function event(triggerSource: PreSignUpEvent['triggerSource']): PreSignUpEvent {
  return {
    version: '1',
    triggerSource,
    region: 'us-east-1',
    userPoolId: 'us-east-1_TestPool1',
    userName: 'Google_1029384756',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    // What Cognito passes once Google is mapped to custom attributes (src/cognito/google-attributes.ts).
    request: {
      userAttributes: { 'custom:google_email': 'ada@example.com', 'custom:google_verified': 'true' },
    },
    response: {},
  };
}

const CONFIRM_NOTHING = { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false };

describe('PreSignUp', () => {
  test('self-service sign-up is refused', async () => {
    await assert.rejects(preSignUp(event('PreSignUp_SignUp')), /Self-service sign-up is disabled/);
  });

  test("a Google identity's first sign-in passes as it is: nothing confirmed, verified or linked", async () => {
    const input = event('PreSignUp_ExternalProvider');
    const out = await preSignUp(input);
    assert.deepEqual(out.response, CONFIRM_NOTHING);
    assert.deepEqual(out.request, input.request);
    assert.equal(out.userName, input.userName);
  });

  test("the API's AdminCreateUser passes", async () => {
    const out = await preSignUp(event('PreSignUp_AdminCreateUser'));
    assert.deepEqual(out.response, CONFIRM_NOTHING);
  });
});

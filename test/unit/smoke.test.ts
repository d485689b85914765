import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GetAccountCommandOutput, GetEmailIdentityCommandOutput } from '@aws-sdk/client-sesv2';
import { resolveAwsTarget, SmokeSetupError } from '../../scripts/smoke/aws-target.ts';
import { LOCAL_SES, reportSes, type SesQueries } from '../../scripts/smoke/ses-report.ts';

const META = { $metadata: {} };

function sdkError(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

/** SES as the SDK answers: identities by name (absent → NotFoundException) and the account. */
function fakeSes(
  identities: Record<string, Partial<GetEmailIdentityCommandOutput>>,
  account: Partial<GetAccountCommandOutput> | Error,
): SesQueries & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async getEmailIdentity(identity) {
      asked.push(identity);
      const found = identities[identity];
      if (!found) throw sdkError('NotFoundException');
      return { ...META, ...found };
    },
    async getAccount() {
      if (account instanceof Error) throw account;
      return { ...META, ...account };
    },
  };
}

describe('the SES report of npm run smoke (GetEmailIdentity, GetAccount)', () => {
  test('a verified domain lets the service send as any address in it; production access is out of the sandbox', async () => {
    const ses = fakeSes(
      { 'example.com': { VerifiedForSendingStatus: true, VerificationStatus: 'SUCCESS' } },
      { ProductionAccessEnabled: true, SendingEnabled: true },
    );
    const report = await reportSes(ses, 'no-reply@example.com');
    assert.equal(report.identity, 'verified (domain example.com)');
    assert.equal(report.sandbox, 'out of the sandbox (production access)');
    assert.deepEqual(ses.asked, ['no-reply@example.com', 'example.com']);
  });

  test('a verified address is enough; the domain is not asked about', async () => {
    const ses = fakeSes({ 'no-reply@example.com': { VerifiedForSendingStatus: true } }, {});
    assert.equal(
      (await reportSes(ses, 'no-reply@example.com')).identity,
      'verified (address no-reply@example.com)',
    );
    assert.deepEqual(ses.asked, ['no-reply@example.com']);
  });

  test('a verified parent domain covers an address on a subdomain (MAIL_DOMAIN)', async () => {
    const ses = fakeSes({ 'example.com': { VerifiedForSendingStatus: true } }, {});
    assert.equal(
      (await reportSes(ses, 'no-reply@mail.example.com')).identity,
      'verified (domain example.com)',
    );
    assert.deepEqual(ses.asked, ['no-reply@mail.example.com', 'mail.example.com', 'example.com']);
  });

  test('a domain still pending, or no identity at all, is reported as not verified', async () => {
    const pending = fakeSes(
      { 'example.com': { VerifiedForSendingStatus: false, VerificationStatus: 'PENDING' } },
      {},
    );
    assert.equal(
      (await reportSes(pending, 'no-reply@example.com')).identity,
      'NOT verified: domain example.com is PENDING',
    );
    assert.equal(
      (await reportSes(fakeSes({}, {}), 'no-reply@example.com')).identity,
      'NOT verified: no SES identity in this region covers no-reply@example.com',
    );
  });

  test('the sandbox is reported with its daily quota; a refused call is reported, not thrown', async () => {
    const sandboxed = fakeSes({}, { ProductionAccessEnabled: false, SendQuota: { Max24HourSend: 200 } });
    assert.match(
      (await reportSes(sandboxed, 'a@example.com')).sandbox,
      /^IN THE SANDBOX: .* at most 200 a day/,
    );
    const denied = fakeSes({}, sdkError('AccessDeniedException'));
    denied.getEmailIdentity = async () => {
      throw sdkError('AccessDeniedException');
    };
    assert.deepEqual(await reportSes(denied, 'a@example.com'), {
      identity: 'could not check (AccessDeniedException)',
      sandbox: 'could not check (AccessDeniedException)',
    });
  });

  test('locally, the local SES is named instead', async () => {
    assert.deepEqual(await reportSes(null, 'no-reply@expenser.example'), {
      identity: LOCAL_SES,
      sandbox: LOCAL_SES,
    });
  });
});

describe('the AWS target of npm run smoke', () => {
  const OUTPUTS = {
    ApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
    UserPoolId: 'eu-west-1_Pool1',
    UserPoolClientId: 'client',
    TableName: 'expenser-auth',
  };
  const settings = {
    STACK_NAME: 'MyAuth',
    RP_ID: 'example.com',
    RP_ORIGIN: 'https://app.example.com,https://www.example.com',
    MAIL_FROM: 'No-Reply@Example.com',
  };

  test('reads the API URL, pool and table from the outputs of STACK_NAME, the RP from .env; the pool names the region', async () => {
    const asked: string[] = [];
    const target = await resolveAwsTarget(
      {},
      {
        settings,
        endpoints: {},
        readOutputs: async (stack) => {
          asked.push(stack);
          return OUTPUTS;
        },
      },
    );
    try {
      assert.deepEqual(asked, ['MyAuth']);
      assert.equal(target.apiUrl, OUTPUTS.ApiUrl);
      assert.equal(target.userPoolId, 'eu-west-1_Pool1');
      assert.equal(target.tableName, 'expenser-auth');
      assert.equal(target.origin, 'https://app.example.com');
      assert.deepEqual(target.rp, { id: 'example.com', name: 'Expenser' });
      assert.equal(target.mailFrom, 'no-reply@example.com');
      assert.equal(target.rateLimitWindowSeconds, 300);
      assert.equal(target.description, 'stack MyAuth in eu-west-1');
      assert.equal(await target.cognito.config.region(), 'eu-west-1');
      assert.notEqual(target.ses, null);
    } finally {
      await target.close();
    }
  });

  test('flags win; with --api, --user-pool-id and --table the stack is not read', async () => {
    const target = await resolveAwsTarget(
      {
        api: 'https://api.example.com/',
        userPoolId: 'us-east-2_Other',
        table: 'other',
        origin: 'https://www.example.com',
      },
      {
        settings,
        endpoints: {},
        readOutputs: async () => assert.fail('the stack outputs were read'),
      },
    );
    try {
      assert.equal(target.apiUrl, 'https://api.example.com');
      assert.equal(target.origin, 'https://www.example.com');
      assert.equal(target.description, 'us-east-2');
    } finally {
      await target.close();
    }
  });

  test('a missing origin or output, or a plain-HTTP API, stops before anything is created', async () => {
    const sources = { settings: {}, endpoints: {}, readOutputs: async () => OUTPUTS };
    await assert.rejects(resolveAwsTarget({}, sources), (error: unknown) => {
      assert.ok(error instanceof SmokeSetupError);
      assert.match(error.message, /RP_ORIGIN/);
      return true;
    });
    await assert.rejects(
      resolveAwsTarget({}, { ...sources, settings, readOutputs: async () => ({ ApiUrl: OUTPUTS.ApiUrl }) }),
      /did not give the user pool id .*, the table name/,
    );
    await assert.rejects(
      resolveAwsTarget({ api: 'http://api.example.com' }, { ...sources, settings }),
      /--api: expected an https URL/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { localDefaults } from '../../src/local/local-config.ts';

const SECRET = 'Zq8#mT2vL9pW4xR7nB1cY6hK3sD5fG0jQe';

const awsEnv = {
  COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
  COGNITO_USER_POOL_ARN: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123',
  COGNITO_APP_CLIENT_ID: '1h57kf5cpq17m0eml12EXAMPLE',
  COGNITO_APP_CLIENT_SECRET: 'client-secret-value',
  API_GATEWAY_INVOKE_URL: 'https://api.example.com',
  API_FRONTEND_URL: 'https://app.example.com',
  SECRET_KEY: SECRET,
  RP_ID: 'example.com',
  RP_NAME: 'Expenser',
  RP_ORIGIN: 'https://app.example.com, https://example.com',
  DYNAMODB_TABLE_NAME: 'expenser-auth',
  MAIL_FROM: 'no-reply@example.com',
};

function problemsOf(env: Record<string, string | undefined>, mode: 'aws' | 'local' = 'aws'): string[] {
  try {
    loadConfig(env, mode);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  test('a complete AWS environment loads, with derived issuer, origins and secure cookies', () => {
    const config = loadConfig(awsEnv, 'aws');
    assert.equal(config.region, 'eu-west-1');
    assert.equal(config.cognito.issuer, 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123');
    assert.deepEqual(config.rp.origins, ['https://app.example.com', 'https://example.com']);
    assert.deepEqual(config.allowedOrigins, ['https://app.example.com', 'https://example.com']);
    assert.equal(config.secureCookies, true);
  });

  test('one error names every missing variable and the expected form', () => {
    const problems = problemsOf({});
    for (const name of [
      'COGNITO_USER_POOL_ID',
      'COGNITO_APP_CLIENT_ID',
      'COGNITO_APP_CLIENT_SECRET',
      'API_GATEWAY_INVOKE_URL',
      'API_FRONTEND_URL',
      'SECRET_KEY',
      'RP_ID',
      'RP_NAME',
      'RP_ORIGIN',
      'DYNAMODB_TABLE_NAME',
      'MAIL_FROM',
    ]) {
      assert.ok(
        problems.some((p) => p.startsWith(`${name} (missing)`)),
        `${name} reported: ${problems.join('\n')}`,
      );
    }
    assert.ok(problems.includes('RP_NAME (missing): Invalid input: expected string, received undefined'));
  });

  test('bad formats are reported with what was expected', () => {
    const problems = problemsOf({
      ...awsEnv,
      COGNITO_USER_POOL_ID: 'not-a-pool',
      SECRET_KEY: 'changeme-changeme-changeme-changeme',
      RP_ORIGIN: 'https://app.example.com/path',
    });
    assert.ok(
      problems.some((p) => p.startsWith('COGNITO_USER_POOL_ID (invalid)') && p.includes('<region>_<id>')),
    );
    assert.ok(problems.some((p) => p.startsWith('SECRET_KEY (invalid)') && p.includes('weak')));
    assert.ok(problems.some((p) => p.startsWith('RP_ORIGIN (invalid)')));
  });

  test('short, weak and low-entropy secrets are refused', () => {
    for (const secret of [
      'short',
      'a'.repeat(40),
      'password1234567890password1234567890',
      'abababababababababababababababababab',
    ]) {
      assert.ok(
        problemsOf({ ...awsEnv, SECRET_KEY: secret }).some((p) => p.startsWith('SECRET_KEY')),
        secret,
      );
    }
  });

  test('an ARN of another pool, or an origin off the RP ID, is refused', () => {
    const problems = problemsOf({
      ...awsEnv,
      COGNITO_USER_POOL_ARN: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Other',
      RP_ORIGIN: 'https://evil.example',
    });
    assert.ok(problems.some((p) => p.startsWith('COGNITO_USER_POOL_ARN')));
    assert.ok(problems.some((p) => p.includes('evil.example is not on RP_ID')));
  });

  test('outside local mode, plain http is refused', () => {
    const problems = problemsOf({ ...awsEnv, API_GATEWAY_INVOKE_URL: 'http://api.example.com' });
    assert.ok(problems.some((p) => p.startsWith('API_GATEWAY_INVOKE_URL')));
  });

  test('rate limits and mail: the defaults and ranges docs/configuration.md gives', () => {
    const config = loadConfig({ ...awsEnv, MAIL_FROM: 'No-Reply@Example.COM' }, 'aws');
    assert.deepEqual(config.rateLimit, {
      windowSeconds: 300,
      ipFailures: 30,
      accountFailures: 10,
      ipRequests: 100,
      emailSends: 5,
      ipEmailSends: 20,
    });
    assert.deepEqual(config.mail, {
      from: 'no-reply@example.com',
      configurationSet: undefined,
      endpoint: undefined,
      startFloorMs: 750,
    });
    const inRange = loadConfig({
      ...awsEnv,
      RATE_LIMIT_EMAIL_SENDS: '1000',
      RATE_LIMIT_IP_EMAIL_SENDS: '100000',
      MAIL_START_FLOOR_MS: '0',
      MAIL_CONFIGURATION_SET: 'expenser-auth_mail',
    });
    assert.equal(inRange.rateLimit.emailSends, 1000);
    assert.equal(inRange.rateLimit.ipEmailSends, 100_000);
    assert.equal(inRange.mail.startFloorMs, 0);
    assert.equal(inRange.mail.configurationSet, 'expenser-auth_mail');
    const problems = problemsOf({
      ...awsEnv,
      RATE_LIMIT_EMAIL_SENDS: '1001',
      RATE_LIMIT_IP_EMAIL_SENDS: '0',
      MAIL_START_FLOOR_MS: '10001',
      MAIL_CONFIGURATION_SET: 'has.dot',
      MAIL_ENDPOINT: 'ftp://127.0.0.1:8005',
    });
    for (const name of [
      'RATE_LIMIT_EMAIL_SENDS',
      'RATE_LIMIT_IP_EMAIL_SENDS',
      'MAIL_START_FLOOR_MS',
      'MAIL_CONFIGURATION_SET',
      'MAIL_ENDPOINT',
    ]) {
      assert.ok(
        problems.some((p) => p.startsWith(`${name} (invalid)`)),
        `${name} reported: ${problems.join('\n')}`,
      );
    }
    assert.ok(
      problemsOf({ ...awsEnv, MAIL_FROM: 'no-reply@localhost' }).some((p) =>
        p.startsWith('MAIL_FROM (invalid)'),
      ),
    );
    const local = loadConfig({ ...localDefaults(3456), SECRET_KEY: SECRET }, 'local');
    assert.equal(local.mail.from, 'no-reply@expenser.example');
    assert.equal(local.mail.startFloorMs, 250);
  });

  test('local mode derives defaults from PORT: RP id localhost, origin http://localhost:PORT', () => {
    const config = loadConfig({ ...localDefaults(3456), SECRET_KEY: SECRET }, 'local');
    assert.equal(config.rp.id, 'localhost');
    assert.deepEqual(config.rp.origins, ['http://localhost:3456']);
    assert.equal(config.secureCookies, false);
  });
});

import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PROJECT_ROOT } from '../../infra/bundle.ts';
import { loadDeploySettings } from '../../infra/settings.ts';
import {
  APP_CLIENT_WRITE_ATTRIBUTES,
  GOOGLE_ATTRIBUTE_MAPPING,
} from '../../src/cognito/google-attributes.ts';
import { ConfigError } from '../../src/config/config.ts';
import { callbackUrl, hostedUiLogoutUrl } from '../../src/oauth/urls.ts';
import { createTableInput } from '../../src/store/table.ts';
import { DEPLOY_ENV, functionId, resourcesOf, synthesize } from '../support/infra.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

const FUNCTIONS = {
  api: 'expenser-auth HTTP API',
  preSignUp: 'Cognito PreSignUp',
  define: 'Cognito DefineAuthChallenge',
  create: 'Cognito CreateAuthChallenge',
  verify: 'Cognito VerifyAuthChallengeResponse',
};

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

/** Every Allow statement attached to the role of the function with logical id `fnId`. */
function statementsOf(template: Template, fnId: string): Statement[] {
  const fn = template.toJSON().Resources[fnId];
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Actions the role may perform other than writing its logs and X-Ray traces. */
function grantsOf(template: Template, fnId: string): Map<string, string> {
  const grants = new Map<string, string>();
  for (const statement of statementsOf(template, fnId)) {
    for (const action of list(statement.Action)) {
      if (action.startsWith('logs:') || action.startsWith('xray:')) continue;
      grants.set(action, JSON.stringify(statement.Resource));
    }
  }
  return grants;
}

describe('CDK stack', () => {
  test('each custom-auth trigger is wired to its own function and may be invoked only by this pool', () => {
    const { template } = synthesize();
    const pool = resourcesOf(template, 'AWS::Cognito::UserPool');
    assert.equal(pool.length, 1);
    const [poolId, { Properties }] = pool[0] ?? assert.fail('no user pool');
    const fn = (prefix: string) => ({ 'Fn::GetAtt': [functionId(template, prefix), 'Arn'] });
    assert.deepEqual(Properties.LambdaConfig, {
      PreSignUp: fn(FUNCTIONS.preSignUp),
      DefineAuthChallenge: fn(FUNCTIONS.define),
      CreateAuthChallenge: fn(FUNCTIONS.create),
      VerifyAuthChallengeResponse: fn(FUNCTIONS.verify),
    });
    for (const prefix of [FUNCTIONS.preSignUp, FUNCTIONS.define, FUNCTIONS.create, FUNCTIONS.verify]) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: fn(prefix),
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
      });
    }
    assert.deepEqual(Properties.AdminCreateUserConfig, { AllowAdminCreateUserOnly: true });
  });

  test('the app client has a secret, only the custom-auth flow, code grant, rotation and fixed lifetimes', () => {
    const { template } = synthesize({
      OAUTH_CALLBACK_URLS: 'https://api.example.com/auth/google/callback',
      OAUTH_LOGOUT_URLS: 'https://app.example.com/signed-out',
    });
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      // Exactly CUSTOM_AUTH: REFRESH_TOKEN_AUTH is refused on rotating clients
      // (refresh goes through GetTokensFromRefreshToken); no password or SRP flows.
      ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 },
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['https://api.example.com/auth/google/callback'],
      // OAUTH_LOGOUT_URLS adds to the sign-out URL the API sends; it never replaces it.
      LogoutURLs: ['https://app.example.com/login', 'https://app.example.com/signed-out'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'expenser-auth-test' });
  });

  test('without GOOGLE_CLIENT_ID there is no Google provider; callback defaults to the API', () => {
    const { template } = synthesize();
    template.resourceCountIs('AWS::Cognito::UserPoolIdentityProvider', 0);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: ['https://api.example.com/auth/google/callback'],
      LogoutURLs: ['https://app.example.com/login'],
    });
  });

  test('the client registers exactly the redirect_uri and logout_uri the API sends, whatever else is listed', () => {
    // Cognito redirects only to a registered callback URL, and after /logout only to a
    // logout_uri that is one of the client's sign-out URLs (DG: logout-endpoint).
    const domain = 'https://expenser-auth-test.auth.eu-west-1.amazoncognito.com';
    const sent = {
      apiUrl: DEPLOY_ENV.API_GATEWAY_INVOKE_URL ?? '',
      frontendUrl: DEPLOY_ENV.API_FRONTEND_URL ?? '',
      domain,
      clientId: 'client',
    };
    const logoutUri = new URL(hostedUiLogoutUrl(sent) ?? assert.fail('no logout URL')).searchParams.get(
      'logout_uri',
    );
    assert.equal(logoutUri, 'https://app.example.com/login');
    for (const env of [
      {},
      { OAUTH_LOGOUT_URLS: 'https://app.example.com', OAUTH_CALLBACK_URLS: 'https://other.example.com/cb' },
      { GOOGLE_CLIENT_ID: '1234-abc.apps.googleusercontent.com' },
    ] as Record<string, string>[]) {
      const { template } = synthesize(env);
      const [, client] = resourcesOf(template, 'AWS::Cognito::UserPoolClient')[0] ?? assert.fail('no client');
      const logoutUrls = client.Properties.LogoutURLs as string[];
      const callbackUrls = client.Properties.CallbackURLs as string[];
      assert.ok(logoutUrls.includes(logoutUri ?? ''), `${JSON.stringify(env)}: ${logoutUrls}`);
      assert.ok(callbackUrls.includes(callbackUrl(sent)), `${JSON.stringify(env)}: ${callbackUrls}`);
      for (const extra of [env.OAUTH_LOGOUT_URLS, env.OAUTH_CALLBACK_URLS].filter(Boolean)) {
        assert.ok([...logoutUrls, ...callbackUrls].includes(extra ?? ''), `${extra} is registered too`);
      }
    }
  });

  test('the pool is case-insensitive: usernames and email are one user whatever their case', () => {
    // Immutable once the pool exists (API: CreateUserPool, UsernameConfiguration); CDK's default
    // is case-sensitive, the opposite of what the service and the emulator assume.
    const { template } = synthesize();
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameConfiguration: { CaseSensitive: false },
    });
  });

  test('with GOOGLE_CLIENT_ID, Google is federated with attribute mapping and a secret from Secrets Manager', () => {
    const { template } = synthesize({
      GOOGLE_CLIENT_ID: '1234-abc.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET_NAME: 'expenser/google',
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'Google',
      ProviderType: 'Google',
      ProviderDetails: {
        client_id: '1234-abc.apps.googleusercontent.com',
        client_secret: '{{resolve:secretsmanager:expenser/google:SecretString:::}}',
        authorize_scopes: 'openid email profile',
      },
      // Google's claims go to custom attributes only (src/cognito/google-attributes.ts): Cognito
      // rewrites mapped attributes at each Google sign-in, also on a linked passkey account.
      AttributeMapping: {
        'custom:google_email': 'email',
        'custom:google_verified': 'email_verified',
        'custom:google_name': 'name',
        'custom:google_picture': 'picture',
      },
    });
    const [, provider] =
      resourcesOf(template, 'AWS::Cognito::UserPoolIdentityProvider')[0] ?? assert.fail('no provider');
    assert.deepEqual(Object.keys(provider.Properties.AttributeMapping as object).sort(), [
      'custom:google_email',
      'custom:google_name',
      'custom:google_picture',
      'custom:google_verified',
    ]);
    assert.deepEqual(
      provider.Properties.AttributeMapping,
      GOOGLE_ATTRIBUTE_MAPPING,
      'the local stack maps the same',
    );
    const [, client] = resourcesOf(template, 'AWS::Cognito::UserPoolClient')[0] ?? assert.fail('no client');
    assert.deepEqual(client.Properties.SupportedIdentityProviders, ['Google']);
    const [googleId] = resourcesOf(template, 'AWS::Cognito::UserPoolIdentityProvider')[0] ?? [];
    assert.ok(client.DependsOn?.includes(googleId ?? '?'), 'the client is created after the provider');
  });

  test("the pool declares Google's custom attributes, mutable strings with names of at most 20 characters", () => {
    const { template } = synthesize();
    const [, pool] = resourcesOf(template, 'AWS::Cognito::UserPool')[0] ?? assert.fail('no user pool');
    const schema = pool.Properties.Schema as {
      Name: string;
      AttributeDataType?: string;
      Mutable?: boolean;
    }[];
    const custom = schema.filter((attribute) => attribute.AttributeDataType !== undefined);
    assert.deepEqual(custom.map((attribute) => attribute.Name).sort(), [
      'google_email',
      'google_name',
      'google_picture',
      'google_verified',
    ]);
    for (const attribute of custom) {
      assert.equal(attribute.AttributeDataType, 'String', attribute.Name);
      // API: SchemaAttributeType — a mapped attribute must be mutable (Cognito updates it at
      // each IdP sign-in); a custom attribute name (CustomAttributeNameType) is 1–20 characters.
      assert.equal(attribute.Mutable, true, attribute.Name);
      assert.ok(attribute.Name.length <= 20, attribute.Name);
    }
    const email = schema.find((attribute) => attribute.Name === 'email');
    assert.equal(email?.Mutable, true);
  });

  test('the app client may write only the Google-mapped attributes: never email or email_verified', () => {
    const envs: Record<string, string>[] = [{}, { GOOGLE_CLIENT_ID: '1234-abc.apps.googleusercontent.com' }];
    for (const env of envs) {
      const { template } = synthesize(env);
      const [, client] = resourcesOf(template, 'AWS::Cognito::UserPoolClient')[0] ?? assert.fail('no client');
      const write = client.Properties.WriteAttributes as string[];
      // API: UserPoolClientType WriteAttributes — every attribute mapped from an IdP must be writable.
      assert.deepEqual([...write].sort(), Object.keys(GOOGLE_ATTRIBUTE_MAPPING).sort());
      // The local emulator's client is given the same list (src/local/stack.ts).
      assert.deepEqual([...write].sort(), [...APP_CLIENT_WRITE_ATTRIBUTES].sort());
      for (const name of ['email', 'email_verified']) assert.ok(!write.includes(name), name);
      assert.equal(client.Properties.ReadAttributes, undefined, 'reads stay at the default: all attributes');
    }
  });

  test('the table is the one of src/store/table.ts: on demand, PITR, encrypted, TTL on `ttl`', () => {
    const { template } = synthesize();
    const expected = createTableInput('expenser-auth');
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'expenser-auth',
      KeySchema: expected.KeySchema,
      AttributeDefinitions: expected.AttributeDefinitions,
      GlobalSecondaryIndexes: expected.GlobalSecondaryIndexes,
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  test('every function runs Node.js 24 on arm64 with X-Ray active and a log group with retention', () => {
    const { template } = synthesize();
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    assert.equal(functions.length, 6, 'five service functions and CDK’s client-secret reader');
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    for (const [id, fn] of functions) {
      assert.equal(fn.Properties.Runtime, 'nodejs24.x', id);
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      assert.equal(logGroups[logGroup]?.Properties.RetentionInDays, 30, id);
      if (id.startsWith('AWS679f53fac')) continue; // CDK-owned, deploy time only.
      assert.deepEqual(fn.Properties.Architectures, ['arm64'], id);
      assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' }, id);
      assert.equal(fn.Properties.Handler, 'index.handler', id);
    }
  });

  test("every log group has retention, API Gateway's execution log group too, created before the stage", () => {
    const { template } = synthesize();
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    for (const [id, group] of groups) assert.equal(group.Properties.RetentionInDays, 30, id);
    // API Gateway names the group itself: API-Gateway-Execution-Logs_{rest-api-id}/{stage_name}
    // (DG: rest-api-execution-logging). Any other name would leave its own group without retention.
    const [restApiId] = resourcesOf(template, 'AWS::ApiGateway::RestApi')[0] ?? assert.fail('no API');
    const execution = groups.filter(([, group]) =>
      JSON.stringify(group.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
    );
    assert.equal(execution.length, 1, 'one execution log group');
    const [executionId, executionGroup] = execution[0] ?? assert.fail('no execution log group');
    assert.deepEqual(executionGroup.Properties.LogGroupName, {
      'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApiId }, '/prod']],
    });
    const [, stage] = resourcesOf(template, 'AWS::ApiGateway::Stage')[0] ?? assert.fail('no stage');
    assert.ok(stage.DependsOn?.includes(executionId), 'the stage waits for the group');
    // Execution logging is on (ERROR), so the group is written to.
    assert.equal((stage.Properties.MethodSettings as { LoggingLevel?: string }[])[0]?.LoggingLevel, 'ERROR');
    // Every function and the API's access logs write to a group of the stack.
    const groupIds = new Set(groups.map(([id]) => id));
    for (const [id, fn] of resourcesOf(template, 'AWS::Lambda::Function')) {
      const ref = (fn.Properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
      assert.ok(groupIds.has(ref ?? ''), id);
    }
    const access = (stage.Properties.AccessLogSetting as { DestinationArn: { 'Fn::GetAtt': string[] } })
      .DestinationArn['Fn::GetAtt'][0];
    assert.ok(groupIds.has(access ?? ''), 'access logs');
  });

  test('secrets reach the API as Secrets Manager ARNs, never as values; triggers get no secrets', () => {
    const { template } = synthesize();
    const env = (prefix: string) =>
      template.toJSON().Resources[functionId(template, prefix)].Properties.Environment?.Variables ?? {};
    const api = env(FUNCTIONS.api);
    assert.ok(api.SECRET_KEY_SECRET_ARN?.Ref, 'SECRET_KEY_SECRET_ARN refers to a secret');
    assert.ok(api.COGNITO_APP_CLIENT_SECRET_SECRET_ARN?.Ref);
    for (const name of ['SECRET_KEY', 'COGNITO_APP_CLIENT_SECRET']) assert.equal(api[name], undefined, name);
    for (const prefix of [FUNCTIONS.preSignUp, FUNCTIONS.define, FUNCTIONS.create, FUNCTIONS.verify]) {
      assert.deepEqual(
        Object.keys(env(prefix)).filter((k) => /SECRET|COGNITO/.test(k)),
        [],
        prefix,
      );
    }
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    assert.ok(secrets[api.SECRET_KEY_SECRET_ARN.Ref]?.Properties.GenerateSecretString);
  });

  test('IAM: exact actions on exact ARNs; "*" only where the service has no resource-level permissions', () => {
    const { template } = synthesize();
    const table = { 'Fn::GetAtt': [resourcesOf(template, 'AWS::DynamoDB::GlobalTable')[0]?.[0], 'Arn'] };
    const pool = { 'Fn::GetAtt': [resourcesOf(template, 'AWS::Cognito::UserPool')[0]?.[0], 'Arn'] };
    for (const [id, policy] of resourcesOf(template, 'AWS::IAM::Policy')) {
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
        assert.equal(statement.Effect, 'Allow');
        for (const action of list(statement.Action)) assert.doesNotMatch(action, /\*/, `${id}: ${action}`);
        if (JSON.stringify(statement.Resource).includes('"*"')) {
          assert.deepEqual(
            list(statement.Action).sort(),
            ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
            id,
          );
        }
      }
    }
    const verify = grantsOf(template, functionId(template, FUNCTIONS.verify));
    assert.deepEqual([...verify.keys()].sort(), [
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
    ]);
    for (const resource of verify.values()) assert.equal(resource, JSON.stringify(table));
    // PreSignUp only refuses self-service sign-up: like define and create, it reaches nothing.
    for (const prefix of [FUNCTIONS.preSignUp, FUNCTIONS.define, FUNCTIONS.create]) {
      assert.deepEqual([...grantsOf(template, functionId(template, prefix)).keys()], [], prefix);
    }
    const api = grantsOf(template, functionId(template, FUNCTIONS.api));
    assert.deepEqual([...api.keys()].sort(), [
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminDisableProviderForUser',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminInitiateAuth',
      'cognito-idp:AdminLinkProviderForUser',
      'cognito-idp:AdminRespondToAuthChallenge',
      'cognito-idp:AdminUpdateUserAttributes',
      'cognito-idp:AdminUserGlobalSignOut',
      'cognito-idp:ListUsers',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'secretsmanager:GetSecretValue',
      'ses:SendEmail',
    ]);
    assert.equal(api.get('cognito-idp:AdminInitiateAuth'), JSON.stringify(pool));
    assert.equal(api.get('cognito-idp:AdminDisableProviderForUser'), JSON.stringify(pool));
    assert.equal(api.get('dynamodb:PutItem'), JSON.stringify(table));
    assert.equal(
      api.get('dynamodb:Query'),
      JSON.stringify([table, { 'Fn::Join': ['', [table, '/index/gsi1']] }]),
      "Query on the table (a user's sessions) and the index (a user's credentials) only",
    );
    // Managed policies only on the two roles AWS owns the shape of.
    const managed = resourcesOf(template, 'AWS::IAM::Role').filter(([, r]) => r.Properties.ManagedPolicyArns);
    assert.equal(managed.length, 2);
  });

  test('the API role is granted every AWS operation its adapters send, and nothing else', () => {
    const { template } = synthesize();
    // Operations Cognito authorizes with the client secret or a token, not IAM.
    const publicOperations = new Set(['GetTokensFromRefreshToken', 'RevokeToken']);
    const service: Record<string, string> = {
      'src/cognito/cognito-adapter.ts': 'cognito-idp',
      'src/lambda/secrets.ts': 'secretsmanager',
    };
    // The store is split over several files (records, paginated queries): each one counts.
    for (const file of globSync('src/store/*.ts', { cwd: PROJECT_ROOT })) service[file] = 'dynamodb';
    // The mail sender may live anywhere in src/: every file using the SES v2 client counts.
    for (const file of globSync('src/**/*.ts', { cwd: PROJECT_ROOT })) {
      if (readFileSync(join(PROJECT_ROOT, file), 'utf8').includes("'@aws-sdk/client-sesv2'")) {
        service[file] = 'ses';
      }
    }
    // The stack passes MAIL_FROM and MAIL_CONFIGURATION_SET for the sender's SendEmail whether
    // or not that code is in this tree; any other SES operation the sender uses needs its own grant.
    const sent = new Set<string>(['ses:SendEmail']);
    for (const [file, prefix] of Object.entries(service)) {
      const source = readFileSync(join(PROJECT_ROOT, file), 'utf8');
      for (const [, operation = ''] of source.matchAll(/new (\w+)Command\(/g)) {
        if (publicOperations.has(operation)) continue;
        // TransactWriteItems is authorized per item (Put, Delete, Update), each of which the store
        // also sends on its own: it counts as a put.
        sent.add(operation === 'TransactWriteItems' ? `${prefix}:PutItem` : `${prefix}:${operation}`);
      }
    }
    assert.deepEqual(
      [...grantsOf(template, functionId(template, FUNCTIONS.api)).keys()].sort(),
      [...sent].sort(),
    );
  });

  test('API Gateway: stage throttling, access logs, tracing, and a WAF web ACL with a per-IP rate rule', () => {
    const { template } = synthesize();
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('sourceIp') },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 40,
          ThrottlingBurstLimit: 80,
          DataTraceEnabled: false,
        }),
      ],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 300, AggregateKeyType: 'IP' } },
        }),
      ]),
    });
    const [stageId] = resourcesOf(template, 'AWS::ApiGateway::Stage')[0] ?? [];
    const [aclId] = resourcesOf(template, 'AWS::WAFv2::WebACL')[0] ?? [];
    const [, association] =
      resourcesOf(template, 'AWS::WAFv2::WebACLAssociation')[0] ?? assert.fail('no WAF association');
    assert.deepEqual(association.Properties.WebACLArn, { 'Fn::GetAtt': [aclId, 'Arn'] });
    assert.match(JSON.stringify(association.Properties.ResourceArn), new RegExp(`"Ref":"${stageId}"`));
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
    });
  });

  test('no dependency cycle: CloudFormation could order every resource (Ref, GetAtt, Sub, DependsOn)', () => {
    const { template } = synthesize({ GOOGLE_CLIENT_ID: '1234-abc.apps.googleusercontent.com' });
    const resources = template.toJSON().Resources as Record<string, { DependsOn?: string | string[] }>;
    const edges = new Map<string, Set<string>>();
    for (const [id, resource] of Object.entries(resources)) {
      const targets = new Set<string>(list(resource.DependsOn ?? []));
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === 'object') {
          for (const [key, value] of Object.entries(node)) {
            if (key === 'Ref' && typeof value === 'string') targets.add(value);
            else if (key === 'Fn::GetAtt' && Array.isArray(value)) targets.add(String(value[0]));
            else if (key === 'Fn::Sub') {
              const text = Array.isArray(value) ? String(value[0]) : String(value);
              for (const [, ref = ''] of text.matchAll(/\$\{([\w]+)(?:\.[\w.]+)?\}/g)) targets.add(ref);
              walk(Array.isArray(value) ? value[1] : undefined);
            } else walk(value);
          }
        }
      };
      walk(resource);
      edges.set(id, new Set([...targets].filter((target) => target in resources && target !== id)));
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, path: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') assert.fail(`cycle: ${[...path, id].join(' → ')}`);
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) visit(next, [...path, id]);
      state.set(id, 'done');
    };
    for (const id of edges.keys()) visit(id, []);
  });

  test('stack outputs: API URL, user pool id, client id, hosted-UI domain, table name, configuration set', () => {
    const { template } = synthesize();
    const outputs = Object.keys(template.findOutputs('*'));
    for (const name of [
      'ApiUrl',
      'UserPoolId',
      'UserPoolClientId',
      'HostedUiDomain',
      'TableName',
      'MailConfigurationSet',
    ]) {
      assert.ok(outputs.includes(name), name);
    }
    template.hasOutput('ApiUrl', { Value: 'https://api.example.com' });
  });

  test('with API_DOMAIN_NAME, the stage is served at the root of the custom domain, which becomes the API URL', () => {
    const { template } = synthesize({
      API_GATEWAY_INVOKE_URL: '',
      API_DOMAIN_NAME: 'api.example.com',
      API_CERTIFICATE_ARN:
        'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
    });
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { Stage: Match.anyValue() });
    const mapping = resourcesOf(template, 'AWS::ApiGateway::BasePathMapping')[0]?.[1];
    assert.equal(mapping?.Properties.BasePath, undefined, 'mapped at the root');
    template.hasOutput('ApiUrl', { Value: 'https://api.example.com' });
    template.hasOutput('ApiDomainTarget', {});
    const api =
      template.toJSON().Resources[functionId(template, FUNCTIONS.api)].Properties.Environment.Variables;
    assert.equal(api.API_GATEWAY_INVOKE_URL, 'https://api.example.com');
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding, and every acknowledgement has a reason', () => {
    const { stack } = synthesize();
    const reasons: string[] = [];
    for (const construct of stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [rule, reason] of Object.entries(entry.data as Record<string, string>)) {
          reasons.push(reason);
          assert.match(rule, /^AwsSolutions::AwsSolutions-/);
          assert.ok(reason.length >= 60, `${rule}: a reason, not a label`);
        }
      }
    }
    assert.ok(reasons.length >= 10, `acknowledgements recorded (${reasons.length})`);
  });

  test('cdk-nag fails synthesis on a finding nobody acknowledged', (t) => {
    t.mock.method(console, 'error', () => undefined); // the report cdk-nag prints is expected here
    assert.throws(
      () =>
        synthesize(
          {},
          {
            extend: (stack) =>
              new iam.Role(stack, 'Careless', {
                assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
                inlinePolicies: {
                  all: new iam.PolicyDocument({
                    statements: [new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] })],
                  }),
                },
              }),
          },
        ),
      /Validation failed/,
    );
  });

  test('deploy settings are checked with the service’s own rules, naming every bad variable', () => {
    assert.throws(
      () =>
        loadDeploySettings({
          ...DEPLOY_ENV,
          RP_ORIGIN: 'http://app.example.com',
          COGNITO_DOMAIN_PREFIX: 'My_Domain',
          GOOGLE_CLIENT_ID: 'not-a-google-id',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.problems.join('\n');
        assert.match(text, /RP_ORIGIN \(invalid\).*https/);
        assert.match(text, /COGNITO_DOMAIN_PREFIX \(invalid\)/);
        assert.match(text, /GOOGLE_CLIENT_ID \(invalid\)/);
        return true;
      },
    );
  });
});

describe('CDK stack: Amazon SES', () => {
  /** `arn:<partition>:ses:<region>:<account>:<type>/<name of the resource>`, as CDK renders it. */
  const sesArn = (type: 'identity' | 'configuration-set', id: string) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':ses:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${type}/`,
        { Ref: id },
      ],
    ],
  });
  const identityIds = (template: Template) =>
    Object.fromEntries(
      resourcesOf(template, 'AWS::SES::EmailIdentity').map(([id, r]) => [
        String(r.Properties.EmailIdentity),
        id,
      ]),
    );
  const configurationSetId = (template: Template) => {
    const sets = resourcesOf(template, 'AWS::SES::ConfigurationSet');
    assert.equal(sets.length, 1, 'one configuration set');
    return sets[0]?.[0] ?? '';
  };
  /** Every statement, on any role, that allows an SES action. */
  const sesStatements = (template: Template) =>
    resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, p]) =>
      (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.filter((statement) =>
        list(statement.Action).some((action) => action.startsWith('ses:')),
      ),
    );

  test('without MAIL_DOMAIN, SES verifies the MAIL_FROM address, sending with the configuration set', () => {
    const { template } = synthesize();
    const identities = identityIds(template);
    assert.deepEqual(Object.keys(identities), ['no-reply@example.com']);
    const [, identity] = resourcesOf(template, 'AWS::SES::EmailIdentity')[0] ?? assert.fail('no identity');
    assert.deepEqual(identity.Properties, {
      EmailIdentity: 'no-reply@example.com',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configurationSetId(template) } },
    });
    assert.deepEqual(
      Object.keys(template.findOutputs('*')).filter((name) => name.startsWith('MailDkim')),
      [],
      'no DKIM records for an address identity',
    );
  });

  test('with MAIL_DOMAIN, SES verifies the domain with Easy DKIM and outputs its three CNAME records', () => {
    const { template } = synthesize({ MAIL_FROM: 'no-reply@mail.example.com', MAIL_DOMAIN: 'example.com' });
    const identities = identityIds(template);
    assert.deepEqual(Object.keys(identities), ['example.com']);
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configurationSetId(template) } },
    });
    const domainId = identities['example.com'] ?? '';
    for (const n of [1, 2, 3]) {
      template.hasOutput(`MailDkimRecord${n}`, {
        Value: {
          'Fn::Join': [
            '',
            [
              { 'Fn::GetAtt': [domainId, `DkimDNSTokenName${n}`] },
              ' CNAME ',
              { 'Fn::GetAtt': [domainId, `DkimDNSTokenValue${n}`] },
            ],
          ],
        },
      });
    }
    const api =
      template.toJSON().Resources[functionId(template, FUNCTIONS.api)].Properties.Environment.Variables;
    assert.equal(api.MAIL_FROM, 'no-reply@mail.example.com');
  });

  test('the configuration set publishes reputation metrics and tracks no opens or clicks', () => {
    const { template } = synthesize();
    const [, set] =
      resourcesOf(template, 'AWS::SES::ConfigurationSet')[0] ?? assert.fail('no configuration set');
    assert.deepEqual(set.Properties, {
      ReputationOptions: { ReputationMetricsEnabled: true },
      // VDM engagement metrics would add the tracking pixel and rewrite links: off here,
      // whatever the account-level VDM setting.
      VdmOptions: { DashboardOptions: { EngagementMetrics: 'DISABLED' } },
    });
    // Open and click tracking happen only for an event destination that subscribes to them.
    template.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 0);
    template.hasOutput('MailConfigurationSet', { Value: { Ref: configurationSetId(template) } });
  });

  test('the API function gets MAIL_FROM and MAIL_CONFIGURATION_SET; the triggers get no mail settings', () => {
    const { template } = synthesize();
    const env = (prefix: string): Record<string, unknown> =>
      template.toJSON().Resources[functionId(template, prefix)].Properties.Environment?.Variables ?? {};
    const api = env(FUNCTIONS.api);
    assert.equal(api.MAIL_FROM, 'no-reply@example.com');
    assert.deepEqual(api.MAIL_CONFIGURATION_SET, { Ref: configurationSetId(template) });
    for (const prefix of [FUNCTIONS.preSignUp, FUNCTIONS.define, FUNCTIONS.create, FUNCTIONS.verify]) {
      assert.deepEqual(
        Object.keys(env(prefix)).filter((name) => name.startsWith('MAIL_')),
        [],
        prefix,
      );
      const grants = [...grantsOf(template, functionId(template, prefix)).keys()];
      assert.deepEqual(
        grants.filter((action) => action.startsWith('ses:')),
        [],
        prefix,
      );
    }
  });

  test('SendEmail is allowed on exactly the sending identity and the configuration set, no wildcard', () => {
    for (const env of [{}, { MAIL_DOMAIN: 'example.com' }] as Record<string, string>[]) {
      const { template } = synthesize(env);
      const statements = sesStatements(template);
      assert.equal(statements.length, 1, 'one SES statement');
      const [statement] = statements;
      assert.equal(statement?.Action, 'ses:SendEmail');
      const sender = Object.values(identityIds(template))[0] ?? '';
      assert.deepEqual(statement?.Resource, [
        sesArn('identity', sender),
        sesArn('configuration-set', configurationSetId(template)),
      ]);
      assert.doesNotMatch(JSON.stringify(statement?.Resource), /\*/);
      const api = statementsOf(template, functionId(template, FUNCTIONS.api));
      assert.ok(api.includes(statement as Statement), 'on the API role');
    }
  });

  test('with MAIL_SANDBOX_RECIPIENTS, each recipient gets an identity, and SendEmail lists exactly those too', () => {
    for (const env of [{}, { MAIL_DOMAIN: 'example.com' }] as Record<string, string>[]) {
      const { template } = synthesize({
        ...env,
        MAIL_SANDBOX_RECIPIENTS: 'tester@example.org, qa@example.net, tester@example.org',
      });
      const identities = identityIds(template);
      const sender = env.MAIL_DOMAIN ? 'example.com' : 'no-reply@example.com';
      assert.deepEqual(
        Object.keys(identities).sort(),
        [sender, 'qa@example.net', 'tester@example.org'].sort(),
      );
      for (const address of ['tester@example.org', 'qa@example.net']) {
        const [, recipient] =
          resourcesOf(template, 'AWS::SES::EmailIdentity').find(([id]) => id === identities[address]) ??
          assert.fail(address);
        // A plain identity: SES mails it a verification link; it sends nothing itself.
        assert.deepEqual(recipient.Properties, { EmailIdentity: address });
      }
      const [statement, ...others] = sesStatements(template);
      assert.deepEqual(others, []);
      assert.deepEqual(statement?.Resource, [
        sesArn('identity', identities[sender] ?? ''),
        sesArn('configuration-set', configurationSetId(template)),
        sesArn('identity', identities['tester@example.org'] ?? ''),
        sesArn('identity', identities['qa@example.net'] ?? ''),
      ]);
      assert.doesNotMatch(JSON.stringify(statement?.Resource), /\*/);
    }
  });

  test('a recipient identity keeps its logical id when the list is reordered or shortened', () => {
    const ids = (recipients: string) =>
      identityIds(synthesize({ MAIL_SANDBOX_RECIPIENTS: recipients }).template);
    const before = ids('tester@example.org,qa@example.net');
    const after = ids('qa@example.net');
    assert.equal(after['qa@example.net'], before['qa@example.net']);
    assert.equal(after['tester@example.org'], undefined);
  });
});

describe('deploy settings: Amazon SES', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadDeploySettings({ ...DEPLOY_ENV, ...env });
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems;
    }
    return [];
  };

  test('MAIL_FROM is required and must be an email address, reported once', () => {
    // The service's loadConfig checks MAIL_FROM too; whichever refuses it, one message names it.
    const { MAIL_FROM: _, ...withoutMailFrom } = DEPLOY_ENV;
    assert.throws(
      () => loadDeploySettings(withoutMailFrom),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 1, error.problems.join('\n'));
        assert.match(error.problems[0] ?? '', /^MAIL_FROM \(missing\): .*no-reply@example\.com/);
        return true;
      },
    );
    for (const bad of [
      '',
      'no-reply',
      'no-reply@',
      '@example.com',
      'Expenser <no-reply@example.com>',
      'a b@example.com',
      'no-reply@example.123',
    ]) {
      const problems = problemsOf({ MAIL_FROM: bad });
      assert.equal(problems.length, 1, `${bad}: ${problems.join('; ')}`);
      assert.match(problems[0] ?? '', /^MAIL_FROM \((missing|invalid)\): .*no-reply@example\.com/, bad);
    }
    // Lower-cased like the service does before sending, so the identity is the address it sends from.
    assert.deepEqual(loadDeploySettings({ ...DEPLOY_ENV, MAIL_FROM: ' No-Reply@Example.com ' }).mail, {
      from: 'no-reply@example.com',
      domain: undefined,
      sandboxRecipients: [],
    });
  });

  test('with MAIL_DOMAIN, MAIL_FROM must be on that domain or one of its subdomains', () => {
    assert.deepEqual(problemsOf({ MAIL_FROM: 'no-reply@example.org', MAIL_DOMAIN: 'example.com' }), [
      'MAIL_FROM (invalid): no-reply@example.org is not on MAIL_DOMAIN example.com or one of its subdomains',
    ]);
    // A look-alike suffix is not a subdomain.
    assert.deepEqual(problemsOf({ MAIL_FROM: 'no-reply@badexample.com', MAIL_DOMAIN: 'example.com' }), [
      'MAIL_FROM (invalid): no-reply@badexample.com is not on MAIL_DOMAIN example.com or one of its subdomains',
    ]);
    assert.deepEqual(problemsOf({ MAIL_DOMAIN: 'mail.example.com' }), [
      'MAIL_FROM (invalid): no-reply@example.com is not on MAIL_DOMAIN mail.example.com or one of its subdomains',
    ]);
    assert.deepEqual(problemsOf({ MAIL_DOMAIN: 'not a domain' }), [
      'MAIL_DOMAIN (invalid): expected a domain such as example.com, got not a domain',
    ]);
    for (const [from, domain] of [
      ['no-reply@example.com', 'example.com'],
      ['no-reply@mail.example.com', 'example.com'],
      ['No-Reply@Mail.Example.com', 'Example.COM'],
    ] as const) {
      const { mail } = loadDeploySettings({ ...DEPLOY_ENV, MAIL_FROM: from, MAIL_DOMAIN: domain });
      assert.deepEqual(
        mail,
        { from: from.toLowerCase(), domain: 'example.com', sandboxRecipients: [] },
        from,
      );
    }
  });

  test('MAIL_SANDBOX_RECIPIENTS: addresses, without repeats or the verified sender, each bad one named', () => {
    assert.deepEqual(problemsOf({ MAIL_SANDBOX_RECIPIENTS: 'tester@example.org, nobody, qa@' }), [
      'MAIL_SANDBOX_RECIPIENTS (invalid): nobody is not an email address',
      'MAIL_SANDBOX_RECIPIENTS (invalid): qa@ is not an email address',
    ]);
    const recipients = ' tester@example.org, QA@example.net,,Tester@Example.org, no-reply@example.com ';
    const withAddress = loadDeploySettings({ ...DEPLOY_ENV, MAIL_SANDBOX_RECIPIENTS: recipients });
    // The MAIL_FROM address is an identity already; with a domain identity it is not.
    assert.deepEqual(withAddress.mail.sandboxRecipients, ['tester@example.org', 'qa@example.net']);
    const withDomain = loadDeploySettings({
      ...DEPLOY_ENV,
      MAIL_DOMAIN: 'example.com',
      MAIL_SANDBOX_RECIPIENTS: recipients,
    });
    assert.deepEqual(withDomain.mail.sandboxRecipients, [
      'tester@example.org',
      'qa@example.net',
      'no-reply@example.com',
    ]);
    assert.deepEqual(loadDeploySettings(DEPLOY_ENV).mail.sandboxRecipients, []);
  });

  test('every bad mail setting is reported together with the others', () => {
    const problems = problemsOf({
      MAIL_FROM: 'no-reply',
      MAIL_SANDBOX_RECIPIENTS: 'nobody',
      COGNITO_DOMAIN_PREFIX: 'My_Domain',
    });
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems.join('\n'), /MAIL_FROM \(invalid\)[\s\S]*MAIL_SANDBOX_RECIPIENTS \(invalid\)/);
  });
});

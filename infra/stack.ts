import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { GOOGLE_ATTRIBUTE_MAPPING, GOOGLE_CUSTOM_ATTRIBUTE_NAMES } from '../src/cognito/google-attributes.ts';
import { callbackUrl, signOutUrl } from '../src/oauth/urls.ts';
import { GSI1_NAME } from '../src/store/table.ts';
import { AWS_CUSTOM_RESOURCE_PROVIDER, acknowledgeFindings } from './acknowledgements.ts';
import { AuthApi } from './api.ts';
import { bundledCode, type CodeSource, ServiceFunction } from './functions.ts';
import { Mail } from './mail.ts';
import type { DeploySettings } from './settings.ts';
import { createTable } from './table.ts';

export interface ExpenserAuthStackProps extends StackProps {
  settings: DeploySettings;
  /** Function code; defaults to the esbuild bundles of `src/lambda/`. */
  code?: CodeSource;
}

/** Token lifetimes of the app client; the session cookie follows the access token. */
export const TOKEN_VALIDITY = {
  // 15 minutes: a renewal asks Cognito once the tokens behind a session expire, so a
  // disabled or deleted user is noticed within this time.
  access: Duration.minutes(15),
  id: Duration.minutes(15),
  refresh: Duration.days(30),
  /** A rotated-out refresh token stays valid this long, for a client's retry after a lost response. */
  rotationGrace: Duration.seconds(10),
};

/**
 * Everything expenser-auth runs on: the user pool with its four custom-auth
 * triggers, the app client, the table, the secrets, the API function behind
 * API Gateway and WAF, SES for its mail. IAM is scoped to exact actions on exact ARNs.
 */
export class ExpenserAuthStack extends Stack {
  constructor(scope: Construct, id: string, props: ExpenserAuthStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const code = props.code ?? bundledCode;
    const dataRemoval = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = logs.RetentionDays.ONE_MONTH;

    const table = createTable(this, settings.tableName, settings.retainData);
    const gsi1Arn = `${table.tableArn}/index/${GSI1_NAME}`;

    const secretKey = new secretsmanager.Secret(this, 'SecretKey', {
      description: 'expenser-auth SECRET_KEY: seals session and ceremony cookies',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: dataRemoval,
    });

    // Triggers: define and create need nothing; verify reads and consumes table items;
    // PreSignUp looks users up and links Google identities (granted below, once the pool exists).
    const trigger = (id: 'defineAuthChallenge' | 'createAuthChallenge', description: string) =>
      new ServiceFunction(this, id[0]?.toUpperCase() + id.slice(1), {
        name: id,
        code,
        description,
        memorySize: 256,
        logRetention,
      });
    const preSignUp = new ServiceFunction(this, 'PreSignUp', {
      name: 'preSignUp',
      code,
      description: 'Cognito PreSignUp: refuses self-service sign-up, decides Google account linking',
      memorySize: 256,
      logRetention,
      environment: { DYNAMODB_TABLE_NAME: table.tableName, LOG_LEVEL: settings.logLevel },
    });
    preSignUp.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ConsumePendingLinksAndClaimGoogleEmails',
        actions: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
        resources: [table.tableArn],
      }),
    );
    const defineAuthChallenge = trigger(
      'defineAuthChallenge',
      'Cognito DefineAuthChallenge: one passkey challenge',
    );
    const createAuthChallenge = trigger(
      'createAuthChallenge',
      'Cognito CreateAuthChallenge: names the challenge',
    );
    const verifyAuthChallenge = new ServiceFunction(this, 'VerifyAuthChallenge', {
      name: 'verifyAuthChallenge',
      code,
      description:
        'Cognito VerifyAuthChallengeResponse: verifies the passkey assertion or registration grant',
      memorySize: 512,
      logRetention,
      environment: {
        DYNAMODB_TABLE_NAME: table.tableName,
        RP_ID: settings.rp.id,
        RP_NAME: settings.rp.name,
        RP_ORIGIN: settings.rp.origins.join(','),
        LOG_LEVEL: settings.logLevel,
      },
    });
    verifyAuthChallenge.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ConsumeChallengesAndUpdateCredentials',
        actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );

    const userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: settings.userPoolName,
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      // Case-insensitive usernames and emails: User@Example.com and user@example.com are one
      // user, as the service treats them. Cognito fixes this when the pool is created (DG:
      // user-pool-case-sensitivity; API: UsernameConfigurationType); CDK's default is sensitive.
      signInCaseSensitive: false,
      standardAttributes: {
        email: { required: false, mutable: true },
        fullname: { required: false, mutable: true },
        profilePicture: { required: false, mutable: true },
      },
      // Google's values, kept apart from the service's own (src/cognito/google-attributes.ts).
      // Mapped attributes must be mutable: Cognito rewrites them at each Google sign-in.
      customAttributes: Object.fromEntries(
        GOOGLE_CUSTOM_ATTRIBUTE_NAMES.map((name) => [name, new cognito.StringAttribute({ mutable: true })]),
      ),
      // Nobody signs in with a password (only CUSTOM_AUTH is enabled); a strong policy anyway.
      passwordPolicy: {
        minLength: 16,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      accountRecovery: cognito.AccountRecovery.NONE,
      mfa: cognito.Mfa.OFF,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: settings.retainData,
      removalPolicy: dataRemoval,
      lambdaTriggers: {
        preSignUp: preSignUp.fn,
        defineAuthChallenge: defineAuthChallenge.fn,
        createAuthChallenge: createAuthChallenge.fn,
        verifyAuthChallengeResponse: verifyAuthChallenge.fn,
      },
    });

    // A policy of its own, not the role's default policy: the function depends on its
    // default policy, and the pool depends on the function (its trigger) — a cycle otherwise.
    new iam.Policy(this, 'PreSignUpPoolAccess', {
      roles: [preSignUp.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'FindAndLinkUsersOfThisPool',
          actions: ['cognito-idp:ListUsers', 'cognito-idp:AdminLinkProviderForUser'],
          resources: [userPool.userPoolArn],
        }),
      ],
    });

    const domain = userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: settings.domainPrefix } });

    let google: cognito.UserPoolIdentityProviderGoogle | undefined;
    if (settings.google) {
      google = new cognito.UserPoolIdentityProviderGoogle(this, 'Google', {
        userPool,
        clientId: settings.google.clientId,
        // A CloudFormation dynamic reference: the secret never appears in the template.
        clientSecretValue: SecretValue.secretsManager(settings.google.clientSecretName),
        scopes: ['openid', 'email', 'profile'],
        // Only custom attributes: Google never writes the service's email, name or picture.
        attributeMapping: {
          custom: Object.fromEntries(
            Object.entries(GOOGLE_ATTRIBUTE_MAPPING).map(([attribute, claim]) => [
              attribute,
              cognito.ProviderAttribute.other(claim),
            ]),
          ),
        },
      });
    }

    const api = new AuthApi(this, 'Api', {
      throttle: settings.throttle,
      wafRateLimit: settings.wafRateLimit,
      domain: settings.apiDomain,
      logRetention,
    });
    const apiUrl = settings.apiUrl ?? api.stageUrl;
    // The URLs the API sends, built by the functions that build them (src/oauth/urls.ts): Cognito
    // redirects only to a registered callback and, after /logout, only to a `logout_uri` that is
    // one of the client's sign-out URLs (DG: authorization-endpoint, logout-endpoint).
    const sentUrls = { apiUrl, frontendUrl: settings.frontendUrl, domain: undefined, clientId: '' };
    const unique = (urls: string[]) => [...new Set(urls)];

    const client = userPool.addClient('AppClient', {
      userPoolClientName: settings.clientName,
      generateSecret: true,
      // ALLOW_CUSTOM_AUTH only. With rotation on, CDK leaves out ALLOW_REFRESH_TOKEN_AUTH
      // (REFRESH_TOKEN_AUTH is refused on rotating clients); refresh is GetTokensFromRefreshToken.
      authFlows: { custom: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: TOKEN_VALIDITY.access,
      idTokenValidity: TOKEN_VALIDITY.id,
      refreshTokenValidity: TOKEN_VALIDITY.refresh,
      refreshTokenRotationGracePeriod: TOKEN_VALIDITY.rotationGrace,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: unique([callbackUrl(sentUrls), ...settings.callbackUrls]),
        logoutUrls: unique([signOutUrl(sentUrls), ...settings.logoutUrls]),
      },
      // The client may write exactly the attributes Google is mapped to (Cognito requires that of
      // mapped attributes) and nothing else: no client writes email or email_verified, which
      // only the service sets, through the admin API. Reads are left at the default (all).
      writeAttributes: new cognito.ClientAttributes().withCustomAttributes(...GOOGLE_CUSTOM_ATTRIBUTE_NAMES),
      supportedIdentityProviders: google
        ? [cognito.UserPoolClientIdentityProvider.GOOGLE]
        : [cognito.UserPoolClientIdentityProvider.COGNITO],
    });
    if (google) client.node.addDependency(google);

    const clientSecret = new secretsmanager.Secret(this, 'ClientSecret', {
      description: 'expenser-auth COGNITO_APP_CLIENT_SECRET: the app client secret, for SECRET_HASH',
      secretStringValue: client.userPoolClientSecret,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The deploy-time function CDK uses to read the client secret gets a log group with retention too.
    const secretReader = this.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER)?.node.defaultChild;
    if (secretReader instanceof lambda.CfnFunction) {
      const readerLogs = new logs.LogGroup(this, 'ClientSecretReaderLogs', {
        retention: logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      secretReader.loggingConfig = { logGroup: readerLogs.logGroupName };
    }

    // Only the API function sends mail; the triggers get neither its settings nor the grant.
    const mail = new Mail(this, 'Mail', settings.mail);

    const apiFunction = new ServiceFunction(this, 'ApiFunction', {
      name: 'api',
      code,
      description: 'expenser-auth HTTP API (Hono) behind API Gateway',
      memorySize: 1024,
      timeout: Duration.seconds(10),
      logRetention,
      environment: {
        ...settings.serviceEnv,
        COGNITO_USER_POOL_ID: userPool.userPoolId,
        COGNITO_USER_POOL_ARN: userPool.userPoolArn,
        COGNITO_USER_POOL_NAME: settings.userPoolName,
        COGNITO_USER_POOL_DOMAIN: domain.baseUrl(),
        COGNITO_APP_CLIENT_ID: client.userPoolClientId,
        COGNITO_APP_CLIENT_NAME: settings.clientName,
        COGNITO_APP_CLIENT_SECRET_SECRET_ARN: clientSecret.secretArn,
        SECRET_KEY_SECRET_ARN: secretKey.secretArn,
        API_GATEWAY_INVOKE_URL: apiUrl,
        DYNAMODB_TABLE_NAME: table.tableName,
        MAIL_FROM: settings.mail.from,
        MAIL_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
      },
    });
    mail.grantSendEmail(apiFunction.role);
    apiFunction.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSecretsOncePerColdStart',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretKey.secretArn, clientSecret.secretArn],
      }),
    );
    apiFunction.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CredentialsChallengesGrantsLimits',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    apiFunction.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListCredentialsOfUser',
        actions: ['dynamodb:Query'],
        resources: [gsi1Arn],
      }),
    );
    apiFunction.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManageUsersAndCustomAuth',
        actions: [
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminDeleteUser',
          'cognito-idp:AdminDisableProviderForUser',
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminInitiateAuth',
          'cognito-idp:AdminLinkProviderForUser',
          'cognito-idp:AdminRespondToAuthChallenge',
          'cognito-idp:AdminUserGlobalSignOut',
          'cognito-idp:ListUsers',
        ],
        resources: [userPool.userPoolArn],
      }),
    );
    api.proxyTo(apiFunction.fn);

    acknowledgeFindings({
      stack: this,
      userPool,
      api,
      functions: [preSignUp, defineAuthChallenge, createAuthChallenge, verifyAuthChallenge, apiFunction],
      secretKey,
      clientSecret,
    });

    new CfnOutput(this, 'ApiUrl', { value: apiUrl, description: 'API_GATEWAY_INVOKE_URL' });
    new CfnOutput(this, 'StageUrl', { value: api.stageUrl, description: 'API Gateway stage URL' });
    if (api.domainTarget) {
      new CfnOutput(this, 'ApiDomainTarget', {
        value: api.domainTarget,
        description: 'CNAME / alias target of the API custom domain',
      });
    }
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId, description: 'COGNITO_USER_POOL_ID' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: client.userPoolClientId,
      description: 'COGNITO_APP_CLIENT_ID',
    });
    new CfnOutput(this, 'ClientSecretArn', {
      value: clientSecret.secretArn,
      description: 'COGNITO_APP_CLIENT_SECRET_SECRET_ARN: where a rotated app client secret goes',
    });
    new CfnOutput(this, 'HostedUiDomain', {
      value: domain.baseUrl(),
      description: 'COGNITO_USER_POOL_DOMAIN',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'DYNAMODB_TABLE_NAME' });
    new CfnOutput(this, 'MailConfigurationSet', {
      value: mail.configurationSet.configurationSetName,
      description: 'MAIL_CONFIGURATION_SET',
    });
    for (const [index, record] of (mail.dkimRecords ?? []).entries()) {
      new CfnOutput(this, `MailDkimRecord${index + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: `Easy DKIM: DNS record ${index + 1} of 3 that verifies MAIL_DOMAIN`,
      });
    }
  }
}

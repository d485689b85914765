import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { callbackUrl, signOutUrl } from '../../src/oauth/urls.ts';
import { GSI1_NAME } from '../../src/store/table.ts';
import { acknowledgeFindings } from '../acknowledgements.ts';
import { AuthApi } from '../api.ts';
import { defaultCode, ServiceFunction, type ServiceFunctionProps } from '../functions.ts';
import { Mail } from '../mail.ts';
import { createTable } from '../table.ts';
import { Operations } from './operations.ts';
import { apiServiceSettings, type ExpenserAuthProps, validateExpenserAuthProps } from './props.ts';
import { AuthUserPool } from './user-pool.ts';

/** The service's functions, by name. */
export interface ExpenserAuthFunctions {
  api: ServiceFunction;
  preSignUp: ServiceFunction;
  defineAuthChallenge: ServiceFunction;
  createAuthChallenge: ServiceFunction;
  verifyAuthChallenge: ServiceFunction;
}

/**
 * Everything expenser-auth runs on, for any CDK app: the user pool with its four
 * custom-auth triggers, the app client and hosted-UI domain, the table, the
 * secrets, the API function behind API Gateway and WAF, and SES for its mail.
 * IAM is scoped to exact actions on exact ARNs; cdk-nag findings that are
 * deliberate are acknowledged with their reasons. Props are validated first
 * (`ExpenserAuthPropsError` names every bad one).
 */
export class ExpenserAuth extends Construct {
  readonly userPool: AuthUserPool['userPool'];
  readonly userPoolClient: AuthUserPool['client'];
  readonly hostedUiDomain: AuthUserPool['domain'];
  readonly table: dynamodb.TableV2;
  readonly api: AuthApi;
  /** The API's public URL (API_GATEWAY_INVOKE_URL). */
  readonly apiUrl: string;
  readonly functions: ExpenserAuthFunctions;
  readonly mail: Mail;
  readonly secretKey: secretsmanager.Secret;
  readonly clientSecret: secretsmanager.Secret;
  /**
   * With `forwarder`: the value CloudFront must send as `X-Origin-Verify` to the API, the
   * proof that lets the API trust `CloudFront-Viewer-Address`. See `originCustomHeaders()`.
   */
  readonly forwarderSecret: secretsmanager.Secret | undefined;
  /** Alarms and the dashboard. */
  readonly operations: Operations;
  /** Where the functions' EMF metrics go (METRICS_NAMESPACE). */
  readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: ExpenserAuthProps) {
    super(scope, id);
    validateExpenserAuthProps(props);
    const code = props.code ?? defaultCode();
    const retainData = props.retainData ?? true;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logLevel = props.logLevel ?? 'info';
    const from = Token.isUnresolved(props.mail.from) ? props.mail.from : props.mail.from.toLowerCase();
    // One namespace per deployment, so two stacks in an account never add up each other's counts.
    this.metricsNamespace =
      props.metricsNamespace ??
      `ExpenserAuth/${Stack.of(this).stackName}/${id}`.replace(/[^A-Za-z0-9.\-_/#:]/g, '-');
    const metrics = { METRICS_NAMESPACE: this.metricsNamespace };

    this.table = createTable(this, props.names?.table, retainData);
    const { table } = this;

    this.secretKey = new secretsmanager.Secret(this, 'SecretKey', {
      description: 'expenser-auth SECRET_KEY: seals session and ceremony cookies',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // Triggers: PreSignUp, define and create need nothing; verify reads and consumes table items.
    const fn = (
      id: string,
      name: keyof ExpenserAuthFunctions,
      rest: Omit<ServiceFunctionProps, 'name' | 'code' | 'logRetention'>,
    ) => new ServiceFunction(this, id, { name, code, logRetention, ...rest });
    const preSignUp = fn('PreSignUp', 'preSignUp', {
      description: 'Cognito PreSignUp: refuses self-service sign-up',
      memorySize: 256,
      environment: { LOG_LEVEL: logLevel, ...metrics },
    });
    const defineAuthChallenge = fn('DefineAuthChallenge', 'defineAuthChallenge', {
      description: 'Cognito DefineAuthChallenge: one passkey challenge',
      memorySize: 256,
      environment: metrics,
    });
    const createAuthChallenge = fn('CreateAuthChallenge', 'createAuthChallenge', {
      description: 'Cognito CreateAuthChallenge: names the challenge',
      memorySize: 256,
      environment: metrics,
    });
    const verifyAuthChallenge = fn('VerifyAuthChallenge', 'verifyAuthChallenge', {
      description:
        'Cognito VerifyAuthChallengeResponse: verifies the passkey assertion or registration grant',
      memorySize: 512,
      environment: {
        DYNAMODB_TABLE_NAME: table.tableName,
        RP_ID: props.relyingParty.id,
        RP_NAME: props.relyingParty.name,
        RP_ORIGIN: props.relyingParty.origins.join(','),
        LOG_LEVEL: logLevel,
        ...metrics,
      },
    });
    verifyAuthChallenge.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ConsumeChallengesAndUpdateCredentials',
        actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );

    this.forwarderSecret = props.forwarder
      ? new secretsmanager.Secret(this, 'ForwarderSecret', {
          description:
            'expenser-auth: the X-Origin-Verify header value CloudFront adds on its way to the API',
          generateSecretString: { passwordLength: 48, excludePunctuation: true },
        })
      : undefined;

    this.api = new AuthApi(this, 'Api', {
      clientAddress: props.forwarder ? 'forwarded' : 'source',
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      wafRateLimit: props.wafRateLimit ?? 500,
      domain: props.apiDomain,
      logRetention,
    });
    this.apiUrl = props.apiUrl ?? (props.apiDomain ? `https://${props.apiDomain.name}` : this.api.stageUrl);
    // The URLs the API sends, built by the functions that build them (src/oauth/urls.ts): Cognito
    // redirects only to a registered callback and, after /logout, only to a `logout_uri` that is
    // one of the client's sign-out URLs (DG: authorization-endpoint, logout-endpoint).
    const sentUrls = { apiUrl: this.apiUrl, frontendUrl: props.frontendUrl, domain: undefined, clientId: '' };
    const unique = (urls: string[]) => [...new Set(urls)];

    const pool = new AuthUserPool(this, 'Pool', {
      triggers: {
        preSignUp: preSignUp.fn,
        defineAuthChallenge: defineAuthChallenge.fn,
        createAuthChallenge: createAuthChallenge.fn,
        verifyAuthChallengeResponse: verifyAuthChallenge.fn,
      },
      userPoolName: props.names?.userPool,
      clientName: props.names?.client ?? 'expenser-auth-web',
      domainPrefix: props.hostedUiDomainPrefix,
      google: props.google,
      callbackUrls: unique([callbackUrl(sentUrls), ...(props.extraCallbackUrls ?? [])]),
      logoutUrls: unique([signOutUrl(sentUrls), ...(props.extraLogoutUrls ?? [])]),
      retainData,
      logRetention,
    });
    this.userPool = pool.userPool;
    this.userPoolClient = pool.client;
    this.hostedUiDomain = pool.domain;
    this.clientSecret = pool.clientSecret;

    // Only the API function sends mail; the triggers get neither its settings nor the grant.
    this.mail = new Mail(this, 'Mail', {
      from,
      domain: props.mail.domain?.toLowerCase(),
      sandboxRecipients: unique(
        (props.mail.sandboxRecipients ?? []).map((address) => address.toLowerCase()),
      ).filter((address) => props.mail.domain || address !== from),
    });

    const apiFunction = fn('ApiFunction', 'api', {
      description: 'expenser-auth HTTP API (Hono) behind API Gateway',
      memorySize: 1024,
      timeout: Duration.seconds(10),
      environment: {
        ...apiServiceSettings(props),
        MAIL_FROM: from,
        COGNITO_USER_POOL_ID: this.userPool.userPoolId,
        COGNITO_USER_POOL_ARN: this.userPool.userPoolArn,
        ...(props.names?.userPool ? { COGNITO_USER_POOL_NAME: props.names.userPool } : {}),
        COGNITO_USER_POOL_DOMAIN: this.hostedUiDomain.baseUrl(),
        COGNITO_APP_CLIENT_ID: this.userPoolClient.userPoolClientId,
        COGNITO_APP_CLIENT_NAME: props.names?.client ?? 'expenser-auth-web',
        COGNITO_APP_CLIENT_SECRET_SECRET_ARN: this.clientSecret.secretArn,
        SECRET_KEY_SECRET_ARN: this.secretKey.secretArn,
        ...(this.forwarderSecret
          ? { CLIENT_IP_FORWARDER_SECRET_SECRET_ARN: this.forwarderSecret.secretArn }
          : {}),
        API_GATEWAY_INVOKE_URL: this.apiUrl,
        DYNAMODB_TABLE_NAME: table.tableName,
        MAIL_CONFIGURATION_SET: this.mail.configurationSet.configurationSetName,
        ...metrics,
      },
    });
    this.grantApi(apiFunction);
    this.api.proxyTo(apiFunction.fn);

    this.functions = {
      api: apiFunction,
      preSignUp,
      defineAuthChallenge,
      createAuthChallenge,
      verifyAuthChallenge,
    };
    this.operations = new Operations(this, 'Operations', {
      ...props.alarms,
      namespace: this.metricsNamespace,
      api: this.api,
      apiFunction,
      triggers: {
        PreSignUp: preSignUp,
        DefineAuthChallenge: defineAuthChallenge,
        CreateAuthChallenge: createAuthChallenge,
        VerifyAuthChallenge: verifyAuthChallenge,
      },
      faultOnError: [defineAuthChallenge, createAuthChallenge, verifyAuthChallenge],
    });
    acknowledgeFindings({
      scope: this,
      userPool: this.userPool,
      api: this.api,
      functions: Object.values(this.functions),
      secretKey: this.secretKey,
      clientSecret: this.clientSecret,
      forwarderSecret: this.forwarderSecret,
    });
  }

  /**
   * Custom headers for the CloudFront origin that points at this API (with `forwarder:
   * 'cloudfront'`): `X-Origin-Verify` with the generated secret, as a CloudFormation dynamic
   * reference resolved at deploy time. The API trusts `CloudFront-Viewer-Address` only on
   * requests that carry it; forward that header with the origin request policy.
   */
  originCustomHeaders(): Record<string, string> {
    if (!this.forwarderSecret) {
      throw new TypeError("originCustomHeaders: set forwarder: 'cloudfront' in the ExpenserAuth props first");
    }
    return { 'X-Origin-Verify': this.forwarderSecret.secretValue.unsafeUnwrap() };
  }

  /** The API function's grants: exactly the operations its adapters send, on this construct's resources. */
  private grantApi(apiFunction: ServiceFunction): void {
    const { role } = apiFunction;
    this.mail.grantSendEmail(role);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSecretsOncePerColdStart',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [
          this.secretKey.secretArn,
          this.clientSecret.secretArn,
          ...(this.forwarderSecret ? [this.forwarderSecret.secretArn] : []),
        ],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CredentialsChallengesGrantsLimits',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        // The index lists a user's credentials; the table's user partition holds their sessions
        // (logout everywhere, evictions, the sessions list) and is emptied on account deletion.
        sid: 'ListCredentialsAndSessionsOfUser',
        actions: ['dynamodb:Query'],
        resources: [this.table.tableArn, `${this.table.tableArn}/index/${GSI1_NAME}`],
      }),
    );
    role.addToPolicy(
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
          'cognito-idp:AdminUpdateUserAttributes',
          'cognito-idp:AdminUserGlobalSignOut',
          'cognito-idp:ListUsers',
        ],
        resources: [this.userPool.userPoolArn],
      }),
    );
  }
}

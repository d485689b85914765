import { Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  GOOGLE_ATTRIBUTE_MAPPING,
  GOOGLE_CUSTOM_ATTRIBUTE_NAMES,
} from '../../src/cognito/google-attributes.ts';
import { USERNAMES_CASE_SENSITIVE } from '../../src/cognito/pool-settings.ts';
import { AWS_CUSTOM_RESOURCE_PROVIDER } from '../acknowledgements.ts';

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

export interface AuthUserPoolProps {
  triggers: cognito.UserPoolTriggers;
  userPoolName: string | undefined;
  clientName: string;
  domainPrefix: string;
  google: { clientId: string; clientSecretName: string } | undefined;
  callbackUrls: string[];
  logoutUrls: string[];
  retainData: boolean;
  logRetention: logs.RetentionDays;
}

/**
 * The user pool (custom-auth triggers, case-insensitive, no self sign-up), its hosted-UI
 * domain, Google federation when configured, and the one app client, whose secret is
 * copied into Secrets Manager for the API.
 */
export class AuthUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  readonly client: cognito.UserPoolClient;
  readonly clientSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AuthUserPoolProps) {
    super(scope, id);
    const dataRemoval = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: props.userPoolName,
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      // Case-insensitive usernames and emails: User@Example.com and user@example.com are one
      // user, as the service treats them. Cognito fixes this when the pool is created (DG:
      // user-pool-case-sensitivity; API: UsernameConfigurationType); CDK's default is sensitive.
      // The local emulator models the same setting (src/cognito/pool-settings.ts).
      signInCaseSensitive: USERNAMES_CASE_SENSITIVE,
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
      deletionProtection: props.retainData,
      removalPolicy: dataRemoval,
      lambdaTriggers: props.triggers,
    });

    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });

    let google: cognito.UserPoolIdentityProviderGoogle | undefined;
    if (props.google) {
      google = new cognito.UserPoolIdentityProviderGoogle(this, 'Google', {
        userPool: this.userPool,
        clientId: props.google.clientId,
        // A CloudFormation dynamic reference: the secret never appears in the template.
        clientSecretValue: SecretValue.secretsManager(props.google.clientSecretName),
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

    this.client = this.userPool.addClient('AppClient', {
      userPoolClientName: props.clientName,
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
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
      // The client may write exactly the attributes Google is mapped to (Cognito requires that of
      // mapped attributes) and nothing else: no client writes email or email_verified, which
      // only the service sets, through the admin API. Reads are left at the default (all).
      writeAttributes: new cognito.ClientAttributes().withCustomAttributes(...GOOGLE_CUSTOM_ATTRIBUTE_NAMES),
      supportedIdentityProviders: google
        ? [cognito.UserPoolClientIdentityProvider.GOOGLE]
        : [cognito.UserPoolClientIdentityProvider.COGNITO],
    });
    if (google) this.client.node.addDependency(google);

    this.clientSecret = new secretsmanager.Secret(this, 'ClientSecret', {
      description: 'expenser-auth COGNITO_APP_CLIENT_SECRET: the app client secret, for SECRET_HASH',
      secretStringValue: this.client.userPoolClientSecret,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The deploy-time function CDK uses to read the client secret (one per stack) gets a log
    // group with retention too.
    const stack = Stack.of(this);
    const secretReader = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER)?.node.defaultChild;
    if (secretReader instanceof lambda.CfnFunction && !secretReader.loggingConfig) {
      const readerLogs = new logs.LogGroup(stack, 'ClientSecretReaderLogs', {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      secretReader.loggingConfig = { logGroup: readerLogs.logGroupName };
    }
  }
}

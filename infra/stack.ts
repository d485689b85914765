import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import { ExpenserAuth } from './construct/index.ts';
import { CONSTRUCT_SETTINGS } from './construct/props.ts';
import type { CodeSource } from './functions.ts';
import type { DeploySettings } from './settings.ts';

export { TOKEN_VALIDITY } from './construct/user-pool.ts';

export interface ExpenserAuthStackProps extends StackProps {
  settings: DeploySettings;
  /** Function code; defaults to the esbuild bundles of `src/lambda/`. */
  code?: CodeSource;
}

/**
 * This project's own deployment: the `ExpenserAuth` construct with the props
 * its `.env` settings map to, and the outputs `npm run deploy` prints.
 */
export class ExpenserAuthStack extends Stack {
  readonly auth: ExpenserAuth;

  constructor(scope: Construct, id: string, props: ExpenserAuthStackProps) {
    super(scope, id, props);
    const { settings } = props;
    // The settings the construct sets from typed props are not passed twice.
    const apiEnvironment = Object.fromEntries(
      Object.entries(settings.serviceEnv).filter(
        ([name]) => !(CONSTRUCT_SETTINGS as readonly string[]).includes(name),
      ),
    );
    const auth = new ExpenserAuth(this, 'Auth', {
      frontendUrl: settings.frontendUrl,
      relyingParty: settings.rp,
      hostedUiDomainPrefix: settings.domainPrefix,
      mail: settings.mail,
      apiDomain: settings.apiDomain && {
        name: settings.apiDomain.name,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          'ApiCertificate',
          settings.apiDomain.certificateArn,
        ),
      },
      apiUrl: settings.apiUrl,
      google: settings.google,
      retainData: settings.retainData,
      throttle: settings.throttle,
      wafRateLimit: settings.wafRateLimit,
      names: { table: settings.tableName, userPool: settings.userPoolName, client: settings.clientName },
      extraCallbackUrls: settings.callbackUrls,
      extraLogoutUrls: settings.logoutUrls,
      apiEnvironment,
      logLevel: settings.logLevel,
      code: props.code,
    });
    this.auth = auth;

    const output = (name: string, value: string, description: string) =>
      new CfnOutput(this, name, { value, description });
    output('ApiUrl', auth.apiUrl, 'API_GATEWAY_INVOKE_URL');
    output('StageUrl', auth.api.stageUrl, 'API Gateway stage URL');
    if (auth.api.domainTarget) {
      output('ApiDomainTarget', auth.api.domainTarget, 'CNAME / alias target of the API custom domain');
    }
    output('UserPoolId', auth.userPool.userPoolId, 'COGNITO_USER_POOL_ID');
    output('UserPoolClientId', auth.userPoolClient.userPoolClientId, 'COGNITO_APP_CLIENT_ID');
    output(
      'ClientSecretArn',
      auth.clientSecret.secretArn,
      'COGNITO_APP_CLIENT_SECRET_SECRET_ARN: where a rotated app client secret goes',
    );
    output('HostedUiDomain', auth.hostedUiDomain.baseUrl(), 'COGNITO_USER_POOL_DOMAIN');
    output('TableName', auth.table.tableName, 'DYNAMODB_TABLE_NAME');
    output('MailConfigurationSet', auth.mail.configurationSet.configurationSetName, 'MAIL_CONFIGURATION_SET');
    for (const [index, record] of (auth.mail.dkimRecords ?? []).entries()) {
      output(
        `MailDkimRecord${index + 1}`,
        `${record.name} CNAME ${record.value}`,
        `Easy DKIM: DNS record ${index + 1} of 3 that verifies MAIL_DOMAIN`,
      );
    }
  }
}

import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export const STAGE_NAME = 'prod';

export interface AuthApiProps {
  /**
   * Whose address the WAF rate rule counts: `source`, the caller (clients call API Gateway
   * directly); `forwarded`, the client address a forwarder (CloudFront) adds to
   * X-Forwarded-For, since every request then comes from the forwarder's own addresses.
   */
  clientAddress?: 'source' | 'forwarded';
  /** Stage-wide steady rate (requests/s) and burst. */
  throttle: { rateLimit: number; burstLimit: number };
  /** WAF: requests per 5-minute window per client IP before blocking. */
  wafRateLimit: number;
  /** Serve the stage at the root of this custom domain (so cookie paths match what browsers see). */
  domain?: { name: string; certificate: acm.ICertificate } | undefined;
  /** Retention of the access and execution logs. */
  logRetention: logs.RetentionDays;
}

/**
 * The REST API in front of the API function: every path proxied to it (the
 * Hono app answers 404 itself), stage throttling, JSON access logs, X-Ray,
 * and a regional WAF web ACL with a per-IP rate-based rule.
 */
export class AuthApi extends Construct {
  readonly restApi: apigateway.RestApi;
  readonly accessLogs: logs.LogGroup;
  /** The group API Gateway writes the stage's execution logs to, created here with retention. */
  readonly executionLogs: logs.LogGroup;
  readonly webAcl: wafv2.CfnWebACL;
  /** The stage URL, built from the API id so the function may reference it without a cycle. */
  readonly stageUrl: string;
  /** The custom domain's regional target for the DNS record, when a domain is configured. */
  readonly domainTarget: string | undefined;

  constructor(scope: Construct, id: string, props: AuthApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'expenser-auth: passkey and Google sign-in, cookie sessions',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Logging needs the account-level role API Gateway writes CloudWatch Logs with.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Request and response bodies carry assertions and tokens: never logged.
        dataTraceEnabled: false,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
      disableExecuteApiEndpoint: false,
    });
    // RestApi always adds an `Endpoint` output; which outputs a stack has is its owner's choice.
    this.restApi.node.tryRemoveChild('Endpoint');
    // API Gateway writes execution logs to `API-Gateway-Execution-Logs_{rest-api-id}/{stage_name}`,
    // a group it creates on first use, without retention and outside the stack (DG:
    // rest-api-execution-logging). Created here under that name, with retention, before the
    // stage exists, so API Gateway finds it and never creates its own.
    this.executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${STAGE_NAME}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.restApi.deploymentStage.node.addDependency(this.executionLogs);
    if (props.domain) {
      const domain = this.restApi.addDomainName('Domain', {
        domainName: props.domain.name,
        certificate: props.domain.certificate,
        endpointType: apigateway.EndpointType.REGIONAL,
        securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
      });
      this.domainTarget = domain.domainNameAliasDomainName;
    }
    this.stageUrl = `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${STAGE_NAME}`;

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: 'expenser-auth-api',
        sampledRequestsEnabled: true,
      },
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement:
              props.clientAddress === 'forwarded'
                ? {
                    limit: props.wafRateLimit,
                    // WAF reads the first address of the header (WAF DG: rate-based aggregation
                    // options); requests without a valid one are counted together (MATCH).
                    aggregateKeyType: 'FORWARDED_IP',
                    forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' },
                  }
                : { limit: props.wafRateLimit, aggregateKeyType: 'IP' },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'rate-limit-per-ip',
            sampledRequestsEnabled: true,
          },
        },
        {
          name: 'AwsKnownBadInputs',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'known-bad-inputs',
            sampledRequestsEnabled: true,
          },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }

  /** Routes every method and path of the API to `fn` (Lambda proxy integration). */
  proxyTo(fn: lambda.IFunction): void {
    const integration = new apigateway.LambdaIntegration(fn, { proxy: true });
    this.restApi.root.addMethod('ANY', integration);
    this.restApi.root.addProxy({ defaultIntegration: integration, anyMethod: true });
  }
}

import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { MailSettings } from './settings.ts';

/**
 * Amazon SES for the API function's mail: the sending identity (MAIL_DOMAIN with
 * Easy DKIM, else the MAIL_FROM address), a configuration set without open or
 * click tracking, and, for a sandboxed account, one identity per test recipient.
 */
export class Mail extends Construct {
  /** The identity MAIL_FROM is verified by. */
  readonly identity: ses.EmailIdentity;
  /** Set only for a domain identity: the CNAME records Easy DKIM needs in DNS. */
  readonly dkimRecords: ses.DkimRecord[] | undefined;
  readonly configurationSet: ses.ConfigurationSet;
  readonly configurationSetArn: string;
  /** Verified recipients (MAIL_SANDBOX_RECIPIENTS): a sandboxed account may send only to these. */
  readonly sandboxRecipients: ses.EmailIdentity[];

  constructor(scope: Construct, id: string, settings: MailSettings) {
    super(scope, id);
    // We send no tracking: no event destination with OPEN or CLICK events, and VDM
    // engagement metrics (which would add the same pixel and link rewriting) are off.
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      vdmOptions: { engagementMetrics: false },
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    if (settings.domain) {
      this.identity = new ses.EmailIdentity(this, 'DomainIdentity', {
        identity: ses.Identity.domain(settings.domain),
        dkimSigning: true,
        dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
        configurationSet: this.configurationSet,
      });
      this.dkimRecords = this.identity.dkimRecords;
    } else {
      // SES mails the address a verification link; DKIM follows the address's domain.
      this.identity = new ses.EmailIdentity(this, 'AddressIdentity', {
        identity: ses.Identity.email(settings.from),
        configurationSet: this.configurationSet,
      });
    }

    // Ids follow the address, not its position, so editing the list never replaces
    // (and re-verifies) the identities that stay.
    this.sandboxRecipients = settings.sandboxRecipients.map((address) => {
      const id = createHash('sha256').update(address).digest('hex').slice(0, 12);
      return new ses.EmailIdentity(this, `SandboxRecipient${id}`, { identity: ses.Identity.email(address) });
    });
  }

  /**
   * `ses:SendEmail` on exactly what SES v2 authorizes a send against: the sender's
   * identity and the configuration set, plus, in the sandbox, each recipient's identity.
   */
  grantSendEmail(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendMailFromTheIdentityWithTheConfigurationSet',
        actions: ['ses:SendEmail'],
        resources: [
          this.identity.emailIdentityArn,
          this.configurationSetArn,
          ...this.sandboxRecipients.map((recipient) => recipient.emailIdentityArn),
        ],
      }),
    );
  }
}

import {
  GetAccountCommand,
  type GetAccountCommandOutput,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';

/** The two SES v2 reads the report needs (a fake in tests). */
export interface SesQueries {
  getEmailIdentity(identity: string): Promise<GetEmailIdentityCommandOutput>;
  getAccount(): Promise<GetAccountCommandOutput>;
}

export function sesQueries(client: SESv2Client): SesQueries {
  return {
    getEmailIdentity: (identity) => client.send(new GetEmailIdentityCommand({ EmailIdentity: identity })),
    getAccount: () => client.send(new GetAccountCommand({})),
  };
}

export interface SesReport {
  /** Whether SES lets the service send as MAIL_FROM (its address or its domain is a verified identity). */
  identity: string;
  /** Whether the account is in the SES sandbox (mail only to verified addresses). */
  sandbox: string;
}

export const LOCAL_SES = 'local SES (aws-ses-v2-local)';

const errorName = (error: unknown) => (error as { name?: string }).name ?? 'Error';

/**
 * What SES says about sending as `mailFrom`: a report, not a check — the
 * smoke test sends no mail, and a new account starts in the sandbox. `null`
 * queries mean the local SES, which accepts any sender.
 */
export async function reportSes(
  queries: SesQueries | null,
  mailFrom: string | undefined,
): Promise<SesReport> {
  if (!queries) return { identity: LOCAL_SES, sandbox: LOCAL_SES };
  const [identity, sandbox] = await Promise.all([
    mailFrom ? reportIdentity(queries, mailFrom) : 'not checked: MAIL_FROM is not set (--mail-from)',
    reportSandbox(queries),
  ]);
  return { identity, sandbox };
}

async function reportIdentity(queries: SesQueries, mailFrom: string): Promise<string> {
  const unverified: string[] = [];
  for (const [kind, identity] of identitiesFor(mailFrom)) {
    try {
      const out = await queries.getEmailIdentity(identity);
      if (out.VerifiedForSendingStatus) return `verified (${kind} ${identity})`;
      unverified.push(`${kind} ${identity} is ${out.VerificationStatus ?? 'not verified'}`);
    } catch (error) {
      if (errorName(error) === 'NotFoundException') continue;
      return `could not check (${errorName(error)})`;
    }
  }
  if (unverified.length > 0) return `NOT verified: ${unverified.join(', ')}`;
  return `NOT verified: no SES identity in this region covers ${mailFrom}`;
}

/**
 * The identities that let SES send as an address: the address itself, its
 * domain, or a parent domain (a verified domain may send from its
 * subdomains, which is how MAIL_DOMAIN works: infra/settings.ts).
 */
function identitiesFor(mailFrom: string): ['address' | 'domain', string][] {
  const labels = mailFrom.slice(mailFrom.lastIndexOf('@') + 1).split('.');
  const domains = labels.slice(0, -1).map((_, index) => labels.slice(index).join('.'));
  return [['address', mailFrom], ...domains.map((domain): ['domain', string] => ['domain', domain])];
}

async function reportSandbox(queries: SesQueries): Promise<string> {
  let account: GetAccountCommandOutput;
  try {
    account = await queries.getAccount();
  } catch (error) {
    return `could not check (${errorName(error)})`;
  }
  const sending = account.SendingEnabled === false ? '; sending is DISABLED for the account' : '';
  if (account.ProductionAccessEnabled) return `out of the sandbox (production access)${sending}`;
  const quota = account.SendQuota?.Max24HourSend;
  return `IN THE SANDBOX: mail reaches only verified addresses${quota !== undefined ? `, at most ${quota} a day` : ''}; request production access${sending}`;
}

import type { LocalStack } from '../../src/local/stack.ts';

/** A message as aws-ses-v2-local's `GET /store` lists it. */
export interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** Every message sent to `to` so far, oldest first (the local SES's mailbox is shared by the process). */
export async function mailTo(stack: Pick<LocalStack, 'mail'>, to: string): Promise<StoredMail[]> {
  const response = await fetch(`${stack.mail.endpoint}/store`);
  if (!response.ok) throw new Error(`GET /store answered ${response.status}`);
  const { emails } = (await response.json()) as { emails: StoredMail[] };
  const wanted = to.trim().normalize('NFC').toLowerCase();
  return emails.filter((mail) => mail.destination.to.some((address) => address.toLowerCase() === wanted));
}

/** The newest message to `to`; throws when there is none. */
export async function lastMailTo(stack: Pick<LocalStack, 'mail'>, to: string): Promise<StoredMail> {
  const mails = await mailTo(stack, to);
  const last = mails.at(-1);
  if (!last) throw new Error(`no mail to ${to}`);
  return last;
}

/** The 6-digit code of a code mail (its only 6-digit number), or null. */
export function codeIn(mail: StoredMail): string | null {
  const codes = (mail.body.text ?? '').match(/\b\d{6}\b/g) ?? [];
  return codes.length === 1 ? (codes[0] ?? null) : null;
}

/** The code in the newest mail to `to`; throws when that mail carries none. */
export async function lastCodeTo(stack: Pick<LocalStack, 'mail'>, to: string): Promise<string> {
  const mail = await lastMailTo(stack, to);
  const code = codeIn(mail);
  if (!code) throw new Error(`the last mail to ${to} ("${mail.subject}") carries no code`);
  return code;
}

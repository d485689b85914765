import type { Context } from 'hono';
import { type NoticeKind, noticeMail } from '../mail/messages.ts';
import type { User } from '../sessions/session.ts';
import type { AppEnv, Runtime } from './deps.ts';
import { mailContext } from './email-codes.ts';

/**
 * Mails a notice of `kind` to the account's address — only when that address
 * is verified: an unverified address may be someone else's (an older account
 * that never proved it), who must not be told about this account. Best
 * effort: a failed send is logged and never fails the request.
 */
export async function notifyAccount(
  c: Context<AppEnv>,
  rt: Runtime,
  user: Pick<User, 'email' | 'emailVerified'>,
  kind: NoticeKind,
): Promise<void> {
  if (!user.emailVerified || !user.email) return;
  await rt.mailer.notify(noticeMail(mailContext(rt), kind, user.email), c.var.log);
}

/**
 * Every mail the service sends (docs/api.md "Email, recovery and the
 * account"): plain text plus simple HTML, the product's name, no tracking,
 * no code or token in any link. A code mail carries its code as its only
 * 6-digit number; no other mail contains one (dates are written out so they
 * never form one).
 */

export type MailKind =
  | 'signup-code'
  | 'account-exists'
  | 'recovery-code'
  | 'stepup-code'
  | 'email-change-code'
  | 'email-verify-code'
  | 'email-in-use'
  | 'passkey-added'
  | 'google-linked'
  | 'google-unlinked'
  | 'recovery-sign-in'
  | 'email-changed'
  | 'account-deleted';

export interface MailMessage {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What every message may mention: the product's name, where the account page is, when it happened. */
export interface MailContext {
  product: string;
  /** Base URL of the front end; the account page is `<frontendUrl>/account`, the sign-in page `/login`. */
  frontendUrl: string;
  now: number;
}

/** The kinds that carry a code, and what the code is for. */
export type CodeMailKind = Extract<
  MailKind,
  'signup-code' | 'recovery-code' | 'stepup-code' | 'email-change-code' | 'email-verify-code'
>;

const CODE_PURPOSE: Record<CodeMailKind, { subject: string; lead: string }> = {
  'signup-code': {
    subject: 'Your sign-up code',
    lead: 'Enter this code to confirm your email address and create your account:',
  },
  'recovery-code': {
    subject: 'Your account recovery code',
    lead: 'Enter this code to sign in and add a new passkey to your account:',
  },
  'stepup-code': {
    subject: 'Your confirmation code',
    lead: 'Enter this code to confirm it is you before changing how you sign in:',
  },
  'email-change-code': {
    subject: 'Confirm your new email address',
    lead: 'Enter this code to make this the email address of your account:',
  },
  'email-verify-code': {
    subject: 'Confirm your email address',
    lead: 'Enter this code to confirm the email address of your account:',
  },
};

/** A mail with a 6-digit code. */
export function codeMail(ctx: MailContext, kind: CodeMailKind, to: string, code: string): MailMessage {
  if (!/^\d{6}$/.test(code)) throw new TypeError('a mail code is 6 digits');
  const { subject, lead } = CODE_PURPOSE[kind];
  return compose(ctx, kind, to, `${subject} for ${ctx.product}`, [
    { text: lead },
    { code },
    { text: 'The code expires in 10 minutes and works once, in the browser where you asked for it.' },
    { text: 'If you did not ask for it, you can ignore this email: nothing changes without the code.' },
  ]);
}

/** Sign-up was started for an address that already has an account: no code, an offer to sign in instead. */
export function accountExistsMail(ctx: MailContext, to: string): MailMessage {
  return compose(ctx, 'account-exists', to, `You already have a ${ctx.product} account`, [
    {
      text: 'Someone (probably you) tried to create an account with this email address, but it already has one.',
    },
    { text: 'Sign in with your passkey or with Google instead:', link: `${ctx.frontendUrl}/login` },
    { text: 'Lost your passkey? Choose "Lost your passkey?" on the sign-in page to recover your account.' },
    { text: 'If this was not you, you can ignore this email: nothing changed.' },
  ]);
}

/** An email change was asked for an address that belongs to another account: that address is told instead of sent a code. */
export function emailInUseMail(ctx: MailContext, to: string): MailMessage {
  return compose(ctx, 'email-in-use', to, `Your email address and ${ctx.product}`, [
    {
      text: 'Someone tried to move this email address to another account. It already belongs to your account, so nothing changed.',
    },
    { text: 'If you want to check your account, sign in:', link: `${ctx.frontendUrl}/login` },
  ]);
}

export type NoticeKind = Extract<
  MailKind,
  | 'passkey-added'
  | 'google-linked'
  | 'google-unlinked'
  | 'recovery-sign-in'
  | 'email-changed'
  | 'account-deleted'
>;

const NOTICE: Record<NoticeKind, { subject: string; what: string }> = {
  'passkey-added': { subject: 'A passkey was added', what: 'A new passkey was added to your account.' },
  'google-linked': {
    subject: 'Google sign-in was linked',
    what: 'A Google account was linked to your account: it can now be used to sign in.',
  },
  'google-unlinked': {
    subject: 'Google sign-in was removed',
    what: 'Google sign-in was removed from your account.',
  },
  'recovery-sign-in': {
    subject: 'Your account was recovered',
    what: 'Someone signed in to your account with an emailed recovery code. Every other session was signed out.',
  },
  'email-changed': {
    subject: 'Your email address was changed',
    what: 'The email address of your account was changed; this address no longer signs in or receives codes.',
  },
  'account-deleted': {
    subject: 'Your account was deleted',
    what: 'Your account and everything stored about it were deleted. This address can be used to sign up again.',
  },
};

/** A notice to the account's address: what happened, when, and the account page. */
export function noticeMail(ctx: MailContext, kind: NoticeKind, to: string): MailMessage {
  const { subject, what } = NOTICE[kind];
  const paragraphs: Paragraph[] = [{ text: what }, { text: `When: ${writtenDate(ctx.now)}.` }];
  if (kind === 'account-deleted') {
    paragraphs.push({ text: 'If you did not do this, contact support.' });
  } else {
    paragraphs.push({
      text: 'If this was not you, review your passkeys, sessions and linked accounts now:',
      link: `${ctx.frontendUrl}/account`,
    });
  }
  return compose(ctx, kind, to, `${subject} (${ctx.product})`, paragraphs);
}

type Paragraph = { text: string; link?: string } | { code: string };

function compose(
  ctx: MailContext,
  kind: MailKind,
  to: string,
  subject: string,
  paragraphs: Paragraph[],
): MailMessage {
  const text = [
    ...paragraphs.map((p) => ('code' in p ? `    ${p.code}` : p.link ? `${p.text}\n${p.link}` : p.text)),
    `— ${ctx.product}`,
  ].join('\n\n');
  const body = paragraphs
    .map((p) => {
      if ('code' in p) {
        return `<p style="font-size:28px;letter-spacing:4px;font-family:monospace"><strong>${p.code}</strong></p>`;
      }
      const link = p.link ? ` <a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a>` : '';
      return `<p>${escapeHtml(p.text)}${link}</p>`;
    })
    .join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif;max-width:560px">\n<h1 style="font-size:20px">${escapeHtml(ctx.product)}</h1>\n${body}\n</body></html>`;
  return { kind, to, subject, text, html };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "7 December 2026 at 00:32 UTC": never a run of six digits. */
function writtenDate(ms: number): string {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} at ${hh}:${mm} UTC`;
}

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

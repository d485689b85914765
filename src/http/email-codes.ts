import type { Context } from 'hono';
import * as z from 'zod/mini';
import { sameText } from '../constant-time.ts';
import { CODE_TTL_MS, hashCode, MAX_CODE_TRIES, newCode } from '../email-codes/codes.ts';
import { CodeInvalidError, RateLimitedError } from '../errors.ts';
import { type CodeMailKind, codeMail, type MailContext, type MailMessage } from '../mail/messages.ts';
import { randomId } from '../sessions/csrf.ts';
import { seal, unseal } from '../sessions/seal.ts';
import type { EmailClaim, EmailCodePurpose, EmailCodeRecord } from '../store/types.ts';
import { readJson } from './body.ts';
import { clearCookie, readCookie, writeCookie } from './cookies.ts';
import type { AppEnv, Runtime } from './deps.ts';
import type { FailureLimiter } from './rate-limit.ts';
import { codeBody } from './schemas.ts';
import { type CurrentSession, jarOf, requireSession } from './sessions.ts';

type Ctx = Context<AppEnv>;

/**
 * Emailed codes (docs/api.md "Email, recovery and the account"): issued by a
 * start endpoint, checked here and only here. A code is bound to the browser
 * that asked for it — by the code cookie (sign-up, recovery) or by the
 * session (signed-in flows) — so no one else can replace or burn it. Only a
 * correct code comes back as its record; every wrong guess ends in this
 * module and never reaches Cognito.
 */

const CODE_COOKIE_PURPOSE = 'email-code';
const codeCookieSchema = z.object({ fid: z.string(), p: z.string() });

/** What the mails may say: the product, the front end, now. */
export function mailContext(rt: Runtime): MailContext {
  return { product: rt.config.rp.name, frontendUrl: rt.config.frontendUrl, now: rt.clock() };
}

/** The flow id of a signed-in flow: one per session and purpose, so a new start replaces the code. */
function sessionCodeFlow(sid: string, purpose: EmailCodePurpose): string {
  return `${purpose}:${sid}`;
}

/** The flow id the code cookie binds to this browser for `purpose`, or null. */
async function boundCodeFlow(c: Ctx, rt: Runtime, purpose: EmailCodePurpose): Promise<string | null> {
  const payload = await unseal(readCookie(c, jarOf(rt).code), {
    key: rt.keys.ceremony,
    purpose: CODE_COOKIE_PURPOSE,
    now: rt.clock(),
  });
  const parsed = codeCookieSchema.safeParse(payload);
  return parsed.success && parsed.data.p === purpose ? parsed.data.fid : null;
}

/**
 * The flow of a browser-bound code: the one this browser already has for
 * `purpose` (a new start replaces its code), else a new one. Sets the code
 * cookie for the code's lifetime.
 */
async function browserCodeFlow(c: Ctx, rt: Runtime, purpose: EmailCodePurpose): Promise<string> {
  const now = rt.clock();
  const id = (await boundCodeFlow(c, rt, purpose)) ?? randomId();
  const sealed = await seal(
    { fid: id, p: purpose },
    { key: rt.keys.ceremony, purpose: CODE_COOKIE_PURPOSE, expiresAt: now + CODE_TTL_MS, now },
  );
  writeCookie(c, jarOf(rt).code, sealed, CODE_TTL_MS / 1000);
  return id;
}

export function clearCodeCookie(c: Ctx, rt: Runtime): void {
  clearCookie(c, jarOf(rt).code);
}

export interface CodeIssue {
  flowId: string;
  purpose: EmailCodePurpose;
  email: string;
  userId?: string;
  displayName?: string;
  /**
   * What to mail: a code mail of this kind, a message without a code (the
   * address already has an account), or nothing. Either way a record with a
   * code is stored, so every path does the same work; a code nobody was sent
   * can never be entered.
   */
  mail: { code: CodeMailKind } | { message: MailMessage } | null;
}

/** Stores a fresh code for the flow (replacing any earlier one) and mails what `mail` says. */
async function issueEmailCode(c: Ctx, rt: Runtime, issue: CodeIssue): Promise<void> {
  const code = newCode();
  const { flowId: id, purpose, email } = issue;
  const record: EmailCodeRecord = {
    id,
    purpose,
    email,
    codeHash: hashCode(rt.keys.emailCode, { id, purpose, email, code }),
    attempts: 0,
    expiresAt: rt.clock() + CODE_TTL_MS,
    ...(issue.userId !== undefined ? { userId: issue.userId } : {}),
    ...(issue.displayName !== undefined ? { displayName: issue.displayName } : {}),
  };
  await rt.store.putEmailCode(record);
  if (!issue.mail) return;
  const message =
    'code' in issue.mail ? codeMail(mailContext(rt), issue.mail.code, email, code) : issue.mail.message;
  await rt.mailer.send(message);
  c.var.log.info('code requested', { purpose, mailed: message.kind });
}

/**
 * Checks a code against the flow bound to this request and consumes it.
 * Returns the record only for the right code, once. A wrong code counts
 * against the code (burnt after `MAX_CODE_TRIES`, then `429`) and the client
 * address; a missing, expired, foreign or used flow is the same
 * `400 code_invalid`.
 */
async function redeemEmailCode(
  c: Ctx,
  rt: Runtime,
  limiter: FailureLimiter,
  input: { flowId: string | null; purpose: EmailCodePurpose; email?: string; code: string },
): Promise<EmailCodeRecord> {
  const ip = rt.clientIp(c);
  await limiter.assertIpAllowed(ip);
  const wrong = async (record: EmailCodeRecord | null): Promise<never> => {
    const [tries, limited] = await Promise.all([
      record ? rt.store.recordWrongCode(record.id) : null,
      limiter.recordFailure({ ip }),
    ]);
    c.var.log.info('code rejected', { purpose: input.purpose });
    if (limited) throw limited;
    if (record && tries !== null && tries >= MAX_CODE_TRIES) {
      await rt.store.deleteEmailCode(record.id);
      throw new RateLimitedError(60);
    }
    throw new CodeInvalidError();
  };

  const record = input.flowId ? await rt.store.getEmailCode(input.flowId) : null;
  if (!record || record.purpose !== input.purpose) return wrong(null);
  if (record.attempts >= MAX_CODE_TRIES) {
    await rt.store.deleteEmailCode(record.id);
    throw new RateLimitedError(60);
  }
  const offered = hashCode(rt.keys.emailCode, {
    id: record.id,
    purpose: record.purpose,
    email: input.email ?? record.email,
    code: input.code,
  });
  if (!sameText(offered, record.codeHash)) return wrong(record);
  if (!(await rt.store.consumeEmailCode(record.id, record.codeHash))) throw new CodeInvalidError();
  return record;
}

/** What a start issues besides the flow, purpose and address (see `CodeIssue`). */
export type CodePlan = Pick<CodeIssue, 'userId' | 'displayName' | 'mail'>;

/**
 * The start of an anonymous code (sign-up, recovery), within the timing
 * floor: checks the mail limit, looks up who holds `email`, binds the flow
 * to this browser (the code cookie) and issues what `plan` makes of the claim.
 */
export async function startBrowserCode(
  c: Ctx,
  rt: Runtime,
  limiter: FailureLimiter,
  start: { purpose: EmailCodePurpose; email: string; plan: (claim: EmailClaim | null) => CodePlan },
): Promise<void> {
  const { purpose, email } = start;
  await withTimingFloor(c, rt, async () => {
    await limiter.assertMailAllowed(rt.clientIp(c), email);
    const claim = await rt.store.findEmailClaim(email);
    const flowId = await browserCodeFlow(c, rt, purpose);
    await issueEmailCode(c, rt, { flowId, purpose, email, ...start.plan(claim) });
  });
}

/**
 * Redeems the code of this browser's flow for `purpose` (see
 * `redeemEmailCode`); the right code also clears the code cookie.
 */
export async function redeemBrowserCode(
  c: Ctx,
  rt: Runtime,
  limiter: FailureLimiter,
  input: { purpose: EmailCodePurpose; email: string; code: string },
): Promise<EmailCodeRecord> {
  const record = await redeemEmailCode(c, rt, limiter, {
    ...input,
    flowId: await boundCodeFlow(c, rt, input.purpose),
  });
  clearCodeCookie(c, rt);
  return record;
}

/**
 * The start of a signed-in code (email change and verification, step-up),
 * within the timing floor: checks the mail limit and issues a code for
 * `userId`, bound to the session `sid`. When what to mail depends on who
 * holds `email`, `mail` is a function of that claim (looked up only then).
 */
export async function startSessionCode(
  c: Ctx,
  rt: Runtime,
  limiter: FailureLimiter,
  start: {
    sid: string;
    userId: string;
    purpose: EmailCodePurpose;
    email: string;
    mail: CodeIssue['mail'] | ((claim: EmailClaim | null) => CodeIssue['mail']);
  },
): Promise<void> {
  const { sid, userId, purpose, email } = start;
  await withTimingFloor(c, rt, async () => {
    await limiter.assertMailAllowed(rt.clientIp(c), email);
    const mail =
      typeof start.mail === 'function' ? start.mail(await rt.store.findEmailClaim(email)) : start.mail;
    await issueEmailCode(c, rt, { flowId: sessionCodeFlow(sid, purpose), purpose, email, userId, mail });
  });
}

/**
 * A signed-in verify endpoint: the live session (`requireSession`), then the
 * body's code redeemed against that session's flow for `purpose` (see
 * `redeemEmailCode`). The flow id already names the session; the record's
 * user is checked as well.
 */
export async function redeemSessionCode(
  c: Ctx,
  rt: Runtime,
  limiter: FailureLimiter,
  purpose: EmailCodePurpose,
): Promise<{ current: CurrentSession; record: EmailCodeRecord }> {
  const current = await requireSession(c, rt);
  const { code } = await readJson(c, codeBody);
  const { user, sid } = current.session;
  const record = await redeemEmailCode(c, rt, limiter, {
    flowId: sessionCodeFlow(sid, purpose),
    purpose,
    code,
  });
  if (record.userId !== user.id) throw new CodeInvalidError();
  return { current, record };
}

/**
 * Runs a start endpoint's work and answers no sooner than the configured
 * floor after the request began, mail or no mail: on Lambda too, nothing
 * runs after the answer, so the floor is what hides which path was taken.
 */
async function withTimingFloor<T>(c: Ctx, rt: Runtime, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const wait = rt.config.mail.startFloorMs - (performance.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  if (wait < 0) c.var.log.warn('code start took longer than its timing floor', { overMs: Math.round(-wait) });
  return result;
}

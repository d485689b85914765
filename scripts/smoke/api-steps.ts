import type { AssertionTamper } from '../../test/support/soft-authenticator.ts';
import { SmokeBrowser, type SmokeResponse } from './browser.ts';
import { expectAnswer, expectThat, type StepRunner } from './step.ts';
import type { TestUser } from './test-user.ts';

/** Every step `runApiSteps` prints, in order. */
export const API_STEPS = [
  'csrf',
  'sign-in options',
  'sign-in verify',
  'me',
  'refresh',
  'sessions',
  'second sign-in',
  'logout everywhere',
  'other session ended',
  'sign-in again',
  'logout',
  'signed out',
  'tampered assertion refused',
  'csrf refused',
  'source address',
] as const;

export interface ApiStepsOptions {
  apiUrl: string;
  /** The RP origin the passkey was made for; every request carries it as `Origin`. */
  origin: string;
  user: TestUser;
  step: StepRunner;
  /**
   * Requests the API counted, in the current rate-limit window, as coming
   * from an address it could not read (the shared `unknown` bucket).
   */
  countUnknownSources(): Promise<number>;
}

type Step = (typeof API_STEPS)[number];

/**
 * The public API only, as a browser would use it: sign in with the passkey,
 * read the session, renew it, list sessions, end every session from another
 * browser, sign out, then the refusals (a tampered assertion, a missing CSRF
 * header). Throws `SmokeStepError` at the first answer that is not the
 * contract's (docs/api.md).
 */
export async function runApiSteps(options: ApiStepsOptions): Promise<void> {
  const { apiUrl, origin, user } = options;
  const step = (name: Step, run: () => Promise<unknown>) => options.step(name, run);
  const secure = new URL(apiUrl).protocol === 'https:';
  const cookie = (name: string) => `${secure ? '__Host-' : ''}${name}`;
  const credentialId = user.authenticator.credentials[0]?.id;
  const browser = () => new SmokeBrowser({ apiUrl, origin });

  const optionsFor = async (b: SmokeBrowser) => {
    const response = await b.post('/auth/passkey/login/options', { email: user.email });
    expectAnswer(response, 200);
    return response;
  };
  const verify = async (b: SmokeBrowser, options: SmokeResponse, tamper?: AssertionTamper) => {
    const credential = await user.authenticator.authenticate(options.body.options, {
      origin,
      ...(tamper ? { tamper } : {}),
    });
    return b.post('/auth/passkey/login/verify', { credential });
  };
  const signIn = async (b: SmokeBrowser) => {
    if (!b.has('csrf')) expectAnswer(await b.get('/auth/csrf'), 200);
    const response = await verify(b, await optionsFor(b));
    expectAnswer(response, 200);
    expectThat(response.body?.user?.id === user.userId, 'signed in as another user');
  };

  const first = browser();
  await step('csrf', async () => {
    const response = await first.get('/auth/csrf');
    expectAnswer(response, 200);
    expectThat(typeof response.body?.csrfToken === 'string', 'no csrfToken in the body');
    expectThat(first.has('csrf'), 'no CSRF cookie set');
  });

  let signInOptions: SmokeResponse | undefined;
  await step('sign-in options', async () => {
    signInOptions = await optionsFor(first);
    const allowed: { id?: string }[] = signInOptions.body?.options?.allowCredentials ?? [];
    expectThat(
      allowed.some((c) => c.id === credentialId),
      "the test user's passkey is not in allowCredentials",
    );
    return `rpId ${signInOptions.body.options.rpId}`;
  });

  await step('sign-in verify', async () => {
    if (!signInOptions) throw new Error('no sign-in options');
    const response = await verify(first, signInOptions);
    expectAnswer(response, 200);
    expectThat(response.body?.user?.id === user.userId, 'signed in as another user');
    expectThat(typeof response.body?.csrfToken === 'string', 'no fresh csrfToken in the body');
    expectCookie(response, cookie('session'), { secure, sameSite: 'Lax' });
    expectCookie(response, cookie('refresh'), { secure, sameSite: 'Strict' });
    return `cookies ${cookie('session')}, ${cookie('refresh')}${secure ? ' (Secure)' : ''}`;
  });

  await step('me', async () => {
    const response = await first.get('/auth/me');
    expectAnswer(response, 200);
    expectThat(response.body?.user?.email === user.email, 'another email in /auth/me');
    expectThat(response.body?.session?.authMethod === 'passkey', 'authMethod is not passkey');
  });

  await step('refresh', async () => {
    const response = await first.post('/auth/refresh');
    expectAnswer(response, 200);
    expectCookie(response, cookie('session'), { secure, sameSite: 'Lax' });
    expectCookie(response, cookie('refresh'), { secure, sameSite: 'Strict' });
  });

  await step('sessions', async () => {
    const response = await first.get('/auth/sessions');
    expectAnswer(response, 200);
    const sessions: { current?: boolean }[] = response.body?.sessions ?? [];
    expectThat(sessions.filter((s) => s.current).length === 1, 'no current session in the list');
    return `${sessions.length} session${sessions.length === 1 ? '' : 's'}`;
  });

  const second = browser();
  await step('second sign-in', async () => {
    await signIn(second);
  });

  await step('logout everywhere', async () => {
    const response = await first.post('/auth/logout', { everywhere: true });
    expectAnswer(response, 200);
    expectThat(!first.has('session') && !first.has('refresh'), 'session cookies not cleared');
  });

  await step('other session ended', async () => {
    // Each on its own copy of the cookies: the first 401 clears the jar it answers.
    const copy = second.clone();
    expectAnswer(await second.get('/auth/me'), 401, 'unauthenticated');
    expectAnswer(await copy.post('/auth/refresh'), 401, 'unauthenticated');
    return '/auth/me and /auth/refresh 401';
  });

  await step('sign-in again', async () => {
    await signIn(first);
  });

  await step('logout', async () => {
    const response = await first.post('/auth/logout', {});
    expectAnswer(response, 200);
    expectThat(response.body?.redirectTo === null, 'a passkey logout has no redirect');
  });

  await step('signed out', async () => {
    expectAnswer(await first.get('/auth/me'), 401, 'unauthenticated');
  });

  await step('tampered assertion refused', async () => {
    // A well-formed assertion whose signature is over other data: only the
    // VerifyAuthChallengeResponse trigger's signature check can refuse it.
    const response = await verify(first, await optionsFor(first), { badSignature: true });
    expectAnswer(response, 401, 'passkey_rejected');
    expectThat(!first.has('session'), 'a session cookie was set');
  });

  await step('csrf refused', async () => {
    const response = await first.request('POST', '/auth/passkey/login/options', {}, { csrf: false });
    expectAnswer(response, 403, 'csrf_failed');
  });

  await step('source address', async () => {
    const unknown = await options.countUnknownSources();
    expectThat(
      unknown === 0,
      `${unknown} sign-in option requests were counted as from an unknown address: every client shares one rate-limit bucket`,
    );
    return 'no request counted as from an unknown address';
  });
}

/** The cookie is set, with the attributes of docs/api.md "Cookies" (its value is never read). */
function expectCookie(
  response: SmokeResponse,
  name: string,
  expected: { secure: boolean; sameSite: 'Lax' | 'Strict' },
): void {
  const line = response.setCookies.find((l) => l.startsWith(`${name}=`) && !/^[^=]+=;/.test(l));
  expectThat(line, `no ${name} cookie set`);
  const attributes = line
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());
  const missing = [
    'httponly',
    'path=/',
    `samesite=${expected.sameSite.toLowerCase()}`,
    ...(expected.secure ? ['secure'] : []),
  ].filter((a) => !attributes.includes(a));
  expectThat(missing.length === 0, `${name} cookie lacks ${missing.join(', ')}`);
}

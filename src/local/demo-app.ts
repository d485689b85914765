import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { accountPage, expensesPage, loginPage, type PageUser, recoveryPage } from '../../web/app/pages.ts';
import type { Config } from '../config/config.ts';
import { type Clock, systemClock } from '../errors.ts';
import type { AppEnv } from '../http/deps.ts';
import { safeReturnTo } from '../oauth/return-to.ts';
import { sessionVerifyKey } from '../sessions/session-verify-key.ts';
import { type VerifiedSession, verifySession } from '../sessions/verify-session.ts';

const webDir = fileURLToPath(new URL('../../web/app/', import.meta.url));

/** Scripts only from this origin, no inline script, no framing (the pages hold nothing inline but markup). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/** A code from `?error=`: only a short snake_case word is looked up; anything else reads as an unknown error. */
function errorCode(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  return /^[a-z][a-z0-9_]{0,63}$/.test(value) ? value : 'unknown';
}

/** What the login page says after a sign-out or an account deletion sent the browser there. */
function loginStatus(c: Context): string | null {
  if (c.req.query('deleted') !== undefined) return 'Your account has been deleted.';
  if (c.req.query('signedOut') !== undefined) return 'Signed out.';
  return null;
}

/**
 * The demo "Expenser" app served beside `/auth` by `npm start`: `/login`,
 * `/expenses` and `/account`, each protected page checked on the server with
 * `verifySession` (as a Next.js middleware would), and the browser script
 * (web/app/main.ts on the web/client library) bundled once at start-up with
 * esbuild, a dev dependency: the demo is local-only and never deployed.
 */
export async function mountDemoApp(
  app: Hono<AppEnv>,
  stack: { config: Config; clock?: Clock },
): Promise<void> {
  const { config } = stack;
  const clock = stack.clock ?? systemClock;
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [`${webDir}main.ts`],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    target: 'es2022',
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const css = await readFile(`${webDir}app.css`, 'utf8');

  // What a front end is given (SESSION_VERIFY_KEY), even here beside the API: never SECRET_KEY.
  const sessionKey = sessionVerifyKey(config.secretKey);
  function currentSession(c: Context): Promise<VerifiedSession | null> {
    return verifySession(c.req.header('cookie'), {
      sessionKey,
      secureCookies: config.secureCookies,
      now: clock(),
    });
  }
  async function currentUser(c: Context): Promise<PageUser | null> {
    return (await currentSession(c))?.user ?? null;
  }

  function page(c: Context, html: string) {
    c.header('Content-Security-Policy', CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(html);
  }

  app.get('/', async (c) => c.redirect((await currentUser(c)) ? '/expenses' : '/login', 302));

  app.get('/login', async (c) => {
    const returnTo = c.req.query('returnTo');
    return page(
      c,
      loginPage({
        user: await currentUser(c),
        error: errorCode(c.req.query('error')),
        status: loginStatus(c),
        returnTo: returnTo === undefined ? '/expenses' : safeReturnTo(returnTo),
      }),
    );
  });

  /**
   * Protected pages: no valid session cookie → the login page, which comes back
   * here after sign-in. A recovery session (docs/api.md "Passkey management")
   * may only add a passkey: every protected page asks it for one.
   */
  const protectedPage = (path: string, render: (user: PageUser, c: Context) => string) =>
    app.get(path, async (c) => {
      const signedIn = await currentSession(c);
      if (!signedIn) return c.redirect(`/login?returnTo=${encodeURIComponent(path)}`, 302);
      if (signedIn.session.authMethod === 'recovery') return page(c, recoveryPage({ user: signedIn.user }));
      return page(c, render(signedIn.user, c));
    });
  protectedPage('/expenses', (user) => expensesPage(user));
  protectedPage('/account', (user, c) =>
    accountPage({
      user,
      error: errorCode(c.req.query('error')),
      status:
        c.req.query('recovered') !== undefined
          ? 'Your new passkey is ready. If you lost your old one, delete it below so nobody can use it.'
          : null,
    }),
  );

  app.get('/app.js', (c) =>
    c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );
  app.get('/app.css', (c) =>
    c.body(css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );
}

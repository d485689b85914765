import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { accountPage, expensesPage, loginPage, type PageUser } from '../../web/app/pages.ts';
import type { Config } from '../config/config.ts';
import { type Clock, systemClock } from '../errors.ts';
import type { AppEnv } from '../http/deps.ts';
import { safeReturnTo } from '../oauth/return-to.ts';
import { verifySession } from '../sessions/verify-session.ts';

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

  async function currentUser(c: Context): Promise<PageUser | null> {
    const verified = await verifySession(c.req.header('cookie'), {
      secretKey: config.secretKey,
      secureCookies: config.secureCookies,
      now: clock(),
    });
    return verified?.user ?? null;
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
        status: c.req.query('signedOut') !== undefined ? 'Signed out.' : null,
        returnTo: returnTo === undefined ? '/expenses' : safeReturnTo(returnTo),
      }),
    );
  });

  /** Protected pages: no valid session cookie → the login page, which comes back here after sign-in. */
  const protectedPage = (path: string, render: (user: PageUser, c: Context) => string) =>
    app.get(path, async (c) => {
      const user = await currentUser(c);
      if (!user) return c.redirect(`/login?returnTo=${encodeURIComponent(path)}`, 302);
      return page(c, render(user, c));
    });
  protectedPage('/expenses', (user) => expensesPage(user));
  protectedPage('/account', (user, c) => accountPage({ user, error: errorCode(c.req.query('error')) }));

  app.get('/app.js', (c) =>
    c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );
  app.get('/app.css', (c) =>
    c.body(css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );
}

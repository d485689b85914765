// The demo Expenser app in Chromium, for the browser end-to-end tests: its
// stack and a browser, and what the tests read off its pages.
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '../../src/errors.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { launchChromium } from './chromium.ts';
import { startDemoStack } from './demo-stack.ts';

/** The demo stack (on `clock`) and a Chromium, for a test file's `before`. */
export async function startDemoInChromium(
  options: { clock?: Clock } = {},
): Promise<{ stack: LocalStack; browser: Browser }> {
  const stack = await startDemoStack(options);
  try {
    return { stack, browser: await launchChromium() };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/** Closes what `startDemoInChromium` started, for `after` (either is missing when the start failed). */
export async function closeDemoInChromium(stack?: LocalStack, browser?: Browser): Promise<void> {
  await browser?.close();
  await stack?.close();
}

/** `GET /auth/me` from the page, as its script would. */
export async function me(page: Page) {
  return page.evaluate(async () => {
    const response = await fetch('/auth/me');
    return { status: response.status, body: await response.json() };
  });
}

/** Waits for the status line to read `text` exactly, or to start with it (`'prefix'`). */
export async function waitForStatus(
  page: Page,
  text: string,
  match: 'exactly' | 'prefix' = 'exactly',
): Promise<void> {
  await page.waitForFunction(
    ([t, prefix]) => {
      const status = document.getElementById('status')?.textContent ?? '';
      return prefix ? status.startsWith(t) : status === t;
    },
    [text, match === 'prefix'] as const,
  );
}

/** Waits for the error line to read `message`. */
export async function waitForError(page: Page, message: string): Promise<void> {
  await page.waitForFunction((m) => document.getElementById('error')?.textContent === m, message);
}

/** Waits for the account page to list `count` passkeys. */
export async function waitForPasskeys(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.getElementById('passkey-list')?.dataset.count === String(n),
    count,
  );
}

/** "Sign out", then waits for the login page to be ready for the next sign-in. */
export async function signOut(page: Page): Promise<void> {
  await page.click('#signout');
  await page.waitForURL('**/login?signedOut=1');
  await page.waitForSelector('body[data-signed-in="false"]');
}

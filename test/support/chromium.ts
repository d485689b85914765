import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import type { LocalStack } from '../../src/local/stack.ts';
import { lastCodeTo } from './mailbox.ts';

/** Where the browser tests write their screenshots. */
export const SCREENSHOTS = 'test-results/screenshots';

/** Flags for Debian's Chromium on this closed network (no background traffic, no sandbox as root). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/**
 * A page with a DevTools virtual authenticator (a real CTAP2 platform
 * authenticator with resident keys and user verification, auto-approving).
 */
export async function pageWithAuthenticator(browser: Browser): Promise<{
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
}> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', virtualAuthenticator());
  return { context, page, cdp, authenticatorId };
}

/** The options of one more DevTools virtual authenticator (a platform one unless `transport` says otherwise). */
export function virtualAuthenticator(transport: 'internal' | 'usb' = 'internal') {
  return {
    options: {
      protocol: 'ctap2' as const,
      transport,
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  };
}

/**
 * A full-page screenshot at `width` px into test-results/screenshots, and the
 * assertion that nothing on the page sticks out sideways (no horizontal scrolling).
 */
export async function screenshotFits(page: Page, name: string, width: number): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width, height: width < 500 ? 812 : 900 });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-${width}.png`, fullPage: true });
  const overflow = await page.evaluate(() => {
    const wide = [...document.querySelectorAll('body *')].filter(
      (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5,
    );
    return {
      by: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      wide: wide.map((el) => `${el.tagName}#${el.id}.${el.className}`).slice(0, 5),
    };
  });
  assert.ok(
    overflow.by <= 0,
    `${name} fits ${width} px without horizontal scrolling (${JSON.stringify(overflow)})`,
  );
}

/**
 * Sign-up on the demo's login page as a person does it: email (and name) →
 * "Create account" → the code from the local mailbox → one authenticator
 * prompt. The caller waits for where sign-up lands.
 */
export async function signUpInPage(
  page: Page,
  stack: Pick<LocalStack, 'mail'>,
  email: string,
  options: { name?: string } = {},
): Promise<void> {
  await page.fill('#signup-email', email);
  if (options.name) await page.fill('#signup-name', options.name);
  await page.click('#signup');
  await page.waitForSelector('#signup-code-form:not([hidden])');
  await page.fill('#signup-code', await lastCodeTo(stack, email));
  await page.click('#signup-verify');
}

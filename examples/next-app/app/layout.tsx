import { getSession } from 'expenser-auth/next';
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { SignOutButton } from './ui';
// The demo's stylesheet (web/app/app.css), copied in by `npm run example:next`.
import './globals.css';

export const metadata: Metadata = { title: { default: 'Expenser', template: '%s · Expenser' } };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const signedIn = await getSession();
  const recovering = signedIn?.session.authMethod === 'recovery';
  return (
    <html lang="en">
      <body data-signed-in={signedIn ? 'true' : 'false'}>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <header className="bar">
          <Link className="brand" href="/">
            Expenser
          </Link>
          {signedIn && (
            <nav aria-label="Main">
              {!recovering && <Link href="/expenses">Expenses</Link>}
              {!recovering && <Link href="/account">Account</Link>}
              <SignOutButton />
            </nav>
          )}
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}

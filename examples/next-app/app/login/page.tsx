import { getSession } from 'expenser-auth/next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { errorParam, messageFor, safePath } from '../messages';
import { LoginForm } from './login-form';

export const metadata = { title: 'Sign in' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safePath(params.returnTo, '/expenses');
  const signedIn = await getSession();
  // Sent here from a protected page but signed in after all (another tab renewed the session).
  if (signedIn && params.returnTo && signedIn.session.authMethod !== 'recovery') redirect(returnTo);
  const error = errorParam(params.error);
  const status =
    params.deleted !== undefined
      ? 'Your account has been deleted.'
      : params.signedOut !== undefined
        ? 'Signed out.'
        : null;
  return (
    <>
      <h1>Sign in to Expenser</h1>
      {signedIn && (
        <p className="card note" id="already">
          You are signed in as <strong>{signedIn.user.email}</strong>.{' '}
          <Link href="/expenses">Go to your expenses</Link>.
        </p>
      )}
      <LoginForm returnTo={returnTo} initialError={error ? messageFor(error) : null} initialStatus={status} />
    </>
  );
}

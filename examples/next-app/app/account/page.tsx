import { getSession } from 'expenser-auth/next';
import { redirect } from 'next/navigation';
import { errorParam, messageFor } from '../messages';
import { RecoveryNotice } from '../ui';
import { AccountPanel } from './account-panel';

export const metadata = { title: 'Account' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AccountPage({ searchParams }: { searchParams: SearchParams }) {
  const signedIn = await getSession();
  if (!signedIn) redirect('/login?returnTo=%2Faccount');
  if (signedIn.session.authMethod === 'recovery') return <RecoveryNotice email={signedIn.user.email} />;
  const params = await searchParams;
  const error = errorParam(params.error);
  const { user } = signedIn;
  return (
    <>
      <h1>Your account</h1>
      {user.name && user.name !== user.email && (
        <p id="me-name" className="account-name">
          {user.name}
        </p>
      )}
      <p id="me">
        Signed in as <strong>{user.email}</strong>
      </p>
      <AccountPanel
        user={user}
        initialError={error ? messageFor(error) : null}
        initialStatus={
          params.recovered !== undefined
            ? 'Your new passkey is ready. If you lost your old one, delete it below so nobody can use it.'
            : null
        }
      />
    </>
  );
}

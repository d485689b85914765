// The demo app's script: passkey sign-in (button, usernameless and autofill),
// sign-up with an emailed code, recovery, sign-out, passkey management, and
// the account's email and deletion, all through the browser client.
// Tokens never reach this script: the session lives in HttpOnly cookies.
import { initAccount } from './account.ts';
import { initLogin } from './login.ts';
import { initRecovery } from './recovery.ts';
import { $, auth, run, SIGNED_OUT_FLAG } from './ui.ts';

// ---- every signed-in page -----------------------------------------------

$('signout')?.addEventListener('click', (event) => {
  void run(event.currentTarget as HTMLButtonElement, async () => {
    const { redirectTo } = await auth.signOut();
    document.body.dataset.signedIn = 'false';
    // A Google session ends at the hosted UI's /logout, which returns to the registered
    // sign-out URL exactly (no query): the login page reads this flag instead.
    if (redirectTo) sessionStorage.setItem(SIGNED_OUT_FLAG, '1');
    location.assign(redirectTo ?? '/login?signedOut=1');
  });
});

if (document.body.dataset.page === 'login') initLogin();
if (document.body.dataset.page === 'account') initAccount();
if (document.body.dataset.page === 'recovery') initRecovery();

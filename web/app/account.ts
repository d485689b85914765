// /account: passkeys, Google, sessions, the email, deleting the account.
import { initChangeEmail, initDeleteAccount, initVerifyEmail } from './account-email.ts';
import { renderPasskeys, renderSessions } from './account-lists.ts';
import { initStepUp, sensitive } from './step-up.ts';
import { $, auth, run, SIGNED_OUT_FLAG, setStatus, showError } from './ui.ts';

export function initAccount(): void {
  void renderPasskeys().catch(showError);
  void renderSessions().catch(showError);

  $('link-google')?.addEventListener('click', (event) => {
    void sensitive(event.currentTarget as HTMLButtonElement, async () => {
      location.assign(await auth.google.link());
    });
  });
  $('unlink-google')?.addEventListener('click', (event) => {
    void sensitive(event.currentTarget as HTMLButtonElement, async () => {
      await auth.google.unlink();
      location.assign('/account?unlinked=1');
    });
  });
  $('signout-everywhere')?.addEventListener('click', (event) => {
    void run(event.currentTarget as HTMLButtonElement, async () => {
      const { redirectTo } = await auth.signOut({ everywhere: true });
      document.body.dataset.signedIn = 'false';
      if (redirectTo) sessionStorage.setItem(SIGNED_OUT_FLAG, '1');
      location.assign(redirectTo ?? '/login?signedOut=1');
    });
  });

  $<HTMLFormElement>('add-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const nickname = $<HTMLInputElement>('add-nickname')?.value.trim() ?? '';
    void sensitive($<HTMLButtonElement>('add-passkey'), async () => {
      const added = await auth.passkeys.add(nickname ? { nickname } : {});
      const input = $<HTMLInputElement>('add-nickname');
      if (input) input.value = '';
      await renderPasskeys();
      setStatus(`Added “${added.nickname}”.`);
    });
  });

  initStepUp();
  initVerifyEmail();
  initChangeEmail();
  initDeleteAccount();
}

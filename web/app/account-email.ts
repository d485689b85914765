// The account's email and its deletion: verifying an old unverified address,
// changing it (after a step-up), deleting the account (after a typed
// confirmation and a step-up).
import { renderSessions } from './account-lists.ts';
import { accountEmail, sensitive } from './step-up.ts';
import { $, auth, clearError, codeStep, run, setStatus, toggle } from './ui.ts';

/** The address the page shows everywhere, after an email change. */
function showEmail(email: string): void {
  for (const element of [document.querySelector('#me strong'), $('current-email')]) {
    if (element) element.textContent = email;
  }
  const confirmField = $<HTMLInputElement>('delete-account-email');
  if (confirmField) confirmField.dataset.expected = email;
  const label = document.querySelector('label[for="delete-account-email"] strong');
  if (label) label.textContent = email;
  // The new address was verified by its code.
  $('verify-email')?.remove();
}

/** The banner of an account whose email was never verified: a code to that address. */
export function initVerifyEmail(): void {
  const code = codeStep('verify-email', {
    resend: () => auth.email.startVerification(),
    async verify(value) {
      const user = await auth.email.verify(value);
      $('verify-email')?.remove();
      setStatus(`Your email ${user.email} is verified.`);
    },
  });
  $('verify-email-send')?.addEventListener('click', (event) => {
    const send = event.currentTarget as HTMLButtonElement;
    void run(send, async () => {
      await auth.email.startVerification();
      toggle(send, false);
      code.show(accountEmail());
    });
  });
}

/** "Change email": the new address (step-up first when needed) → its code → changed. */
export function initChangeEmail(): void {
  const open = $<HTMLButtonElement>('change-email');
  const form = $<HTMLFormElement>('change-email-form');
  const input = $<HTMLInputElement>('change-email-input');
  let email = '';
  const close = () => {
    code.hide();
    toggle(form, false);
    toggle(open, true);
  };
  const code = codeStep('change-email', {
    runner: sensitive,
    resend: () => auth.email.startChange(email),
    async verify(value) {
      const user = await auth.email.verifyChange(value);
      showEmail(user.email);
      close();
      if (input) input.value = '';
      setStatus(`Your email is now ${user.email}. Your other devices were signed out.`);
      open?.focus();
      await renderSessions();
    },
  });
  open?.addEventListener('click', () => {
    clearError();
    toggle(open, false);
    toggle(form, true);
    input?.focus();
  });
  $('change-email-cancel')?.addEventListener('click', () => {
    close();
    open?.focus();
  });
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    void sensitive($<HTMLButtonElement>('change-email-send'), async () => {
      email = input?.value.trim() ?? '';
      await auth.email.startChange(email);
      toggle(form, false);
      code.show(email);
    });
  });
}

/** "Delete account": typing the account's email confirms; the server asks for a step-up. */
export function initDeleteAccount(): void {
  const open = $<HTMLButtonElement>('delete-account');
  const form = $<HTMLFormElement>('delete-account-form');
  const input = $<HTMLInputElement>('delete-account-email');
  if (!open || !form || !input) return;
  const check = () => {
    const expected = input.dataset.expected ?? '';
    const typed = input.value.trim().toLowerCase();
    input.setCustomValidity(
      typed === expected.toLowerCase() ? '' : `Type ${expected} to confirm that you want to delete it.`,
    );
  };
  input.addEventListener('input', check);
  open.addEventListener('click', () => {
    clearError();
    toggle(open, false);
    toggle(form, true);
    input.value = '';
    check();
    input.focus();
  });
  $('delete-account-cancel')?.addEventListener('click', () => {
    toggle(form, false);
    toggle(open, true);
    open.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void sensitive($<HTMLButtonElement>('delete-account-confirm'), async () => {
      await auth.deleteAccount();
      document.body.dataset.signedIn = 'false';
      location.assign('/login?deleted=1');
    });
  });
}

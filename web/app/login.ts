// /login: passkey sign-in (button, usernameless and autofill), sign-up with
// an emailed code, and "Lost your passkey?" (recovery by an emailed code).
import { browserSupportsWebAuthnAutofill } from '@simplewebauthn/browser';
import {
  $,
  auth,
  clearError,
  codeOf,
  codeStep,
  run,
  SIGNED_OUT_FLAG,
  safePath,
  setStatus,
  showError,
  signedIn,
  toggle,
} from './ui.ts';

export function initLogin(): void {
  const form = $<HTMLFormElement>('signin-form');
  const email = $<HTMLInputElement>('signin-email');
  if (!form || !email) return;
  const params = new URLSearchParams(location.search);
  const returnTo = safePath(form.dataset.returnTo, '/expenses');

  // Conditional mediation: the browser offers passkeys in the email field's autofill.
  // The request starts when the field is first focused (where the menu appears), so a
  // page that is merely open never holds a pending request; a cancelled one re-arms.
  const startAutofill = async () => {
    if (!(await browserSupportsWebAuthnAutofill())) return;
    try {
      await auth.signInWithAutofill();
      signedIn(returnTo);
    } catch (error) {
      // Cancelled when another ceremony starts (the buttons below); anything else is worth showing.
      if (codeOf(error) !== 'passkey_cancelled') showError(error);
    }
  };
  const armAutofill = () => {
    if (document.body.dataset.signedIn === 'true') return;
    if (document.activeElement === email) void startAutofill();
    else email.addEventListener('focus', () => void startAutofill(), { once: true });
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run($<HTMLButtonElement>('signin'), async () => {
      await auth.signIn({ email: email.value });
      signedIn(returnTo);
    }).then(armAutofill);
  });

  $('signin-usernameless')?.addEventListener('click', (event) => {
    void run(event.currentTarget as HTMLButtonElement, async () => {
      await auth.signIn();
      signedIn(returnTo);
    }).then(armAutofill);
  });

  initSignUp(returnTo, armAutofill);
  initRecover();

  if (sessionStorage.getItem(SIGNED_OUT_FLAG)) {
    sessionStorage.removeItem(SIGNED_OUT_FLAG);
    if (document.body.dataset.signedIn !== 'true') setStatus('Signed out.');
  }

  if (document.body.dataset.signedIn !== 'true') {
    armAutofill();
    // Sent here from a protected page: an expired session may still refresh.
    if (params.has('returnTo')) {
      void auth.me().then((me) => {
        if (me) signedIn(returnTo);
      });
    }
  }
}

/** Sign-up: email (and name) → the emailed code → one passkey prompt → signed in. */
function initSignUp(returnTo: string, armAutofill: () => void): void {
  const form = $<HTMLFormElement>('signup-form');
  let email = '';
  let name = '';
  const start = () => auth.signUp.start({ email, ...(name ? { displayName: name } : {}) });
  const code = codeStep('signup', {
    resend: start,
    async verify(value) {
      try {
        await auth.signUp.verify({ email, code: value });
        signedIn(returnTo);
      } finally {
        armAutofill();
      }
    },
  });
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    email = $<HTMLInputElement>('signup-email')?.value.trim() ?? '';
    name = $<HTMLInputElement>('signup-name')?.value.trim() ?? '';
    void run($<HTMLButtonElement>('signup'), async () => {
      await start();
      toggle(form, false);
      code.show(email);
    });
  });
  $('signup-back')?.addEventListener('click', () => {
    clearError();
    code.hide();
    toggle(form, true);
    $('signup-email')?.focus();
  });
}

/** "Lost your passkey?": email → the emailed code → a recovery session, which only adds a passkey. */
function initRecover(): void {
  const details = $<HTMLDetailsElement>('recover');
  const form = $<HTMLFormElement>('recover-form');
  if (details && location.hash === '#recover') details.open = true;
  // Someone who just typed their email to sign in should not type it again.
  details?.addEventListener('toggle', () => {
    const field = $<HTMLInputElement>('recover-email');
    const typed = $<HTMLInputElement>('signin-email')?.value.trim() ?? '';
    if (details.open && field && !field.value && typed) field.value = typed;
  });
  let email = '';
  const code = codeStep('recover', {
    resend: () => auth.recovery.start(email),
    async verify(value) {
      await auth.recovery.verify(email, value);
      // The protected pages show a recovery session the one thing it may do: add a passkey.
      document.body.dataset.signedIn = 'true';
      location.assign('/account');
    },
  });
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    email = $<HTMLInputElement>('recover-email')?.value.trim() ?? '';
    void run($<HTMLButtonElement>('recover-send'), async () => {
      await auth.recovery.start(email);
      toggle(form, false);
      code.show(email);
    });
  });
  $('recover-back')?.addEventListener('click', () => {
    clearError();
    code.hide();
    toggle(form, true);
    $('recover-email')?.focus();
  });
}

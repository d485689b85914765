// Step-up on the account page: a change answered `401 reauth_required`
// waits while the user confirms it is them — with a passkey, or (an account
// with no passkey) with an emailed code — then goes ahead by itself.
import { $, auth, type CodeStep, clearError, codeOf, codeStep, run, setStatus, toggle } from './ui.ts';

/** The change that waits for the step-up. */
let pending: (() => Promise<void>) | null = null;
let reauthCode: CodeStep | null = null;

/** Runs a sensitive change; on `reauth_required` offers the step-up and retries after it. */
export async function sensitive(
  button: HTMLButtonElement | null,
  change: () => Promise<void>,
): Promise<void> {
  await run(button, async () => {
    try {
      await change();
    } catch (error) {
      if (codeOf(error) !== 'reauth_required') throw error;
      pending = change;
      showReauth();
    }
  });
}

/** The step-up box; the box says what to do and that the change then goes ahead: no second message. */
function showReauth(): void {
  // An account with no passkey confirms with an emailed code instead of a passkey prompt.
  const byEmail = $('passkey-list')?.dataset.count === '0';
  const text = $('reauth-text');
  if (text) {
    text.textContent = byEmail
      ? `For your security, confirm it is you with a code we email to ${accountEmail()}. Your change then goes ahead by itself.`
      : 'For your security, confirm it is you with your passkey. Your change then goes ahead by itself.';
  }
  toggle($('reauth'), !byEmail);
  toggle($('reauth-email'), byEmail);
  toggle($('reauth-send'), true);
  reauthCode?.hide();
  toggle($('reauth-box'), true);
  $(byEmail ? 'reauth-send' : 'reauth')?.focus();
}

function hideReauth(): void {
  toggle($('reauth-box'), false);
  reauthCode?.hide();
}

/** After a step-up: the change that asked for it goes ahead. */
async function afterStepUp(): Promise<void> {
  hideReauth();
  setStatus('Confirmed.');
  const change = pending;
  pending = null;
  if (change) await change();
}

/** The account's address as the page shows it. */
export function accountEmail(): string {
  return $('current-email')?.textContent ?? document.querySelector('#me strong')?.textContent ?? '';
}

/** Wires the step-up box's buttons. */
export function initStepUp(): void {
  $('reauth')?.addEventListener('click', (event) => {
    void run(event.currentTarget as HTMLButtonElement, async () => {
      await auth.signIn({ email: accountEmail() });
      await afterStepUp();
    });
  });
  reauthCode = codeStep('reauth', {
    resend: () => auth.stepUp.startEmail(),
    async verify(code) {
      await auth.stepUp.verifyEmail(code);
      await afterStepUp();
    },
  });
  $('reauth-send')?.addEventListener('click', (event) => {
    const send = event.currentTarget as HTMLButtonElement;
    void run(send, async () => {
      await auth.stepUp.startEmail();
      toggle(send, false);
      reauthCode?.show(accountEmail());
    });
  });
  $('reauth-cancel')?.addEventListener('click', () => {
    pending = null;
    hideReauth();
    clearError();
  });
}

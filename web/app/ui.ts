// What every page's script shares: the client, element lookup, error and
// status messages, buttons that run an action, and the emailed-code step.
import { createAuthClient, ExpenserAuthError } from '../client/index.ts';
import { messageForError } from './messages.ts';

export const auth = createAuthClient();
export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T | null;

export function codeOf(error: unknown): string {
  return error instanceof ExpenserAuthError ? error.code : 'unexpected_response';
}

export function showError(error: unknown): void {
  const box = $('error');
  if (!box) return;
  box.textContent = messageForError(codeOf(error), error instanceof Error ? error.message : undefined);
  box.hidden = false;
  setStatus('');
}

export function clearError(): void {
  const box = $('error');
  if (box) {
    box.hidden = true;
    box.textContent = '';
  }
}

export function setStatus(text: string): void {
  const status = $('status');
  if (status) status.textContent = text;
}

/** Runs a user action with the button disabled; errors become human messages. */
export async function run(button: HTMLButtonElement | null, action: () => Promise<void>): Promise<void> {
  clearError();
  if (button) button.disabled = true;
  try {
    await action();
  } catch (error) {
    showError(error);
  } finally {
    if (button) button.disabled = false;
  }
}

/** Only same-origin relative paths (`/x`, not `//x` or `/\x`). */
export function safePath(value: string | null | undefined, fallback: string): string {
  return value && /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : fallback;
}

/** The forms of an emailed code (pages.ts `codeStep`): show, hide, send again, check. */
export interface CodeStep {
  /** Shows the code field for a code just sent to `address`. */
  show(address: string): void;
  hide(): void;
}

export function codeStep(
  prefix: string,
  actions: {
    resend: () => Promise<void>;
    verify: (code: string) => Promise<void>;
    /** How a button's action runs (`sensitive` where a step-up may be asked for). */
    runner?: typeof run;
  },
): CodeStep {
  const form = $<HTMLFormElement>(`${prefix}-code-form`);
  const input = $<HTMLInputElement>(`${prefix}-code`);
  const to = $(`${prefix}-code-to`);
  const runner = actions.runner ?? run;
  // "123 456" and "123-456", as mails and phones write codes, are the same six digits.
  input?.addEventListener('input', () => {
    const digits = input.value.replace(/[\s-]/g, '');
    if (digits !== input.value) input.value = digits;
  });
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    void runner($<HTMLButtonElement>(`${prefix}-verify`), () => actions.verify(input?.value ?? ''));
  });
  $(`${prefix}-resend`)?.addEventListener('click', (event) => {
    void runner(event.currentTarget as HTMLButtonElement, async () => {
      await actions.resend();
      if (input) input.value = '';
      setStatus(`We sent a new code to ${to?.textContent ?? 'you'}. Earlier codes no longer work.`);
      input?.focus();
    });
  });
  return {
    show(address) {
      if (to) to.textContent = address;
      if (input) input.value = '';
      if (form) form.hidden = false;
      input?.focus();
    },
    hide() {
      if (form) form.hidden = true;
      if (input) input.value = '';
    },
  };
}

/** Shows one of two alternatives (a form and the code step that follows it). */
export function toggle(element: HTMLElement | null, shown: boolean): void {
  if (element) element.hidden = !shown;
}

/** sessionStorage key: a sign-out that went through the hosted UI's /logout. */
export const SIGNED_OUT_FLAG = 'expenser.signedOut';

export function signedIn(returnTo: string): void {
  document.body.dataset.signedIn = 'true';
  location.assign(returnTo);
}

// The demo app's script: passkey sign-in (button, usernameless and autofill),
// sign-up, sign-out, and passkey management, all through the browser client.
// Tokens never reach this script: the session lives in HttpOnly cookies.
import { browserSupportsWebAuthnAutofill } from '@simplewebauthn/browser';
import { createAuthClient, ExpenserAuthError, type Passkey, type SessionListItem } from '../client/index.ts';
import { messageForError } from './messages.ts';

const auth = createAuthClient();
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T | null;

function codeOf(error: unknown): string {
  return error instanceof ExpenserAuthError ? error.code : 'unexpected_response';
}

function showError(error: unknown): void {
  const box = $('error');
  if (!box) return;
  box.textContent = messageForError(codeOf(error), error instanceof Error ? error.message : undefined);
  box.hidden = false;
  setStatus('');
}

function clearError(): void {
  const box = $('error');
  if (box) {
    box.hidden = true;
    box.textContent = '';
  }
}

function setStatus(text: string): void {
  const status = $('status');
  if (status) status.textContent = text;
}

/** Runs a user action with the button disabled; errors become human messages. */
async function run(button: HTMLButtonElement | null, action: () => Promise<void>): Promise<void> {
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
function safePath(value: string | null | undefined, fallback: string): string {
  return value && /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : fallback;
}

/** sessionStorage key: a sign-out that went through the hosted UI's /logout. */
const SIGNED_OUT_FLAG = 'expenser.signedOut';

function signedIn(returnTo: string): void {
  document.body.dataset.signedIn = 'true';
  location.assign(returnTo);
}

// ---- /login -------------------------------------------------------------

function initLogin(): void {
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

  $<HTMLFormElement>('signup-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const signupEmail = $<HTMLInputElement>('signup-email')?.value.trim() ?? '';
    const name = $<HTMLInputElement>('signup-name')?.value.trim() ?? '';
    void run($<HTMLButtonElement>('signup'), async () => {
      await auth.signUp({ email: signupEmail, ...(name ? { displayName: name } : {}) });
      signedIn(returnTo);
    });
  });

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

// ---- /account -----------------------------------------------------------

let pending: (() => Promise<void>) | null = null;
let myEmail = '';

/** Runs a sensitive change; on `reauth_required` offers the step-up and retries after it. */
async function sensitive(button: HTMLButtonElement | null, change: () => Promise<void>): Promise<void> {
  await run(button, async () => {
    try {
      await change();
    } catch (error) {
      if (codeOf(error) !== 'reauth_required') throw error;
      pending = change;
      // The box says what to do and that the change then goes ahead: no second message.
      const box = $('reauth-box');
      if (box) box.hidden = false;
      $('reauth')?.focus();
    }
  });
}

function formatDate(iso: string | null): string {
  return iso ? new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' }) : 'never';
}

/** `onlyOne`: the account's only passkey; `lastWay`: and no Google link either, so it cannot go. */
function passkeyItem(passkey: Passkey, onlyOne: boolean, lastWay: boolean): HTMLLIElement {
  const li = document.createElement('li');
  li.className = 'passkey';
  li.dataset.passkeyId = passkey.id;
  const title = document.createElement('p');
  title.className = 'passkey-name';
  title.textContent = passkey.nickname;
  const meta = document.createElement('p');
  meta.className = 'hint';
  meta.textContent = [
    passkey.authenticatorName,
    passkey.backedUp ? 'synced' : 'on one device',
    `added ${formatDate(passkey.createdAt)}`,
    `last used ${formatDate(passkey.lastUsedAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');

  const actions = document.createElement('div');
  actions.className = 'row';
  const renameButton = button('Rename', 'rename');
  renameButton.setAttribute('aria-label', `Rename ${passkey.nickname}`);
  const deleteButton = button('Delete', 'delete');
  deleteButton.setAttribute('aria-label', `Delete ${passkey.nickname}`);
  if (onlyOne) deleteButton.setAttribute('aria-describedby', 'only-passkey-hint');
  // The server refuses to delete the last way to sign in: say so up front, not after "Yes, delete".
  if (lastWay) deleteButton.disabled = true;
  actions.append(renameButton, deleteButton);

  renameButton.addEventListener('click', () => {
    const form = document.createElement('form');
    form.className = 'row rename-form';
    const id = `rename-${passkey.id}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = 'New name';
    const input = document.createElement('input');
    input.id = id;
    input.name = 'nickname';
    input.maxLength = 64;
    input.required = true;
    input.value = passkey.nickname;
    const save = button('Save', 'save', 'submit');
    const cancel = button('Cancel', 'cancel');
    form.append(label, input, save, cancel);
    actions.replaceWith(form);
    input.select();
    cancel.addEventListener('click', () => {
      form.replaceWith(actions);
      renameButton.focus();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void run(save, async () => {
        const renamed = await auth.passkeys.rename(passkey.id, input.value);
        await renderPasskeys();
        setStatus(`Renamed to “${renamed.nickname}”.`);
      });
    });
  });

  deleteButton.addEventListener('click', () => {
    const confirmRow = document.createElement('div');
    confirmRow.className = 'row confirm';
    confirmRow.setAttribute('role', 'group');
    confirmRow.setAttribute('aria-label', `Delete ${passkey.nickname}?`);
    const text = document.createElement('span');
    text.textContent = `Delete “${passkey.nickname}”?`;
    const yes = button('Yes, delete', 'confirm-delete');
    yes.classList.add('danger');
    const no = button('Cancel', 'cancel');
    confirmRow.append(text, yes, no);
    actions.replaceWith(confirmRow);
    yes.focus();
    no.addEventListener('click', () => {
      confirmRow.replaceWith(actions);
      deleteButton.focus();
    });
    yes.addEventListener('click', () => {
      void sensitive(yes, async () => {
        await auth.passkeys.remove(passkey.id);
        await renderPasskeys();
        setStatus(`Deleted “${passkey.nickname}”.`);
      }).then(() => {
        if (confirmRow.isConnected && $('reauth-box')?.hidden !== false) confirmRow.replaceWith(actions);
      });
    });
  });

  li.append(title, meta, actions);
  return li;
}

function button(text: string, action: string, type: 'button' | 'submit' = 'button'): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = type;
  b.textContent = text;
  b.dataset.action = action;
  return b;
}

async function renderPasskeys(): Promise<void> {
  const list = $<HTMLUListElement>('passkey-list');
  if (!list) return;
  const passkeys = await auth.passkeys.list();
  const googleLinked = list.dataset.googleLinked === 'true';
  const lastWay = passkeys.length === 1 && !googleLinked;
  const items = passkeys.map((p) => passkeyItem(p, passkeys.length === 1, lastWay));
  if (passkeys.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'hint';
    empty.textContent = 'No passkeys yet. Add one to sign in without Google.';
    items.push(empty);
  }
  if (passkeys.length === 1) {
    const hint = document.createElement('li');
    hint.id = 'only-passkey-hint';
    hint.className = 'hint';
    hint.textContent = lastWay
      ? 'This is your only way to sign in, so it cannot be deleted. Add another passkey or link Google first.'
      : 'This is your only passkey. Add another so you can still sign in if you lose this device.';
    items.push(hint);
  }
  list.replaceChildren(...items);
  list.setAttribute('aria-busy', 'false');
  list.dataset.count = String(passkeys.length);
}

function sessionItem(session: SessionListItem): HTMLLIElement {
  const li = document.createElement('li');
  li.className = 'session';
  li.dataset.sessionId = session.id;
  const title = document.createElement('p');
  title.className = 'session-device';
  title.textContent = session.current ? `${session.device} · This device` : session.device;
  const meta = document.createElement('p');
  meta.className = 'hint';
  const how =
    session.authMethod === 'google' ? 'Google' : session.authMethod === 'recovery' ? 'recovery' : 'passkey';
  meta.textContent = `Signed in with ${how} ${formatDate(session.createdAt)} · last active ${formatDate(session.lastSeenAt)}`;
  li.append(title, meta);
  if (!session.current) {
    const end = button('Sign out', 'end-session');
    end.setAttribute('aria-label', `Sign out ${session.device}`);
    end.addEventListener('click', () => {
      void run(end, async () => {
        await auth.sessions.end(session.id);
        await renderSessions();
        setStatus(`Signed out ${session.device}.`);
      });
    });
    li.append(end);
  }
  return li;
}

async function renderSessions(): Promise<void> {
  const list = $<HTMLUListElement>('session-list');
  if (!list) return;
  const sessions = await auth.sessions.list();
  list.replaceChildren(...sessions.map(sessionItem));
  list.setAttribute('aria-busy', 'false');
  list.dataset.count = String(sessions.length);
}

function initAccount(): void {
  myEmail = document.querySelector('#me strong')?.textContent ?? '';
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

  $('reauth')?.addEventListener('click', (event) => {
    void run(event.currentTarget as HTMLButtonElement, async () => {
      await auth.signIn({ email: myEmail });
      const box = $('reauth-box');
      if (box) box.hidden = true;
      setStatus('Confirmed.');
      const change = pending;
      pending = null;
      if (change) await change();
    });
  });
  $('reauth-cancel')?.addEventListener('click', () => {
    pending = null;
    const box = $('reauth-box');
    if (box) box.hidden = true;
    clearError();
  });
}

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

// The account page's lists: passkeys (rename, delete) and sessions (sign out one).
import { ExpenserAuthError, type Passkey, type SessionListItem } from '../client/index.ts';
import { sensitive } from './step-up.ts';
import { $, auth, run, setStatus } from './ui.ts';

/**
 * Runs a change to one listed item; when the item is gone (`404 not_found`:
 * deleted elsewhere, or a session that already ended), the list is drawn
 * again before the error is shown, as its message says.
 */
async function onListedItem(change: () => Promise<void>, redraw: () => Promise<void>): Promise<void> {
  try {
    await change();
  } catch (error) {
    if (error instanceof ExpenserAuthError && error.code === 'not_found') await redraw();
    throw error;
  }
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
        await onListedItem(async () => {
          const renamed = await auth.passkeys.rename(passkey.id, input.value);
          await renderPasskeys();
          setStatus(`Renamed to “${renamed.nickname}”.`);
        }, renderPasskeys);
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
        await onListedItem(async () => {
          await auth.passkeys.remove(passkey.id);
          await renderPasskeys();
          setStatus(`Deleted “${passkey.nickname}”.`);
        }, renderPasskeys);
      }).then(() => {
        if (confirmRow.isConnected && $('reauth-box')?.hidden !== false) confirmRow.replaceWith(actions);
      });
    });
  });

  li.append(title, meta, actions);
  return li;
}

export function button(
  text: string,
  action: string,
  type: 'button' | 'submit' = 'button',
): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = type;
  b.textContent = text;
  b.dataset.action = action;
  return b;
}

export async function renderPasskeys(): Promise<void> {
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
        await onListedItem(async () => {
          await auth.sessions.end(session.id);
          await renderSessions();
          setStatus(`Signed out ${session.device}.`);
        }, renderSessions);
      });
    });
    li.append(end);
  }
  return li;
}

export async function renderSessions(): Promise<void> {
  const list = $<HTMLUListElement>('session-list');
  if (!list) return;
  const sessions = await auth.sessions.list();
  list.replaceChildren(...sessions.map(sessionItem));
  list.setAttribute('aria-busy', 'false');
  list.dataset.count = String(sessions.length);
}

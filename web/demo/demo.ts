// The local demo page's script: passkey sign-up, sign-in (with and without
// email), "who am I" and sign-out, over the HTTP API only. Tokens never reach
// this script: the session lives in HttpOnly cookies.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';

type ApiError = { error: { code: string; message: string } };

let csrfToken = '';

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  if (!csrfToken && method !== 'GET') await refreshCsrf();
  const response = await fetch(`/auth${path}`, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(method === 'GET' ? {} : { 'X-CSRF-Token': csrfToken }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await response.json().catch(() => ({}))) as T & Partial<ApiError> & { csrfToken?: string };
  if (data.csrfToken) csrfToken = data.csrfToken;
  if (!response.ok) {
    const error = new Error(data.error?.message ?? `Request failed (${response.status})`);
    (error as Error & { code?: string }).code = data.error?.code;
    throw error;
  }
  return data;
}

async function refreshCsrf(): Promise<void> {
  const response = await fetch('/auth/csrf', { credentials: 'same-origin' });
  csrfToken = ((await response.json()) as { csrfToken: string }).csrfToken;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function show(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const status = $('status');
  status.textContent = message;
  status.dataset.kind = kind;
}

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    show(error instanceof Error ? error.message : String(error), 'error');
  }
  await renderMe();
}

async function renderMe(): Promise<void> {
  const me = $('me');
  try {
    const data = await api<{
      user: { email: string; id: string };
      session: { authMethod: string; expiresAt: string };
    }>('GET', '/me');
    me.textContent = `Signed in as ${data.user.email} (via ${data.session.authMethod}, until ${new Date(data.session.expiresAt).toLocaleTimeString()})`;
    document.body.dataset.signedIn = 'true';
  } catch {
    me.textContent = 'Not signed in.';
    document.body.dataset.signedIn = 'false';
  }
}

$('signup-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void run(async () => {
    const email = $<HTMLInputElement>('signup-email').value;
    const { options } = await api<{ options: Parameters<typeof startRegistration>[0]['optionsJSON'] }>(
      'POST',
      '/passkey/register/options',
      { email },
    );
    const credential = await startRegistration({ optionsJSON: options });
    await api('POST', '/passkey/register/verify', { credential });
    show('Account created. You are signed in.');
  });
});

$('signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void run(async () => {
    const email = $<HTMLInputElement>('signin-email').value.trim();
    const { options } = await api<{ options: Parameters<typeof startAuthentication>[0]['optionsJSON'] }>(
      'POST',
      '/passkey/login/options',
      email ? { email } : {},
    );
    const credential = await startAuthentication({ optionsJSON: options });
    await api('POST', '/passkey/login/verify', { credential });
    show('Signed in.');
  });
});

$('signin-usernameless').addEventListener('click', () => {
  void run(async () => {
    const { options } = await api<{ options: Parameters<typeof startAuthentication>[0]['optionsJSON'] }>(
      'POST',
      '/passkey/login/options',
      {},
    );
    const credential = await startAuthentication({ optionsJSON: options });
    await api('POST', '/passkey/login/verify', { credential });
    show('Signed in.');
  });
});

$('refresh').addEventListener('click', () => {
  void run(async () => {
    await api('POST', '/refresh');
    show('Session refreshed.');
  });
});
$('signout').addEventListener('click', () => {
  void run(async () => {
    await api('POST', '/logout');
    show('Signed out.');
  });
});

void refreshCsrf().then(renderMe);

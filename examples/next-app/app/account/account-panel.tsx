'use client';
import type { SessionListItem, User } from 'expenser-auth/client';
import { useAuthClient, usePasskeys } from 'expenser-auth/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { codeOf } from '../messages';
import { CodeStep, Messages, PasskeyNameField, useAction } from '../ui';

const date = (iso: string | null) =>
  iso ? new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' }) : 'never';

/** Passkeys, Google, sessions and deleting the account; changes that need a step-up wait for it. */
export function AccountPanel(props: {
  user: User;
  initialError: string | null;
  initialStatus: string | null;
}) {
  const { user } = props;
  const auth = useAuthClient();
  const action = useAction();
  const keys = usePasskeys();
  const [sessions, setSessions] = useState<SessionListItem[] | null>(null);
  const [nickname, setNickname] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [typed, setTyped] = useState('');
  /** The change waiting for a step-up, and how the user confirms (passkey or emailed code). */
  const pending = useRef<(() => Promise<void>) | null>(null);
  const [reauth, setReauth] = useState<null | 'passkey' | 'email' | 'email-sent'>(null);
  const googleLinked = user.providers.includes('google');

  const loadSessions = useCallback(async () => setSessions(await auth.sessions.list()), [auth]);
  useEffect(() => {
    void loadSessions();
  }, [loadSessions]);

  /** Runs a change; on `reauth_required` asks for a step-up and retries after it. */
  const sensitive = (change: () => Promise<void>) =>
    action.run(async () => {
      try {
        await change();
      } catch (error) {
        if (codeOf(error) !== 'reauth_required') throw error;
        pending.current = change;
        setReauth(keys.passkeys?.length ? 'passkey' : 'email');
      }
    });

  const afterStepUp = async () => {
    setReauth(null);
    const change = pending.current;
    pending.current = null;
    action.setStatus('Confirmed.');
    if (change) await change();
  };

  const count = keys.passkeys?.length ?? 0;
  const lastWay = count === 1 && !googleLinked;

  return (
    <>
      <Messages error={action.error ?? props.initialError} status={action.status ?? props.initialStatus} />
      {reauth && (
        <div id="reauth-box" className="card warn">
          {reauth === 'passkey' ? (
            <>
              <p>
                For your security, confirm it is you with your passkey. Your change then goes ahead by itself.
              </p>
              <button
                id="reauth"
                type="button"
                className="primary"
                disabled={action.busy}
                onClick={() =>
                  void action.run(async () => {
                    await auth.signIn({ email: user.email });
                    await afterStepUp();
                  })
                }
              >
                Confirm with your passkey
              </button>
            </>
          ) : reauth === 'email' ? (
            <>
              <p>For your security, confirm it is you with a code we email to {user.email}.</p>
              <button
                id="reauth-send"
                type="button"
                className="primary"
                disabled={action.busy}
                onClick={() =>
                  void action.run(async () => {
                    await auth.stepUp.startEmail();
                    setReauth('email-sent');
                  })
                }
              >
                Email me a code
              </button>
            </>
          ) : (
            <CodeStep
              prefix="reauth"
              to={user.email}
              submit="Confirm"
              hint="It works for 10 minutes."
              busy={action.busy}
              onResend={() => void action.run(() => auth.stepUp.startEmail())}
              onVerify={(code) =>
                void action.run(async () => {
                  await auth.stepUp.verifyEmail(code);
                  await afterStepUp();
                })
              }
            />
          )}
          <button
            id="reauth-cancel"
            type="button"
            onClick={() => {
              pending.current = null;
              setReauth(null);
            }}
          >
            Cancel
          </button>
        </div>
      )}

      <section className="card" aria-labelledby="passkeys-heading">
        <h2 id="passkeys-heading">Passkeys</h2>
        <p className="hint">
          Passkeys let you sign in with your fingerprint, face or screen lock. Keep at least two.
        </p>
        <ul
          id="passkey-list"
          className="passkeys"
          aria-busy={keys.passkeys === null}
          data-count={keys.passkeys?.length ?? ''}
        >
          {keys.passkeys === null && <li className="hint">Loading…</li>}
          {keys.passkeys?.map((passkey) => (
            <li key={passkey.id} className="passkey" data-passkey-id={passkey.id}>
              <p className="passkey-name">{passkey.nickname}</p>
              <p className="hint">
                {[
                  passkey.authenticatorName,
                  passkey.backedUp ? 'synced' : 'on one device',
                  `added ${date(passkey.createdAt)}`,
                  `last used ${date(passkey.lastUsedAt)}`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
              {confirming === passkey.id ? (
                <div className="row confirm">
                  <span>Delete “{passkey.nickname}”?</span>
                  <button
                    type="button"
                    className="danger"
                    data-action="confirm-delete"
                    disabled={action.busy}
                    onClick={() =>
                      void sensitive(async () => {
                        await keys.remove(passkey.id);
                        setConfirming(null);
                        action.setStatus(`Deleted “${passkey.nickname}”.`);
                      })
                    }
                  >
                    Yes, delete
                  </button>
                  <button type="button" data-action="cancel" onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </div>
              ) : (
                <div className="row">
                  <button
                    type="button"
                    data-action="delete"
                    aria-label={`Delete ${passkey.nickname}`}
                    disabled={lastWay}
                    onClick={() => setConfirming(passkey.id)}
                  >
                    Delete
                  </button>
                </div>
              )}
            </li>
          ))}
          {lastWay && (
            <li id="only-passkey-hint" className="hint">
              This is your only way to sign in, so it cannot be deleted. Add another passkey or link Google
              first.
            </li>
          )}
        </ul>
        <form
          id="add-form"
          onSubmit={(event) => {
            event.preventDefault();
            void sensitive(async () => {
              const added = await keys.add({ nickname: nickname.trim() });
              setNickname('');
              action.setStatus(`Added “${added.nickname}”.`);
            });
          }}
        >
          <PasskeyNameField id="add-nickname" value={nickname} onChange={setNickname} />
          <button id="add-passkey" type="submit" className="primary" disabled={action.busy}>
            Add a passkey
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby="google-heading">
        <h2 id="google-heading">Google</h2>
        {googleLinked ? (
          <>
            <p id="google-linked">
              Linked to <strong>{user.google?.email ?? 'your Google account'}</strong>. You can sign in with
              it.
            </p>
            <button
              id="unlink-google"
              type="button"
              disabled={action.busy}
              onClick={() =>
                void sensitive(async () => {
                  await auth.google.unlink();
                  location.assign('/account');
                })
              }
            >
              Unlink Google
            </button>
          </>
        ) : (
          <>
            <p>Sign in with Google as well as with your passkeys.</p>
            <button
              id="link-google"
              type="button"
              className="google"
              disabled={action.busy}
              onClick={() =>
                void sensitive(async () => {
                  location.assign(await auth.google.link());
                })
              }
            >
              Link your Google account
            </button>
          </>
        )}
      </section>

      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you are signed in</h2>
        <ul
          id="session-list"
          className="sessions"
          aria-busy={sessions === null}
          data-count={sessions?.length ?? ''}
        >
          {sessions === null && <li className="hint">Loading…</li>}
          {sessions?.map((session) => (
            <li key={session.id} className="session" data-session-id={session.id}>
              <p className="session-device">
                {session.current ? `${session.device} · This device` : session.device}
              </p>
              <p className="hint">
                Signed in with {session.authMethod} {date(session.createdAt)} · last active{' '}
                {date(session.lastSeenAt)}
              </p>
              {!session.current && (
                <button
                  type="button"
                  data-action="end-session"
                  onClick={() =>
                    void action.run(async () => {
                      await auth.sessions.end(session.id);
                      await loadSessions();
                      action.setStatus(`Signed out ${session.device}.`);
                    })
                  }
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
        <button
          id="signout-everywhere"
          type="button"
          className="danger"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              const { redirectTo } = await auth.signOut({ everywhere: true });
              location.assign(redirectTo ?? '/login?signedOut=1');
            })
          }
        >
          Sign out everywhere
        </button>
      </section>

      <section className="card" aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete your account</h2>
        <p id="delete-account-what">
          This deletes your Expenser account for good: every passkey, the link to Google, and your sign-in on
          every device. This cannot be undone.
        </p>
        {deleting ? (
          <form
            id="delete-account-form"
            onSubmit={(event) => {
              event.preventDefault();
              void sensitive(async () => {
                await auth.deleteAccount();
                location.assign('/login?deleted=1');
              });
            }}
          >
            <label htmlFor="delete-account-email">
              To confirm, type your email: <strong>{user.email}</strong>
            </label>
            <input
              id="delete-account-email"
              type="email"
              autoComplete="off"
              required
              pattern={user.email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
            />
            <button id="delete-account-confirm" type="submit" className="danger" disabled={action.busy}>
              Delete my account
            </button>
            <button id="delete-account-cancel" type="button" onClick={() => setDeleting(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button id="delete-account" type="button" className="danger" onClick={() => setDeleting(true)}>
            Delete account…
          </button>
        )}
      </section>
    </>
  );
}

'use client';
import { useAuthClient, usePasskeySignIn } from 'expenser-auth/react';
import { useState } from 'react';
import { codeOf, messageFor } from '../messages';
import { CodeStep, Messages, useAction } from '../ui';

/**
 * Passkey sign-in (autofill from the moment the page opens, with or without the
 * email), sign-up with the emailed code, "Lost your passkey?" and Google.
 * Every success is a full navigation, so the server renders with the new cookies.
 */
export function LoginForm(props: {
  returnTo: string;
  initialError: string | null;
  initialStatus: string | null;
}) {
  const { returnTo } = props;
  const auth = useAuthClient();
  const action = useAction();
  const [email, setEmail] = useState('');
  const signIn = usePasskeySignIn({ onSignedIn: () => location.assign(returnTo) });
  const [signUp, setSignUp] = useState({ email: '', name: '', sent: false });
  const [recover, setRecover] = useState({ email: '', sent: false, open: false });
  const error = action.error ?? (signIn.error ? messageFor(codeOf(signIn.error)) : props.initialError);
  const busy = action.busy || signIn.busy;
  const googleHref = `/auth/google?returnTo=${encodeURIComponent(returnTo).replace(/%2F/g, '/')}`;

  const startSignUp = () =>
    auth.signUp.start({
      email: signUp.email.trim(),
      ...(signUp.name.trim() ? { displayName: signUp.name.trim() } : {}),
    });

  return (
    <>
      <Messages error={error} status={action.status ?? props.initialStatus} />
      <section className="card" aria-labelledby="signin-heading">
        <h2 id="signin-heading">Sign in</h2>
        <form
          id="signin-form"
          onSubmit={(event) => {
            event.preventDefault();
            action.setError(null);
            void signIn.signIn({ email });
          }}
        >
          <label htmlFor="signin-email">Email</label>
          <input
            id="signin-email"
            name="username"
            type="email"
            autoComplete="username webauthn"
            inputMode="email"
            autoCapitalize="off"
            spellCheck={false}
            aria-describedby="signin-hint"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <p id="signin-hint" className="hint">
            Pick your passkey from the suggestions, or type your email.
          </p>
          <button id="signin" type="submit" className="primary" disabled={busy}>
            Sign in with a passkey
          </button>
        </form>
        <button
          id="signin-usernameless"
          type="button"
          disabled={busy}
          onClick={() => {
            action.setError(null);
            void signIn.signIn();
          }}
        >
          Use a passkey without typing your email
        </button>
        <p className="divider">
          <span>or</span>
        </p>
        <a id="google-signin" className="button google" href={googleHref}>
          Continue with Google
        </a>
        <details
          id="recover"
          className="recover"
          open={recover.open}
          onToggle={(event) => {
            const open = (event.currentTarget as HTMLDetailsElement).open;
            setRecover((r) => ({ ...r, open, email: r.email || email }));
          }}
        >
          <summary>Lost your passkey?</summary>
          <p className="hint">
            We email a code to your account&apos;s address. It signs you in for 10 minutes, only to add a new
            passkey.
          </p>
          {recover.sent ? (
            <CodeStep
              prefix="recover"
              to={recover.email}
              submit="Continue"
              hint="It works for 10 minutes."
              busy={busy}
              onResend={() =>
                void action.run(async () => {
                  await auth.recovery.start(recover.email);
                  action.setStatus(`We sent a new code to ${recover.email}.`);
                })
              }
              onVerify={(code) =>
                void action.run(async () => {
                  await auth.recovery.verify(recover.email, code);
                  location.assign('/account');
                })
              }
            >
              <button
                type="button"
                className="link"
                onClick={() => setRecover((r) => ({ ...r, sent: false }))}
              >
                Use another email
              </button>
            </CodeStep>
          ) : (
            <form
              id="recover-form"
              onSubmit={(event) => {
                event.preventDefault();
                void action.run(async () => {
                  await auth.recovery.start(recover.email.trim());
                  setRecover((r) => ({ ...r, sent: true }));
                });
              }}
            >
              <label htmlFor="recover-email">Your account&apos;s email</label>
              <input
                id="recover-email"
                type="email"
                autoComplete="email"
                required
                value={recover.email}
                onChange={(event) => setRecover((r) => ({ ...r, email: event.target.value }))}
              />
              <button id="recover-send" type="submit" disabled={busy}>
                Email me a code
              </button>
            </form>
          )}
        </details>
      </section>
      <section className="card" aria-labelledby="signup-heading">
        <h2 id="signup-heading">New to Expenser?</h2>
        {signUp.sent ? (
          <CodeStep
            prefix="signup"
            to={signUp.email.trim()}
            submit="Create my passkey"
            hint="It works for 10 minutes. If this email already has an account, the email says so instead: sign in above."
            busy={busy}
            onResend={() =>
              void action.run(async () => {
                await startSignUp();
                action.setStatus(`We sent a new code to ${signUp.email.trim()}.`);
              })
            }
            onVerify={(code) =>
              void action.run(async () => {
                await auth.signUp.verify({ email: signUp.email.trim(), code });
                location.assign(returnTo);
              })
            }
          >
            <button
              id="signup-back"
              type="button"
              className="link"
              onClick={() => setSignUp((s) => ({ ...s, sent: false }))}
            >
              Use another email
            </button>
          </CodeStep>
        ) : (
          <form
            id="signup-form"
            onSubmit={(event) => {
              event.preventDefault();
              void action.run(async () => {
                await startSignUp();
                setSignUp((s) => ({ ...s, sent: true }));
              });
            }}
          >
            <label htmlFor="signup-email">Email</label>
            <input
              id="signup-email"
              type="email"
              autoComplete="email"
              required
              value={signUp.email}
              onChange={(event) => setSignUp((s) => ({ ...s, email: event.target.value }))}
            />
            <label htmlFor="signup-name">
              Your name <span className="optional">(optional)</span>
            </label>
            <input
              id="signup-name"
              type="text"
              autoComplete="name"
              maxLength={64}
              value={signUp.name}
              onChange={(event) => setSignUp((s) => ({ ...s, name: event.target.value }))}
            />
            <button id="signup" type="submit" disabled={busy}>
              Create account
            </button>
            <p className="hint">
              No password to remember: we email you a code, then your device creates a passkey.
            </p>
          </form>
        )}
      </section>
    </>
  );
}

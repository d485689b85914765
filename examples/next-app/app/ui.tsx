'use client';
import { useAuthClient } from 'expenser-auth/react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { codeOf, messageFor } from './messages';

/** A button action's state: busy while it runs, its failure as a message. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  async function run(action: () => Promise<void>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (caught) {
      setError(messageFor(codeOf(caught)));
      setStatus(null);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, status, setError, setStatus, run };
}

export function Messages({ error, status }: { error: string | null; status: string | null }) {
  return (
    <>
      <p id="error" className="error" role="alert" hidden={!error}>
        {error ?? ''}
      </p>
      <p id="status" className="status" role="status" aria-live="polite">
        {status ?? ''}
      </p>
    </>
  );
}

/** The step after a code was mailed: the code, a submit button, "send a new code". */
export function CodeStep(props: {
  prefix: string;
  to: string;
  submit: string;
  hint: string;
  busy: boolean;
  onVerify(code: string): void;
  onResend(): void;
  children?: ReactNode;
}) {
  const [code, setCode] = useState('');
  const { prefix } = props;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onVerify(code);
  };
  return (
    <form id={`${prefix}-code-form`} className="code-step" onSubmit={submit}>
      <p id={`${prefix}-code-sent`} className="sent">
        We sent a 6-digit code to <strong id={`${prefix}-code-to`}>{props.to}</strong>.
      </p>
      <label htmlFor={`${prefix}-code`}>Code from the email</label>
      <input
        id={`${prefix}-code`}
        name="code"
        type="text"
        autoComplete="one-time-code"
        inputMode="numeric"
        pattern="[0-9]{6}"
        title="The 6 digits from the email"
        required
        className="code"
        value={code}
        onChange={(event) => setCode(event.target.value.replace(/[\s-]/g, ''))}
      />
      <p className="hint">{props.hint}</p>
      <button id={`${prefix}-verify`} type="submit" className="primary" disabled={props.busy}>
        {props.submit}
      </button>
      <button id={`${prefix}-resend`} type="button" disabled={props.busy} onClick={props.onResend}>
        Send a new code
      </button>
      {props.children}
    </form>
  );
}

export function SignOutButton() {
  const auth = useAuthClient();
  const [busy, setBusy] = useState(false);
  return (
    <button
      id="signout"
      type="button"
      className="link"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const { redirectTo } = await auth.signOut();
          // A Google session ends at the hosted UI's /logout, which returns to /login.
          location.assign(redirectTo ?? '/login?signedOut=1');
        } finally {
          setBusy(false);
        }
      }}
    >
      Sign out
    </button>
  );
}

/** The optional name of a passkey being added (the client leaves an empty one out: the server names it). */
export function PasskeyNameField(props: { id: string; value: string; onChange(value: string): void }) {
  return (
    <>
      <label htmlFor={props.id}>
        Name for the new passkey <span className="optional">(optional)</span>
      </label>
      <input
        id={props.id}
        maxLength={64}
        autoComplete="off"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </>
  );
}

/** What a recovery session sees on every page: it may only add a passkey. */
export function RecoveryNotice({ email }: { email: string }) {
  const auth = useAuthClient();
  const action = useAction();
  const [nickname, setNickname] = useState('');
  return (
    <>
      <h1>Add a new passkey</h1>
      <p id="me">
        Recovering <strong>{email}</strong>
      </p>
      <Messages error={action.error} status={action.status} />
      <section id="recovery-box" className="card warn" aria-labelledby="recovery-heading">
        <h2 id="recovery-heading">You signed in with an emailed code</h2>
        <p>For the next 10 minutes you can only add a passkey. Then everything opens again.</p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(async () => {
              await auth.passkeys.add({ nickname: nickname.trim() });
              location.assign('/account?recovered=1');
            });
          }}
        >
          <PasskeyNameField id="recovery-nickname" value={nickname} onChange={setNickname} />
          <button id="recovery-add-passkey" type="submit" className="primary" disabled={action.busy}>
            Add a passkey
          </button>
        </form>
      </section>
    </>
  );
}

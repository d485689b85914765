// expenser-auth/react: small hooks over the browser client (expenser-auth/client).
// Client components only ('use client'); the session stays in HttpOnly cookies.
'use client';
import {
  createContext,
  createElement,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
} from 'react';
import {
  type AuthClient,
  createAuthClient,
  ExpenserAuthError,
  type Me,
  type Passkey,
  type User,
} from '../client/index.ts';

let defaultClient: AuthClient | undefined;

const AuthClientContext = createContext<AuthClient | null>(null);

/** Hands `client` to the hooks below; without a provider they share one `createAuthClient()` (API on this origin). */
export function AuthProvider(props: { client: AuthClient; children?: ReactNode }) {
  return createElement(AuthClientContext.Provider, { value: props.client }, props.children);
}

/** The client of the nearest `AuthProvider`, else the shared same-origin one. */
export function useAuthClient(): AuthClient {
  const provided = useContext(AuthClientContext);
  if (provided) return provided;
  defaultClient ??= createAuthClient();
  return defaultClient;
}

/** An error of a hook: the client's typed error, or anything else wrapped as one. */
function asAuthError(error: unknown): ExpenserAuthError {
  return error instanceof ExpenserAuthError
    ? error
    : new ExpenserAuthError('unexpected_response', error instanceof Error ? error.message : String(error), {
        cause: error,
      });
}

export type SessionStatus = 'loading' | 'signed-in' | 'signed-out';

export interface UseSessionResult {
  status: SessionStatus;
  /** `GET /auth/me` (renewed through `/auth/refresh` when the short session cookie expired); null when signed out. */
  me: Me | null;
  user: User | null;
  error: ExpenserAuthError | null;
  /** Reads `/auth/me` again. */
  reload(): Promise<void>;
  /** Ends the session (every session with `everywhere`); resolves to where to go next (Google: the hosted UI's logout). */
  signOut(input?: { everywhere?: boolean }): Promise<{ redirectTo: string | null }>;
}

/**
 * The signed-in user as the API sees it. `initial` (e.g. from `getSession()` in a
 * server component) is shown at once and confirmed in the background.
 */
export function useSession(options: { initial?: Me | null } = {}): UseSessionResult {
  const client = useAuthClient();
  const [me, setMe] = useState<Me | null>(options.initial ?? null);
  const [status, setStatus] = useState<SessionStatus>(options.initial ? 'signed-in' : 'loading');
  const [error, setError] = useState<ExpenserAuthError | null>(null);
  const reload = useCallback(async () => {
    try {
      const current = await client.me();
      setMe(current);
      setStatus(current ? 'signed-in' : 'signed-out');
      setError(null);
    } catch (caught) {
      setError(asAuthError(caught));
      setStatus((previous) => (previous === 'loading' ? 'signed-out' : previous));
    }
  }, [client]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const signOut = useCallback(
    async (input: { everywhere?: boolean } = {}) => {
      const result = await client.signOut(input);
      setMe(null);
      setStatus('signed-out');
      return result;
    },
    [client],
  );
  return { status, me, user: me?.user ?? null, error, reload, signOut };
}

export interface UsePasskeysResult {
  /** Null until the first list arrives. */
  passkeys: Passkey[] | null;
  error: ExpenserAuthError | null;
  reload(): Promise<void>;
  /** Each change reloads the list; errors (e.g. `reauth_required`) are thrown to the caller too. */
  add(input?: { nickname?: string }): Promise<Passkey>;
  rename(id: string, nickname: string): Promise<Passkey>;
  remove(id: string): Promise<void>;
}

/** The signed-in user's passkeys, and adding, renaming and deleting them. */
export function usePasskeys(): UsePasskeysResult {
  const client = useAuthClient();
  const [passkeys, setPasskeys] = useState<Passkey[] | null>(null);
  const [error, setError] = useState<ExpenserAuthError | null>(null);
  const reload = useCallback(async () => {
    try {
      setPasskeys(await client.passkeys.list());
      setError(null);
    } catch (caught) {
      setError(asAuthError(caught));
    }
  }, [client]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const change = useCallback(
    <T>(action: () => Promise<T>) =>
      action().finally(() => {
        void reload();
      }),
    [reload],
  );
  return {
    passkeys,
    error,
    reload,
    add: (input) => change(() => client.passkeys.add(input)),
    rename: (id, nickname) => change(() => client.passkeys.rename(id, nickname)),
    remove: (id) => change(() => client.passkeys.remove(id)),
  };
}

export interface UsePasskeySignInOptions {
  /** Called once a passkey signed the user in (autofill, or `signIn`). */
  onSignedIn(user: User): void;
  /** Start the autofill request on mount (default true); the email field needs `autocomplete="username webauthn"`. */
  autofill?: boolean;
}

export interface UsePasskeySignInResult {
  /** Username-first with an email, usernameless without: cancels a pending autofill request, re-arms it after. */
  signIn(input?: { email?: string }): Promise<User | null>;
  /** True while a sign-in started by `signIn` runs. */
  busy: boolean;
  /** The last failure (a closed prompt is `passkey_cancelled`); cleared by the next attempt. */
  error: ExpenserAuthError | null;
}

/**
 * Passkey sign-in for a login page: starts conditional mediation (the passkey
 * suggestions in the email field's autofill) when the component mounts, and
 * cancels it when it unmounts or when `signIn` starts a modal request.
 */
export function usePasskeySignIn(options: UsePasskeySignInOptions): UsePasskeySignInResult {
  const client = useAuthClient();
  const onSignedIn = useRef(options.onSignedIn);
  onSignedIn.current = options.onSignedIn;
  const autofill = options.autofill ?? true;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ExpenserAuthError | null>(null);
  /** Starts the autofill request again (after a modal request cancelled it); null while unmounted. */
  const rearm = useRef<(() => void) | null>(null);

  useEffect(() => {
    if (!autofill) return;
    let active = true;
    const arm = async () => {
      if (!(await client.supportsAutofill())) return;
      try {
        const user = await client.signInWithAutofill();
        if (active) onSignedIn.current(user);
      } catch (caught) {
        const failure = asAuthError(caught);
        // Cancelled: another ceremony started or the page is leaving; not worth showing.
        if (active && failure.code !== 'passkey_cancelled') setError(failure);
      }
    };
    rearm.current = () => {
      if (active) void arm();
    };
    void arm();
    return () => {
      active = false;
      rearm.current = null;
      client.cancelPasskeyPrompt();
    };
  }, [client, autofill]);

  const signIn = useCallback(
    async (input: { email?: string } = {}) => {
      setBusy(true);
      setError(null);
      try {
        const user = await client.signIn(input);
        onSignedIn.current(user);
        return user;
      } catch (caught) {
        setError(asAuthError(caught));
        // The modal request cancelled the autofill one: arm it again.
        rearm.current?.();
        return null;
      } finally {
        setBusy(false);
      }
    },
    [client],
  );
  return { signIn, busy, error };
}

export type { AuthClient, Me, Passkey, User };
export { ExpenserAuthError };

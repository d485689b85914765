import {
  type AuthenticationResponseJSON,
  browserSupportsWebAuthnAutofill,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import { ExpenserAuthError, fromWebAuthnError } from './errors.ts';
import { Http } from './http.ts';
import {
  signalAllAcceptedCredentials,
  signalCurrentUserDetails,
  signalUnknownCredential,
} from './signals.ts';
import type { Me, Passkey, SessionListItem, User } from './types.ts';

export interface AuthClientOptions {
  /** Origin of the API; '' (default) when it is served from this origin under `/auth`. */
  baseUrl?: string;
  /** The WebAuthn RP ID, for Signal API calls; defaults to this page's hostname. */
  rpId?: string;
  fetch?: typeof fetch;
}

/** The first step of sign-up: the address to prove, and the name to show. */
export interface SignUpInput {
  email: string;
  displayName?: string;
}

/** The second step of sign-up: the emailed code for that address. */
export interface SignUpVerifyInput {
  email: string;
  /** The 6-digit code from the email (spaces and dashes are ignored). */
  code: string;
  /** The first passkey's nickname; the server names it after the provider otherwise. */
  nickname?: string;
}

export interface AuthClient {
  /** Sign-up proves the email first (docs/api.md "Passkey sign-up"). */
  signUp: {
    /**
     * `POST /auth/signup/start`: mails a 6-digit code to `email` (or, when the
     * address already has an account, a note saying so). Resolves the same
     * either way; a new start from this browser replaces the earlier code.
     */
    start(input: SignUpInput): Promise<void>;
    /**
     * The code → creation options → one authenticator prompt → the account,
     * signed in. After a closed prompt, calling again with the same email and
     * code prompts again without a new code (while the options last, 5 minutes).
     */
    verify(input: SignUpVerifyInput): Promise<User>;
  };
  /** Account recovery by email, for a user who lost every passkey (docs/api.md "Email, recovery and the account"). */
  recovery: {
    /** `POST /auth/recovery/start`: a code, if an account has this verified email; resolves the same either way. */
    start(email: string): Promise<void>;
    /**
     * `POST /auth/recovery/verify`: signs in with a recovery session (10 minutes),
     * which may only read `me()`, add a passkey (`passkeys.add()`) and sign out;
     * adding the passkey turns it into a normal session.
     */
    verify(email: string, code: string): Promise<User>;
  };
  /** With `email`: username-first; without: usernameless (the browser lists discoverable passkeys). */
  signIn(input?: { email?: string }): Promise<User>;
  /**
   * Conditional mediation: resolves when the user picks a passkey from the
   * autofill menu of an `<input autocomplete="username webauthn">`. Start it when
   * the page loads; any other passkey call (sign-in button) cancels it, and it
   * then rejects with `passkey_cancelled`.
   */
  signInWithAutofill(): Promise<User>;
  /** Whether this browser offers passkeys in autofill (conditional mediation). */
  supportsAutofill(): Promise<boolean>;
  /** Cancels a pending passkey request (an autofill one, say, when its page goes away); it rejects with `passkey_cancelled`. */
  cancelPasskeyPrompt(): void;
  /**
   * Ends the session (with `everywhere`, every session of the user);
   * `redirectTo` (Google sessions) is where to send the browser next.
   */
  signOut(input?: { everywhere?: boolean }): Promise<{ redirectTo: string | null }>;
  /** The signed-in user, or null; refreshes an expired session once transparently. */
  me(): Promise<Me | null>;
  refresh(): Promise<boolean>;
  passkeys: {
    list(): Promise<Passkey[]>;
    /** One passkey prompt; an empty or missing `nickname` is left out, and the server names the passkey. */
    add(input?: { nickname?: string }): Promise<Passkey>;
    rename(id: string, nickname: string): Promise<Passkey>;
    remove(id: string): Promise<void>;
  };
  /** Tell passkey providers the account's current name (after it changed). */
  updateUserDetails(user: Pick<User, 'id' | 'email' | 'name'>): Promise<boolean>;
  /** `/auth/google?returnTo=…`: where a "Continue with Google" link points. */
  googleSignInUrl(returnTo?: string): string;
  /** The user's sessions (this browser's is `current`), and ending one of them. */
  sessions: {
    list(): Promise<SessionListItem[]>;
    end(id: string): Promise<void>;
  };
  google: {
    /** `POST /auth/google/link` (needs a step-up): the hosted-UI URL to send the browser to. */
    link(): Promise<string>;
    /** `DELETE /auth/google` (needs a step-up); every other session of the user ends. */
    unlink(): Promise<void>;
  };
  /** Step-up for a user with no passkey: a code emailed to the account's address. */
  stepUp: {
    /** `POST /auth/stepup/email/start`. */
    startEmail(): Promise<void>;
    /** `POST /auth/stepup/email/verify`: changes that need a step-up are allowed for 5 minutes. */
    verifyEmail(code: string): Promise<void>;
  };
  email: {
    /** `POST /auth/email/verify/start`: a code to the account's unverified address. */
    startVerification(): Promise<void>;
    /** `POST /auth/email/verify`: the address is verified (and can then recover the account). */
    verify(code: string): Promise<User>;
    /** `POST /auth/email/change/start` (needs a step-up): a code to the new address. */
    startChange(email: string): Promise<void>;
    /** `POST /auth/email/change/verify`: the account's email changes; its other sessions end. */
    verifyChange(code: string): Promise<User>;
  };
  /** `DELETE /auth/account` (needs a step-up): the account, its passkeys and every session end. */
  deleteAccount(): Promise<void>;
}

/** The server's name for a sign-up passkey without a nickname. */
const DEFAULT_NICKNAME = 'Passkey';

/** A typed, framework-agnostic client of the expenser-auth HTTP API (docs/api.md). */
export function createAuthClient(options: AuthClientOptions = {}): AuthClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const rpId = options.rpId ?? globalThis.location?.hostname ?? '';
  const http = new Http({ baseUrl, fetch: options.fetch ?? globalThis.fetch.bind(globalThis) });
  /** Creation options already bought with a code, kept for a retry after the prompt was closed. */
  let verifiedSignUp: { key: string; options: PublicKeyCredentialCreationOptionsJSON } | undefined;

  async function register(optionsJSON: PublicKeyCredentialCreationOptionsJSON) {
    try {
      return await startRegistration({ optionsJSON });
    } catch (error) {
      throw fromWebAuthnError(error);
    }
  }

  async function authenticate(
    optionsJSON: PublicKeyCredentialRequestOptionsJSON,
    useBrowserAutofill: boolean,
  ): Promise<AuthenticationResponseJSON> {
    try {
      return await startAuthentication({ optionsJSON, useBrowserAutofill });
    } catch (error) {
      throw fromWebAuthnError(error, { allowCredentials: (optionsJSON.allowCredentials?.length ?? 0) > 0 });
    }
  }

  async function completeSignIn(credential: AuthenticationResponseJSON): Promise<User> {
    try {
      const { user } = await http.request<{ user: User }>(
        'POST',
        '/passkey/login/verify',
        { credential },
        { retry: false },
      );
      void signalCurrentUserDetails(rpId, user);
      return user;
    } catch (error) {
      // The server does not accept this credential: help the provider stop offering it.
      if (error instanceof ExpenserAuthError && error.code === 'passkey_rejected') {
        void signalUnknownCredential(rpId, credential.id);
      }
      throw error;
    }
  }

  async function signIn(email: string | undefined, autofill: boolean): Promise<User> {
    const { options } = await http.request<{ options: PublicKeyCredentialRequestOptionsJSON }>(
      'POST',
      '/passkey/login/options',
      email ? { email } : {},
    );
    return completeSignIn(await authenticate(options, autofill));
  }

  /**
   * Sign-up names the first passkey "Passkey" when no nickname was given; where the
   * server knows the authenticator (its AAGUID), the passkey takes that name instead,
   * as passkeys added later do. Best effort: the account exists either way.
   */
  async function nameAfterAuthenticator(credentialId: string): Promise<void> {
    try {
      const { passkeys } = await http.request<{ passkeys: Passkey[] }>('GET', '/passkeys');
      const created = passkeys.find((p) => p.id === credentialId);
      if (created?.authenticatorName && created.nickname === DEFAULT_NICKNAME) {
        const path = `/passkeys/${encodeURIComponent(created.id)}`;
        await http.request('PATCH', path, { nickname: created.authenticatorName.slice(0, 64) });
      }
    } catch {
      // The generic name stays; the account page can rename it.
    }
  }

  function googleUrl(params: Record<string, string>): string {
    return `${baseUrl}/auth/google?${new URLSearchParams(params).toString()}`;
  }

  return {
    signUp: {
      async start({ email, displayName }) {
        verifiedSignUp = undefined;
        await http.request('POST', '/signup/start', { email, ...(displayName ? { displayName } : {}) });
      },
      async verify({ email, code, nickname }) {
        WebAuthnAbortService.cancelCeremony();
        // The code is single use: a second try after a closed prompt reuses its options.
        const key = `${email.trim().toLowerCase()} ${code.replace(/[\s-]/g, '')}`;
        if (verifiedSignUp?.key !== key) {
          const { options } = await http.request<{ options: PublicKeyCredentialCreationOptionsJSON }>(
            'POST',
            '/signup/verify-email',
            { email, code },
          );
          verifiedSignUp = { key, options };
        }
        const credential = await register(verifiedSignUp.options);
        verifiedSignUp = undefined;
        const { user } = await http.request<{ user: User }>(
          'POST',
          '/passkey/register/verify',
          { credential, ...(nickname ? { nickname } : {}) },
          { retry: false },
        );
        if (!nickname) await nameAfterAuthenticator(credential.id);
        return user;
      },
    },
    recovery: {
      async start(email) {
        await http.request('POST', '/recovery/start', { email });
      },
      async verify(email, code) {
        const { user } = await http.request<{ user: User }>('POST', '/recovery/verify', { email, code });
        void signalCurrentUserDetails(rpId, user);
        return user;
      },
    },
    signIn: (input = {}) => signIn(input.email?.trim() || undefined, false),
    signInWithAutofill: () => signIn(undefined, true),
    supportsAutofill: () => browserSupportsWebAuthnAutofill(),
    cancelPasskeyPrompt: () => WebAuthnAbortService.cancelCeremony(),
    async signOut(input = {}) {
      WebAuthnAbortService.cancelCeremony();
      const body = input.everywhere ? { everywhere: true } : undefined;
      const { redirectTo } = await http.request<{ redirectTo: string | null }>('POST', '/logout', body, {
        retry: false,
      });
      return { redirectTo };
    },
    async me() {
      try {
        return await http.request<Me>('GET', '/me');
      } catch (error) {
        if (error instanceof ExpenserAuthError && error.code === 'unauthenticated') return null;
        throw error;
      }
    },
    refresh: () => http.refresh(),
    passkeys: {
      async list() {
        return (await http.request<{ passkeys: Passkey[] }>('GET', '/passkeys')).passkeys;
      },
      async add(input = {}) {
        WebAuthnAbortService.cancelCeremony();
        const { options } = await http.request<{ options: PublicKeyCredentialCreationOptionsJSON }>(
          'POST',
          '/passkeys/options',
        );
        const credential = await register(options);
        const { passkey } = await http.request<{ passkey: Passkey }>('POST', '/passkeys', {
          credential,
          ...(input.nickname ? { nickname: input.nickname } : {}),
        });
        return passkey;
      },
      async rename(id, nickname) {
        const path = `/passkeys/${encodeURIComponent(id)}`;
        return (await http.request<{ passkey: Passkey }>('PATCH', path, { nickname })).passkey;
      },
      async remove(id) {
        await http.request<void>('DELETE', `/passkeys/${encodeURIComponent(id)}`);
        const me = await http.request<Me>('GET', '/me').catch(() => null);
        const remaining = await http.request<{ passkeys: Passkey[] }>('GET', '/passkeys').catch(() => null);
        if (me && remaining) {
          void signalAllAcceptedCredentials(
            rpId,
            me.user.id,
            remaining.passkeys.map((p) => p.id),
          );
        }
      },
    },
    updateUserDetails: (user) => signalCurrentUserDetails(rpId, user),
    googleSignInUrl: (returnTo = '/') => googleUrl({ returnTo }),
    sessions: {
      async list() {
        return (await http.request<{ sessions: SessionListItem[] }>('GET', '/sessions')).sessions;
      },
      async end(id) {
        await http.request<void>('DELETE', `/sessions/${encodeURIComponent(id)}`);
      },
    },
    google: {
      async link() {
        return (await http.request<{ redirectTo: string }>('POST', '/google/link')).redirectTo;
      },
      async unlink() {
        await http.request<void>('DELETE', '/google');
      },
    },
    stepUp: {
      async startEmail() {
        await http.request('POST', '/stepup/email/start');
      },
      async verifyEmail(code) {
        await http.request<void>('POST', '/stepup/email/verify', { code });
      },
    },
    email: {
      async startVerification() {
        await http.request('POST', '/email/verify/start');
      },
      async verify(code) {
        return (await http.request<{ user: User }>('POST', '/email/verify', { code })).user;
      },
      async startChange(email) {
        await http.request('POST', '/email/change/start', { email });
      },
      async verifyChange(code) {
        const { user } = await http.request<{ user: User }>('POST', '/email/change/verify', { code });
        // Passkey providers show the account's email as its name.
        void signalCurrentUserDetails(rpId, user);
        return user;
      },
    },
    async deleteAccount() {
      WebAuthnAbortService.cancelCeremony();
      const me = await http.request<Me>('GET', '/me').catch(() => null);
      await http.request<void>('DELETE', '/account');
      // No passkey of this account is accepted any more: providers may hide them all.
      if (me) void signalAllAcceptedCredentials(rpId, me.user.id, []);
    },
  };
}

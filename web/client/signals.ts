// WebAuthn Signal API (WebAuthn Level 3 §5.1.10–5.1.12): tells the browser's
// passkey provider what the server knows, so it stops offering deleted
// passkeys and shows current account names. Feature-detected; best effort,
// never throws.

interface SignalingCredential {
  signalUnknownCredential?: (options: { rpId: string; credentialId: string }) => Promise<void>;
  signalAllAcceptedCredentials?: (options: {
    rpId: string;
    userId: string;
    allAcceptedCredentialIds: string[];
  }) => Promise<void>;
  signalCurrentUserDetails?: (options: {
    rpId: string;
    userId: string;
    name: string;
    displayName: string;
  }) => Promise<void>;
}

function api(): SignalingCredential | undefined {
  return (globalThis as { PublicKeyCredential?: SignalingCredential }).PublicKeyCredential;
}

/** The WebAuthn user handle of a user id (UTF-8 bytes, as the server builds it), base64url. */
export function userHandleOf(userId: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(userId)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function attempt(call: (() => Promise<void>) | undefined): Promise<boolean> {
  if (!call) return false;
  try {
    await call();
    return true;
  } catch {
    return false;
  }
}

/** After the server rejected a credential as unknown; returns whether the browser took the signal. */
export function signalUnknownCredential(rpId: string, credentialId: string): Promise<boolean> {
  const pkc = api();
  return attempt(
    pkc?.signalUnknownCredential &&
      (() => pkc.signalUnknownCredential?.({ rpId, credentialId }) as Promise<void>),
  );
}

/** After a delete: the complete list of the user's passkeys, so providers hide the rest. */
export function signalAllAcceptedCredentials(
  rpId: string,
  userId: string,
  credentialIds: string[],
): Promise<boolean> {
  const pkc = api();
  return attempt(
    pkc?.signalAllAcceptedCredentials &&
      (() =>
        pkc.signalAllAcceptedCredentials?.({
          rpId,
          userId: userHandleOf(userId),
          allAcceptedCredentialIds: credentialIds,
        }) as Promise<void>),
  );
}

/** After sign-in or a change of the account's name: the name providers show next to the passkey. */
export function signalCurrentUserDetails(
  rpId: string,
  user: { id: string; email: string; name?: string },
): Promise<boolean> {
  const pkc = api();
  return attempt(
    pkc?.signalCurrentUserDetails &&
      (() =>
        pkc.signalCurrentUserDetails?.({
          rpId,
          userId: userHandleOf(user.id),
          name: user.email,
          displayName: user.name ?? user.email,
        }) as Promise<void>),
  );
}

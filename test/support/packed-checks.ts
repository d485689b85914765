// Files a fresh project compiles against the packed tarball: each entry point
// of package.json `exports` used with its types, under `moduleResolution: nodenext`
// (the strictest reading of `exports`), and a construct synthesized from the tarball.

export const CHECK_TSCONFIG = JSON.stringify(
  {
    compilerOptions: {
      target: 'es2022',
      lib: ['es2023', 'dom', 'dom.iterable'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      jsx: 'react-jsx',
      types: ['node'],
    },
    files: ['check/client.ts', 'check/react.tsx', 'check/next.ts', 'check/server.ts', 'check/cdk.ts'],
  },
  null,
  2,
);

export const CHECK_FILES: Record<string, string> = {
  'tsconfig.check.json': CHECK_TSCONFIG,
  'check/client.ts': `import { type AuthClient, createAuthClient, ExpenserAuthError, type Passkey, type User } from 'expenser-auth/client';
const auth: AuthClient = createAuthClient({ baseUrl: 'https://api.example.com' });
export async function signIn(email: string): Promise<User> {
  try {
    return await auth.signIn({ email });
  } catch (error) {
    if (error instanceof ExpenserAuthError && error.code === 'passkey_not_found') return auth.signIn();
    throw error;
  }
}
export const passkeys: Promise<Passkey[]> = auth.passkeys.list();
// @ts-expect-error signIn takes an object, not a string
void auth.signIn('ada@example.com');
`,
  'check/react.tsx': `import { AuthProvider, useAuthClient, usePasskeySignIn, usePasskeys, useSession } from 'expenser-auth/react';
import { createAuthClient } from 'expenser-auth/client';
function Login() {
  const { signIn, busy, error } = usePasskeySignIn({ onSignedIn: (user) => console.log(user.email) });
  const { status, user } = useSession();
  const { passkeys, add } = usePasskeys();
  const auth = useAuthClient();
  return (
    <button type="button" disabled={busy || status === 'loading'} onClick={() => void signIn({ email: user?.email ?? '' })}>
      {error?.code ?? passkeys?.length ?? auth.googleSignInUrl('/')} {String(add)}
    </button>
  );
}
export const app = (
  <AuthProvider client={createAuthClient()}>
    <Login />
  </AuthProvider>
);
`,
  'check/next.ts': `import { authRewrites, createAuthProxy, getSession, type RenewSessionInput, type RenewSessionResult, renewSession, type VerifiedSession } from 'expenser-auth/next';
import type { NextRequest, NextResponse } from 'next/server.js';
export const proxy: (request: NextRequest) => Promise<NextResponse> = createAuthProxy({ protect: ['/expenses'] });
export const rewrites = authRewrites('http://127.0.0.1:3000');
export async function page(): Promise<string> {
  const signedIn: VerifiedSession | null = await getSession();
  return signedIn ? signedIn.user.email : 'signed out';
}
export const renew: (input: RenewSessionInput) => Promise<RenewSessionResult> = renewSession;
`,
  'check/server.ts': `import { authCookieNames, type User, verifySession } from 'expenser-auth/server';
export async function whoIs(cookieHeader: string | null): Promise<User | null> {
  const signedIn = await verifySession(cookieHeader, { sessionKey: process.env.SESSION_VERIFY_KEY ?? '' });
  return signedIn?.session.authMethod === 'recovery' ? null : (signedIn?.user ?? null);
}
export const names: { session: string } = authCookieNames(false);
// @ts-expect-error internals are not exported
import('expenser-auth/src/sessions/verify-session.ts');
`,
  'check/cdk.ts': `import { App, Stack } from 'aws-cdk-lib';
import { ExpenserAuth, type ExpenserAuthProps, ExpenserAuthPropsError } from 'expenser-auth/cdk';
const props: ExpenserAuthProps = {
  frontendUrl: 'https://app.example.com',
  relyingParty: { id: 'example.com', name: 'Expenser', origins: ['https://app.example.com'] },
  hostedUiDomainPrefix: 'example-auth',
  mail: { from: 'no-reply@example.com' },
};
export function build(): string {
  const stack = new Stack(new App(), 'Auth', { env: { account: '123456789012', region: 'eu-west-1' } });
  try {
    return new ExpenserAuth(stack, 'Auth', props).apiUrl;
  } catch (error) {
    if (error instanceof ExpenserAuthPropsError) return error.problems.join(', ');
    throw error;
  }
}
`,
  // Run, not only compiled: the construct from the tarball synthesizes with the bundles it ships.
  'check/synth.mjs': `import { App, Stack } from 'aws-cdk-lib';
import { ExpenserAuth } from 'expenser-auth/cdk';
const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Auth', { env: { account: '123456789012', region: 'eu-west-1' } });
new ExpenserAuth(stack, 'Auth', {
  frontendUrl: 'https://app.example.com',
  relyingParty: { id: 'example.com', name: 'Expenser', origins: ['https://app.example.com'] },
  hostedUiDomainPrefix: 'example-auth',
  mail: { from: 'no-reply@example.com' },
});
const assembly = app.synth();
const template = assembly.getStackByName('Auth').template;
const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
console.log(JSON.stringify({ functions: functions.length, assets: assembly.directory }));
`,
};

import { createAuthProxy } from 'expenser-auth/next';

// Signed-out visitors of these pages go to /login?returnTo=…; a session whose short
// cookie expired is renewed through /auth/refresh before the page renders.
export const proxy = createAuthProxy({ protect: ['/expenses', '/account'] });

export const config = { matcher: ['/expenses/:path*', '/account/:path*'] };

import { authRewrites } from 'expenser-auth/next';
import type { NextConfig } from 'next';

// The API is served under this app's own origin: /auth/* is forwarded to AUTH_API_URL
// (the local stack, or API Gateway), so the session cookies belong to this origin and
// server components can read them. Rewrites are fixed when the app is built.
const config: NextConfig = {
  poweredByHeader: false,
  async rewrites() {
    return authRewrites();
  },
};

export default config;

import { Hono } from 'hono';
import * as z from 'zod/mini';
import { NotFoundError } from '../../errors.ts';
import { hostedUiLogoutUrl } from '../../oauth/urls.ts';
import { ANONYMOUS_BINDING } from '../../sessions/csrf.ts';
import { sessionEnd } from '../../store/user-items.ts';
import { readJson } from '../body.ts';
import type { AppEnv, Runtime } from '../deps.ts';
import { renewSession } from '../renew-session.ts';
import { securityEvent } from '../security-events.ts';
import {
  clearAuthCookies,
  describeSession,
  endSession,
  endSessions,
  issueCsrf,
  requireSession,
} from '../sessions.ts';
import { googleUrlSettings } from './google.ts';

const logoutBody = z.object({ everywhere: z.optional(z.boolean()) });
const sessionIdParam = z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/));

/** CSRF token, `me`, refresh, logout and the sessions list (docs/api.md "CSRF" and "Session"). */
export function sessionRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();

  app.get('/csrf', (c) => c.json({ csrfToken: issueCsrf(c, rt, c.var.auth.sid ?? ANONYMOUS_BINDING) }));

  app.get('/me', async (c) => {
    const { session } = await requireSession(c, rt);
    return c.json({ user: session.user, session: describeSession(session) });
  });

  app.post('/refresh', async (c) => {
    const { user, session } = await renewSession(c, rt);
    return c.json({ user, session: describeSession(session), csrfToken: issueCsrf(c, rt, session.sid) });
  });

  app.post('/logout', async (c) => {
    const { everywhere = false } = await readJson(c, logoutBody);
    const { session, refresh, sid } = c.var.auth;
    const userId = session?.user.id ?? refresh?.userId;
    let authMethod = session?.authMethod;
    if (userId && sid) {
      const ended = await endSession(c, rt, { userId, sid, reason: 'logout' });
      authMethod = ended?.authMethod ?? authMethod;
      // Only a live session may end the others: a stale copy of ended cookies cannot.
      if (everywhere && ended && sessionEnd(ended) > rt.clock()) {
        await endSessions(c, rt, { userId, reason: 'logout_everywhere', globalSignOut: true });
      } else if (!ended && refresh) {
        await rt.cognito.revoke(refresh.refreshToken).catch(() => undefined);
      }
      securityEvent(c, 'signed_out', { userId, everywhere });
    }
    // A Google session also ends the hosted-UI session, or the next "Continue with Google"
    // would sign straight back in.
    const redirectTo = authMethod === 'google' ? hostedUiLogoutUrl(googleUrlSettings(rt)) : null;
    clearAuthCookies(c, rt);
    return c.json({ redirectTo, csrfToken: issueCsrf(c, rt, ANONYMOUS_BINDING) });
  });

  app.get('/sessions', async (c) => {
    const { record } = await requireSession(c, rt);
    const sessions = await rt.store.listSessions(record.userId);
    sessions.sort((a, b) => b.lastSeenAt - a.lastSeenAt || (a.id < b.id ? -1 : 1));
    return c.json({
      sessions: sessions.map((s) => ({
        id: s.id,
        createdAt: new Date(s.createdAt).toISOString(),
        lastSeenAt: new Date(s.lastSeenAt).toISOString(),
        authMethod: s.authMethod,
        device: s.device,
        current: s.id === record.id,
      })),
    });
  });

  app.delete('/sessions/:id', async (c) => {
    const { record } = await requireSession(c, rt);
    const parsed = sessionIdParam.safeParse(c.req.param('id'));
    // Another user's id is looked up in this user's partition only: it answers like a missing one.
    const ended = parsed.success
      ? await endSession(c, rt, { userId: record.userId, sid: parsed.data, reason: 'ended_by_user' })
      : null;
    if (!ended) throw new NotFoundError('No such session.');
    if (ended.id === record.id) clearAuthCookies(c, rt);
    return c.body(null, 204);
  });

  return app;
}

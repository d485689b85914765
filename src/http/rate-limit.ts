import { createHash } from 'node:crypto';
import type { Config } from '../config/config.ts';
import { RateLimitedError } from '../errors.ts';
import type { Store } from '../store/types.ts';

/** The limits are the configured ones (`Config['rateLimit']`, docs/configuration.md). */
export type FailureLimiterOptions = { store: Store } & Config['rateLimit'];

/**
 * The unit an address is limited as: an IPv4 address, or the /64 of an IPv6
 * address (one subscriber usually holds a whole /64, so limiting single IPv6
 * addresses limits nothing). IPv4-mapped IPv6 counts as its IPv4 address.
 */
export function rateLimitSubject(ip: string): string {
  if (!ip.includes(':')) return ip;
  let host: string;
  try {
    host = new URL(`http://[${ip.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  } catch {
    return ip.slice(0, 64);
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped?.[1] && mapped[2]) {
    const [high, low] = [Number.parseInt(mapped[1], 16), Number.parseInt(mapped[2], 16)];
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  const [head = '', tail = ''] = host.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = host.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The counter of requests from one address to one unauthenticated endpoint, per window. */
export function requestCounterKey(endpoint: string, ip: string): string {
  return `req:${endpoint}:${rateLimitSubject(ip)}`;
}

/**
 * Failure-based rate limits shared by every Lambda instance through atomic
 * DynamoDB counters with TTL (docs/api.md "Operations").
 * - Per client IP: once an address has failed `ipFailures` times in the window,
 *   its requests are refused before any work is done.
 * - Per account: failures against an account beyond `accountFailures` are
 *   answered `429` instead of `401`, but an account is never blocked *before*
 *   verification, so the owner's valid passkey always gets through however
 *   many others are failing against it.
 */
export function createFailureLimiter(options: FailureLimiterOptions) {
  const { store, windowSeconds, ipFailures, accountFailures, ipRequests, emailSends, ipEmailSends } = options;
  const ipKey = (ip: string) => `ip:${rateLimitSubject(ip)}`;
  const accountKey = (userId: string) => `acct:${userId}`;

  return {
    /**
     * Counts one request of this address to `endpoint` and throws
     * `RateLimitedError` past the budget: unauthenticated endpoints that store
     * something cannot be used to fill the table.
     */
    async assertRequestAllowed(ip: string, endpoint: string): Promise<void> {
      const { count, retryAfterSeconds } = await store.recordFailure(
        requestCounterKey(endpoint, ip),
        windowSeconds,
      );
      if (count > ipRequests) throw new RateLimitedError(retryAfterSeconds);
    },
    /**
     * Counts one request for an emailed code, per client address and per
     * recipient, and throws `RateLimitedError` past either budget. Counted
     * whether or not mail is then sent, so the answer reveals nothing. The
     * recipient's counter is keyed by a hash: no address is written to it.
     */
    async assertMailAllowed(ip: string, email: string): Promise<void> {
      const recipient = createHash('sha256').update(email).digest('base64url').slice(0, 22);
      const [byIp, byRecipient] = await Promise.all([
        store.recordFailure(`mail-ip:${rateLimitSubject(ip)}`, windowSeconds),
        store.recordFailure(`mail-to:${recipient}`, windowSeconds),
      ]);
      if (byIp.count > ipEmailSends) throw new RateLimitedError(byIp.retryAfterSeconds);
      if (byRecipient.count > emailSends) throw new RateLimitedError(byRecipient.retryAfterSeconds);
    },
    /** Throws `RateLimitedError` when this address is over its failure budget. */
    async assertIpAllowed(ip: string): Promise<void> {
      const { count, retryAfterSeconds } = await store.countFailures(ipKey(ip), windowSeconds);
      if (count >= ipFailures) throw new RateLimitedError(retryAfterSeconds);
    },
    /**
     * Counts one failure for the address and, when known, the account. Returns
     * the `RateLimitedError` to answer with when either is now over its budget,
     * or null to answer with the ordinary failure.
     */
    async recordFailure(input: { ip: string; userId?: string }): Promise<RateLimitedError | null> {
      const [ip, account] = await Promise.all([
        store.recordFailure(ipKey(input.ip), windowSeconds),
        input.userId ? store.recordFailure(accountKey(input.userId), windowSeconds) : null,
      ]);
      if (ip.count > ipFailures) return new RateLimitedError(ip.retryAfterSeconds);
      if (account && account.count > accountFailures) return new RateLimitedError(account.retryAfterSeconds);
      return null;
    },
  };
}

export type FailureLimiter = ReturnType<typeof createFailureLimiter>;

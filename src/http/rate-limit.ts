import { RateLimitedError } from '../errors.ts';
import type { Store } from '../store/types.ts';

export interface FailureLimiterOptions {
  store: Store;
  windowSeconds: number;
  ipFailures: number;
  accountFailures: number;
}

/**
 * Failure-based rate limits shared by every Lambda instance through atomic
 * DynamoDB counters with TTL (shared/API.md "Operations").
 * - Per client IP: once an address has failed `ipFailures` times in the window,
 *   its requests are refused before any work is done.
 * - Per account: failures against an account beyond `accountFailures` are
 *   answered `429` instead of `401`, but an account is never blocked *before*
 *   verification, so the owner's valid passkey always gets through however
 *   many others are failing against it.
 */
export function createFailureLimiter(options: FailureLimiterOptions) {
  const { store, windowSeconds, ipFailures, accountFailures } = options;
  const ipKey = (ip: string) => `ip:${ip}`;
  const accountKey = (userId: string) => `acct:${userId}`;

  return {
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

import { requestCounterKey } from '../../src/http/rate-limit.ts';
import { createDynamoDbStore } from '../../src/store/dynamodb-store.ts';
import { API_STEPS, runApiSteps } from './api-steps.ts';
import { reportSes } from './ses-report.ts';
import { createStepRunner, SmokeStepError } from './step.ts';
import type { SmokeTarget } from './target.ts';
import { createTestUser, deleteTestUser, newTestUser } from './test-user.ts';

/** Every step line a full run prints, in order. */
export const SMOKE_STEPS = ['create test user', ...API_STEPS, 'delete test user'] as const;

/**
 * The address the API counts a request under when it cannot read the
 * caller's (`sourceIpOf` in src/lambda/api.ts, the local stack's socket
 * address): a non-zero count means every client shares one bucket.
 */
const UNKNOWN_ADDRESS = 'unknown';

/**
 * Reports on SES, creates a test user, runs the API steps, and always
 * deletes the user again. Returns whether every step passed.
 */
export async function runSmoke(target: SmokeTarget, print: (line: string) => void): Promise<boolean> {
  print(`expenser-auth smoke test: ${target.apiUrl} (${target.description}), origin ${target.origin}`);
  const ses = await reportSes(target.ses, target.mailFrom);
  print(`  SES sending identity${target.mailFrom ? ` ${target.mailFrom}` : ''}: ${ses.identity}`);
  print(`  SES account: ${ses.sandbox}`);

  const store = createDynamoDbStore({ client: target.dynamodb, tableName: target.tableName });
  const admin = { cognito: target.cognito, userPoolId: target.userPoolId, store };
  const user = newTestUser(target.mailFrom?.split('@')[1] || 'example.com');
  const step = createStepRunner(print);
  let failure: SmokeStepError | undefined;
  try {
    await step('create test user', async () => {
      await createTestUser(user, { ...admin, rp: { ...target.rp, origin: target.origin } });
      return `${user.userId} ${user.email}`;
    });
    await runApiSteps({
      apiUrl: target.apiUrl,
      origin: target.origin,
      user,
      step,
      countUnknownSources: async () =>
        (
          await store.countFailures(
            requestCounterKey('signin-options', UNKNOWN_ADDRESS),
            target.rateLimitWindowSeconds,
          )
        ).count,
    });
  } catch (error) {
    if (!(error instanceof SmokeStepError)) throw error;
    failure = error;
  } finally {
    // The step runner turns every error into a SmokeStepError, so cleanup never throws past here.
    const cleanupFailure = await step('delete test user', async () => {
      await deleteTestUser(user, admin);
    }).catch((error: SmokeStepError) => error);
    if (cleanupFailure) {
      print(
        `  the test user ${user.userId} (${user.email}) may be left in the pool and table: delete it by hand`,
      );
      failure ??= cleanupFailure;
    }
  }
  print(failure ? `smoke test FAILED at "${failure.step}": ${failure.message}` : 'smoke test passed');
  return failure === undefined;
}

// What the verified-email flows cost, request by request: DynamoDB calls (the
// API's and the triggers', one client locally), Cognito calls and trigger runs,
// and mail sent. Counts, not times: they do not depend on the machine.
// Run with `npm run bench`.

import { startLocalStack } from '../src/local/stack.ts';
import { createLogger } from '../src/logging/logger.ts';
import { TestBrowser, type TestResponse } from '../test/support/browser.ts';
import { lastCodeTo, mailTo } from '../test/support/mailbox.ts';
import { SoftAuthenticator } from '../test/support/soft-authenticator.ts';

type Step = () => Promise<TestResponse>;

export async function benchEmailFlows(): Promise<void> {
  const stack = await startLocalStack({
    port: 0,
    env: { SECRET_KEY: 'bench-Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h', MAIL_START_FLOOR_MS: '0' },
    logger: createLogger({ level: 'silent' }),
  });
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const rows: string[] = [];
  async function measure(label: string, email: string, step: Step): Promise<TestResponse> {
    stack.dynamodbCalls.reset();
    stack.cognito.resetCounts();
    const mailsBefore = (await mailTo(stack, email)).length;
    const response = await step();
    const dynamo = stack.dynamodbCalls.count();
    const { operations, triggers } = stack.cognito.counts();
    const mails = (await mailTo(stack, email)).length - mailsBefore;
    rows.push(
      `  ${label.padEnd(44)} ${String(response.status).padEnd(4)} ${String(sum(dynamo)).padStart(2)} DynamoDB ${JSON.stringify(dynamo)}; ${sum(operations)} Cognito ${JSON.stringify(operations)}, triggers ${JSON.stringify(triggers)}; ${mails} mail`,
    );
    return response;
  }

  try {
    const email = `bench.signup.${Date.now()}@example.com`;
    const browser = new TestBrowser(stack);
    const authenticator = new SoftAuthenticator();
    rows.push('sign-up (status, calls per request):');
    await measure('GET /auth/csrf', email, () => browser.get('/auth/csrf'));
    await measure('POST /auth/signup/start', email, () => browser.post('/auth/signup/start', { email }));
    const code = await lastCodeTo(stack, email);
    const options = await measure('POST /auth/signup/verify-email', email, () =>
      browser.post('/auth/signup/verify-email', { email, code }),
    );
    const credential = await authenticator.register(options.body.options, { origin: stack.origin });
    await measure('POST /auth/passkey/register/verify', email, () =>
      browser.post('/auth/passkey/register/verify', { credential }),
    );

    const taken = new TestBrowser(stack);
    await taken.get('/auth/csrf');
    rows.push('sign-up start for an address that has an account:');
    await measure('POST /auth/signup/start', email, () => taken.post('/auth/signup/start', { email }));

    const rescue = new TestBrowser(stack);
    rows.push('recovery:');
    await measure('GET /auth/csrf', email, () => rescue.get('/auth/csrf'));
    await measure('POST /auth/recovery/start', email, () => rescue.post('/auth/recovery/start', { email }));
    const recoveryCode = await lastCodeTo(stack, email);
    const wrongCode = String((Number(recoveryCode) + 1) % 1_000_000).padStart(6, '0');
    await measure('POST /auth/recovery/verify (a wrong code)', email, () =>
      rescue.post('/auth/recovery/verify', { email, code: wrongCode }),
    );
    await measure('POST /auth/recovery/verify', email, () =>
      rescue.post('/auth/recovery/verify', { email, code: recoveryCode }),
    );
    console.log('verified-email flows (local stack; DynamoDB counts include the triggers):');
    for (const row of rows) console.log(row);
  } finally {
    await stack.close();
  }
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  CredentialExistsError,
  cancellationCodes,
  EmailClaimedError,
  isConditionalCheckFailed,
  translateCreateAccountError,
} from '../../src/store/errors.ts';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('store error translation', () => {
  test('condition failures are recognised by name, other errors are not', () => {
    assert.equal(
      isConditionalCheckFailed(new ConditionalCheckFailedException({ message: 'x', $metadata: {} })),
      true,
    );
    assert.equal(isConditionalCheckFailed(cancelled('ConditionalCheckFailed')), false);
    assert.equal(isConditionalCheckFailed('ConditionalCheckFailedException'), false);
  });

  test('cancellation codes in item order', () => {
    assert.deepEqual(cancellationCodes(cancelled('None', 'ConditionalCheckFailed')), [
      'None',
      'ConditionalCheckFailed',
    ]);
    assert.equal(cancellationCodes(new Error('x')), null);
  });

  test('createAccount: email claim first, then credential, keeping the cause', () => {
    const email = cancelled('ConditionalCheckFailed', 'None');
    const translated = translateCreateAccountError(email);
    assert.ok(translated instanceof EmailClaimedError);
    assert.equal(translated.name, 'EmailClaimedError');
    assert.equal(translated.cause, email);
    assert.ok(
      translateCreateAccountError(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed')) instanceof
        EmailClaimedError,
    );
    assert.ok(
      translateCreateAccountError(cancelled('None', 'ConditionalCheckFailed')) instanceof
        CredentialExistsError,
    );
  });

  test('anything else is returned unchanged, to be rethrown', () => {
    const conflict = cancelled('TransactionConflict', 'None');
    assert.equal(translateCreateAccountError(conflict), conflict);
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    assert.equal(translateCreateAccountError(throttled), throttled);
    const plain = new Error('network');
    assert.equal(translateCreateAccountError(plain), plain);
  });
});

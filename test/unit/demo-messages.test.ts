import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { KNOWN_ERROR_CODES, messageFor, messageForError } from '../../web/app/messages.ts';
import { escapeHtml, loginPage } from '../../web/app/pages.ts';
import { fromWebAuthnError } from '../../web/client/errors.ts';

/** The string literals of a `type X = | 'a' | 'b';` union in a source file, so a new code cannot be forgotten. */
function unionLiterals(file: string, typeName: string): string[] {
  const source = readFileSync(file, 'utf8');
  const start = source.indexOf(`type ${typeName} =`);
  assert.ok(start >= 0, `${typeName} in ${file}`);
  const body = source.slice(start, source.indexOf(';', start));
  return [...body.matchAll(/'([a-z_]+)'/g)].map((m) => m[1] ?? '');
}

describe('demo app error messages', () => {
  test('every API, client and Google error code has its own human message', () => {
    const codes = [
      ...unionLiterals('src/errors.ts', 'AuthErrorCode'),
      ...unionLiterals('web/client/errors.ts', 'ClientErrorCode'),
      ...unionLiterals('src/oauth/errors.ts', 'GoogleErrorCode'),
      'access_denied',
      'state_mismatch',
    ];
    assert.ok(codes.length > 20);
    for (const code of codes) {
      assert.ok(KNOWN_ERROR_CODES.includes(code), `a message for ${code}`);
      assert.doesNotMatch(messageFor(code), /_/, `${code}'s message is prose, not a code`);
    }
    assert.equal(
      messageFor('__proto__'),
      messageFor('no_such_code'),
      'unknown codes get the generic message',
    );
  });

  test('the login page escapes what it renders and shows the message, never the code', () => {
    const html = loginPage({
      user: {
        id: 'u',
        email: '<img src=x onerror=alert(1)>@example.com',
        emailVerified: true,
        providers: ['passkey'],
      },
      error: 'code_invalid',
      status: null,
      returnTo: '/expenses?a=1&b="x"',
    });
    assert.doesNotMatch(html, /<img src=x/);
    assert.match(html, new RegExp(escapeHtml(messageFor('code_invalid'))));
    assert.doesNotMatch(html, />code_invalid</);
    assert.match(html, /href="\/auth\/google\?returnTo=\/expenses%3Fa%3D1%26b%3D%22x%22"/);
    assert.match(html, /autocomplete="username webauthn"/);
  });

  test('a 400 naming a field says which field and why, in the words of the form', () => {
    assert.equal(
      messageForError('invalid_request', 'Invalid field "email": must be an email address.'),
      'The email must be a complete email address, like name@example.com.',
    );
    assert.equal(
      messageForError(
        'invalid_request',
        'Invalid field "nickname": Too small: expected string to have >=1 characters.',
      ),
      'The passkey name cannot be empty or only spaces.',
    );
    assert.equal(
      messageForError(
        'invalid_request',
        'Invalid field "displayName": Too big: expected string to have <=64 characters.',
      ),
      'Your name can be at most 64 characters.',
    );
    assert.equal(
      messageForError('invalid_request', 'Invalid field "email": something new <b>.'),
      'The email is not valid. Check it and try again.',
      'an unknown reason is not echoed',
    );
    for (const message of ['Invalid field "credential.id": x.', 'The request body is not valid JSON.', '']) {
      assert.equal(messageForError('invalid_request', message), messageFor('invalid_request'));
    }
    assert.equal(messageForError('code_invalid', 'Invalid field "email": x'), messageFor('code_invalid'));
    assert.equal(
      messageForError('invalid_request', 'Invalid field "code": must be the 6-digit code from the email.'),
      'The code must be the 6 digits from the email.',
    );
  });

  test('NotAllowedError after a request that named passkeys reads "not found on this device", not "closed"', () => {
    const notAllowed = Object.assign(new Error('The operation either timed out or was not allowed.'), {
      name: 'NotAllowedError',
    });
    assert.equal(fromWebAuthnError(notAllowed, { allowCredentials: true }).code, 'passkey_not_found');
    assert.equal(
      fromWebAuthnError(notAllowed).code,
      'passkey_cancelled',
      'usernameless: the prompt was closed',
    );
    assert.match(messageFor('passkey_not_found'), /No passkey for this account was found on this device/);
    assert.doesNotMatch(messageFor('passkey_not_found'), /closed/);
  });
});

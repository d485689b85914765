import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { KNOWN_ERROR_CODES, messageFor } from '../../web/app/messages.ts';
import { escapeHtml, loginPage } from '../../web/app/pages.ts';

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
      user: { id: 'u', email: '<img src=x onerror=alert(1)>@example.com', providers: ['passkey'] },
      error: 'email_taken',
      status: null,
      returnTo: '/expenses?a=1&b="x"',
    });
    assert.doesNotMatch(html, /<img src=x/);
    assert.match(html, new RegExp(escapeHtml(messageFor('email_taken'))));
    assert.doesNotMatch(html, />email_taken</);
    assert.match(html, /href="\/auth\/google\?returnTo=\/expenses%3Fa%3D1%26b%3D%22x%22"/);
    assert.match(html, /autocomplete="username webauthn"/);
  });
});

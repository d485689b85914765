import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { buildAuthenticationOptions, newChallenge } from '../../src/passkeys/ceremony-options.ts';

const rp = { id: 'example.com', name: 'Expenser', origins: ['https://app.example.com'] };
/** As the browser receives them: JSON, so an `undefined` member is no member. */
const asSent = (options: unknown) => JSON.parse(JSON.stringify(options));

describe('buildAuthenticationOptions: what @simplewebauthn/server would send, without loading it', () => {
  for (const [name, allow] of [
    ['usernameless (no allow list)', []],
    [
      "a user's credentials",
      [
        { id: 'AAECAwQFBgcICQ', transports: ['internal', 'hybrid'] },
        { id: 'qrvM3e7_', transports: [] },
      ],
    ],
  ] as const) {
    test(name, async () => {
      const challenge = newChallenge();
      const ours = buildAuthenticationOptions({
        rp,
        challenge,
        allow: allow.map((c) => ({ ...c, transports: [...c.transports] })),
      });
      const library = await generateAuthenticationOptions({
        rpID: rp.id,
        challenge: new Uint8Array(Buffer.from(challenge, 'base64url')),
        timeout: 5 * 60 * 1000,
        userVerification: 'required',
        allowCredentials: allow.map((c) => ({ id: c.id, transports: [...c.transports] })),
      });
      assert.deepEqual(asSent(ours), asSent(library));
      assert.equal(ours.challenge, challenge);
    });
  }
});

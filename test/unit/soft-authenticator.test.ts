import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import {
  decodeAttestationObject,
  isoBase64URL,
  parseAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import {
  type AssertionTamper,
  type RegistrationTamper,
  SoftAuthenticator,
  type SoftAuthenticatorOptions,
} from '../support/soft-authenticator.ts';

const RP_ID = 'auth.example.test';
const ORIGIN = 'https://auth.example.test';

type Outcome = 'throws' | 'verified:false' | 'verified:true';

let lastError = '';

/** Runs a verification; on a throw, the message is kept in `lastError` for the test to check. */
async function outcome(run: () => Promise<{ verified: boolean }>): Promise<Outcome> {
  lastError = '';
  try {
    return (await run()).verified ? 'verified:true' : 'verified:false';
  } catch (err) {
    lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return 'throws';
  }
}

async function regOptions(
  userName = 'alice@example.test',
  extra: Partial<Parameters<typeof generateRegistrationOptions>[0]> = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: 'Expenser',
    rpID: RP_ID,
    userName,
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    ...extra,
  });
}

function verifyReg(
  options: PublicKeyCredentialCreationOptionsJSON,
  response: RegistrationResponseJSON,
  extra: { supportedAlgorithmIDs?: number[] } = {},
): Promise<VerifiedRegistrationResponse> {
  return verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
    ...extra,
  });
}

/** Registers a credential and returns what a server would store. */
async function enrol(
  authenticator: SoftAuthenticator,
  userName = 'alice@example.test',
): Promise<{ credential: WebAuthnCredential; userHandle: string }> {
  const options = await regOptions(userName);
  const result = await verifyReg(options, await authenticator.register(options, { origin: ORIGIN }));
  assert.equal(result.verified, true);
  assert.ok(result.registrationInfo);
  return { credential: { ...result.registrationInfo.credential }, userHandle: options.user.id };
}

function verifyAuth(challenge: string, response: AuthenticationResponseJSON, credential: WebAuthnCredential) {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
  });
}

describe('SoftAuthenticator registration', () => {
  it('produces a response that verifyRegistrationResponse accepts', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await regOptions();
    const response = await authenticator.register(options, { origin: ORIGIN });
    const result = await verifyReg(options, response);
    assert.equal(result.verified, true);
    const info = result.registrationInfo;
    assert.ok(info);
    assert.equal(info.fmt, 'none');
    assert.equal(info.aaguid, '00000000-0000-0000-0000-000000000000');
    assert.equal(info.credential.id, response.id);
    assert.equal(info.credential.counter, 0);
    assert.deepEqual(info.credential.transports, ['internal']);
    assert.equal(info.userVerified, true);
    assert.equal(info.credentialDeviceType, 'singleDevice');
    assert.equal(info.credentialBackedUp, false);
    assert.equal(info.rpID, RP_ID);
    assert.equal(response.authenticatorAttachment, 'platform');
    assert.deepEqual(response.clientExtensionResults, { credProps: { rk: true } });
    assert.equal(response.response.publicKeyAlgorithm, -7);
    assert.deepEqual(authenticator.credentials, [
      { id: response.id, rpId: RP_ID, userHandle: options.user.id, signCount: 0 },
    ]);
  });

  it('encodes spec-conformant bytes (§6.1, §6.5, §5.8.1)', async () => {
    const authenticator = new SoftAuthenticator({ aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd' });
    const options = await regOptions();
    const response = await authenticator.register(options, { origin: ORIGIN });
    const cdj = isoBase64URL.toUTF8String(response.response.clientDataJSON);
    assert.equal(
      cdj,
      `{"type":"webauthn.create","challenge":"${options.challenge}","origin":"${ORIGIN}","crossOrigin":false}`,
    );
    const att = decodeAttestationObject(isoBase64URL.toBuffer(response.response.attestationObject));
    assert.deepEqual([...(att as unknown as Map<string, unknown>).keys()], ['fmt', 'attStmt', 'authData']);
    assert.equal(att.get('fmt'), 'none');
    assert.equal(att.get('attStmt').size, 0);
    const authData = att.get('authData');
    assert.equal(isoBase64URL.fromBuffer(authData), response.response.authenticatorData);
    assert.deepEqual(
      Buffer.from(authData.slice(0, 32)),
      createHash('sha256').update(RP_ID).digest(),
      'rpIdHash = SHA-256(rp.id)',
    );
    assert.equal(authData[32], 0x45, 'flags = UP | UV | AT');
    const parsed = parseAuthenticatorData(authData);
    assert.equal(parsed.counter, 0);
    assert.equal(Buffer.from(parsed.aaguid ?? []).toString('hex'), 'fbfc3007154e4ecc8c0b6e020557d7bd');
    assert.equal(isoBase64URL.fromBuffer(parsed.credentialID ?? new Uint8Array()), response.id);
    // The SPKI public key in the JSON is the same key as the COSE key in authData.
    const spki = createPublicKey({
      key: Buffer.from(response.response.publicKey ?? '', 'base64url'),
      format: 'der',
      type: 'spki',
    });
    assert.equal(spki.asymmetricKeyType, 'ec');
    assert.equal(spki.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  it('reflects BE/BS options in flags', async () => {
    const authenticator = new SoftAuthenticator({ backupEligible: true, backedUp: true });
    const options = await regOptions();
    const result = await verifyReg(options, await authenticator.register(options, { origin: ORIGIN }));
    assert.equal(result.registrationInfo?.credentialDeviceType, 'multiDevice');
    assert.equal(result.registrationInfo?.credentialBackedUp, true);
  });

  it('refuses when it holds an excluded credential (InvalidStateError)', async () => {
    const authenticator = new SoftAuthenticator();
    const { credential } = await enrol(authenticator);
    const options = await regOptions('alice@example.test', {
      excludeCredentials: [{ id: credential.id, transports: ['internal'] }],
    });
    await assert.rejects(authenticator.register(options, { origin: ORIGIN }), { name: 'InvalidStateError' });
  });

  it('replaces a discoverable credential for the same (rpId, userHandle) (§6.3.2)', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await regOptions();
    const first = await authenticator.register(options, { origin: ORIGIN });
    const second = await authenticator.register({ ...options }, { origin: ORIGIN });
    assert.notEqual(first.id, second.id);
    assert.deepEqual(
      authenticator.credentials.map((c) => c.id),
      [second.id],
    );
  });

  it('refuses when ES256 is not offered (NotSupportedError)', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await regOptions('alice@example.test', { supportedAlgorithmIDs: [-257] });
    await assert.rejects(authenticator.register(options, { origin: ORIGIN }), { name: 'NotSupportedError' });
  });

  // Observed behaviour of @simplewebauthn/server v14 verifyRegistrationResponse
  // (requireUserVerification: true, expectedRPID, expectedOrigin, default supportedAlgorithmIDs).
  const existingId = 'AAAAAAAAAAAAAAAAAAAAAA';
  const longId = isoBase64URL.fromBuffer(new Uint8Array(1100).fill(7));
  const registrationCases: Array<[string, RegistrationTamper, Outcome, RegExp?]> = [
    [
      'challenge',
      { challenge: 'c29tZS1vdGhlci1jaGFsbGVuZ2U' },
      'throws',
      /Unexpected registration response challenge/,
    ],
    ['origin', { origin: 'https://evil.example.test' }, 'throws', /Unexpected registration response origin/],
    ['rpId', { rpId: 'evil.example.test' }, 'throws', /UnexpectedRPIDHash/],
    ['type', { type: 'webauthn.get' }, 'throws', /Unexpected registration response type/],
    ['credentialType', { credentialType: 'password' }, 'throws', /Unexpected credential type password/],
    ['uv', { uv: false }, 'throws', /User verification was required/],
    ['up', { up: false }, 'throws', /User presence was required/],
    // Not checked by the library at registration: the service must refuse these itself.
    ['crossOrigin', { crossOrigin: true }, 'verified:true'],
    ['topOrigin', { topOrigin: 'https://framer.example.test' }, 'verified:true'],
    ['credentialId (existing id)', { credentialId: existingId }, 'verified:true'],
    ['credentialId (1100 bytes)', { credentialId: longId }, 'verified:true'],
    ['alg RS256 (in library default list)', { alg: -257 }, 'verified:true'],
  ];
  for (const [name, tamper, expected, reason] of registrationCases) {
    it(`tamper ${name} → ${expected}`, async () => {
      const authenticator = new SoftAuthenticator();
      const options = await regOptions();
      const response = await authenticator.register(options, { origin: ORIGIN, tamper });
      assert.equal(await outcome(() => verifyReg(options, response)), expected, lastError);
      if (reason) assert.match(lastError, reason);
    });
  }

  it('tamper credentialId is reflected in id, rawId and authData', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await regOptions();
    const response = await authenticator.register(options, {
      origin: ORIGIN,
      tamper: { credentialId: longId },
    });
    assert.equal(response.id, longId);
    assert.equal(response.rawId, longId);
    const result = await verifyReg(options, response);
    assert.equal(result.registrationInfo?.credential.id, longId);
    assert.equal(isoBase64URL.toBuffer(result.registrationInfo?.credential.id ?? '').byteLength, 1100);
  });

  it('tamper alg RS256 throws when supportedAlgorithmIDs is restricted to ES256', async () => {
    const authenticator = new SoftAuthenticator();
    const options = await regOptions('alice@example.test', { supportedAlgorithmIDs: [-7] });
    const response = await authenticator.register(options, { origin: ORIGIN, tamper: { alg: -257 } });
    assert.equal(response.response.publicKeyAlgorithm, -257);
    assert.equal(
      await outcome(() => verifyReg(options, response, { supportedAlgorithmIDs: [-7] })),
      'throws',
    );
    assert.match(lastError, /Unexpected public key alg "-257"/);
  });

  it('BS without BE is rejected by the library (InvalidBackupFlags → throws)', async () => {
    const authenticator = new SoftAuthenticator({ backedUp: true });
    const options = await regOptions();
    const response = await authenticator.register(options, { origin: ORIGIN });
    assert.equal(await outcome(() => verifyReg(options, response)), 'throws');
    assert.match(lastError, /InvalidBackupFlags/);
  });
});

describe('SoftAuthenticator authentication', () => {
  it('produces an assertion that verifyAuthenticationResponse accepts, counter increments', async () => {
    const authenticator = new SoftAuthenticator();
    const { credential, userHandle } = await enrol(authenticator);
    for (const expectedCounter of [1, 2]) {
      const options = await generateAuthenticationOptions({ rpID: RP_ID, userVerification: 'required' });
      const response = await authenticator.authenticate(options, { origin: ORIGIN });
      assert.equal(response.id, credential.id);
      assert.equal(response.response.userHandle, userHandle);
      assert.equal(response.authenticatorAttachment, 'platform');
      assert.deepEqual(response.clientExtensionResults, {});
      const result = await verifyAuth(options.challenge, response, credential);
      assert.equal(result.verified, true);
      assert.equal(result.authenticationInfo.newCounter, expectedCounter);
      assert.equal(result.authenticationInfo.userVerified, true);
      credential.counter = result.authenticationInfo.newCounter;
    }
    assert.equal(authenticator.credentials[0]?.signCount, 2);
  });

  it('signs authenticatorData ‖ SHA-256(clientDataJSON) with a DER ECDSA signature', async () => {
    const authenticator = new SoftAuthenticator();
    const { credential } = await enrol(authenticator);
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    const response = await authenticator.authenticate(options, { origin: ORIGIN });
    const cdj = Buffer.from(response.response.clientDataJSON, 'base64url');
    assert.equal(
      cdj.toString('utf8'),
      `{"type":"webauthn.get","challenge":"${options.challenge}","origin":"${ORIGIN}","crossOrigin":false}`,
    );
    const authData = Buffer.from(response.response.authenticatorData, 'base64url');
    assert.equal(authData.byteLength, 37);
    assert.equal(authData[32], 0x05, 'flags = UP | UV');
    const sig = Buffer.from(response.response.signature, 'base64url');
    assert.equal(sig[0], 0x30, 'DER SEQUENCE');
    const key = createPublicKey({
      key: Buffer.from(authenticator.publicKeyOf(credential.id)),
      format: 'der',
      type: 'spki',
    });
    const data = Buffer.concat([authData, createHash('sha256').update(cdj).digest()]);
    assert.equal(verify('sha256', data, { key, dsaEncoding: 'der' }, sig), true);
  });

  it("signCount 'zero' keeps the counter at 0 and still verifies", async () => {
    const authenticator = new SoftAuthenticator({ signCount: 'zero' });
    const { credential } = await enrol(authenticator);
    for (let i = 0; i < 2; i++) {
      const options = await generateAuthenticationOptions({ rpID: RP_ID });
      const result = await verifyAuth(
        options.challenge,
        await authenticator.authenticate(options, { origin: ORIGIN }),
        credential,
      );
      assert.equal(result.verified, true);
      assert.equal(result.authenticationInfo.newCounter, 0);
    }
  });

  it('reports BE/BS in assertions', async () => {
    const authenticator = new SoftAuthenticator({ backupEligible: true, backedUp: true });
    const { credential } = await enrol(authenticator);
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    const result = await verifyAuth(
      options.challenge,
      await authenticator.authenticate(options, { origin: ORIGIN }),
      credential,
    );
    assert.equal(result.authenticationInfo.credentialDeviceType, 'multiDevice');
    assert.equal(result.authenticationInfo.credentialBackedUp, true);
  });

  // Observed behaviour of @simplewebauthn/server v14 verifyAuthenticationResponse. The stored
  // credential is looked up by response.id, as a server would.
  const assertionCases: Array<[string, AssertionTamper, Outcome, RegExp?]> = [
    [
      'challenge',
      { challenge: 'c29tZS1vdGhlci1jaGFsbGVuZ2U' },
      'throws',
      /Unexpected authentication response challenge/,
    ],
    [
      'origin',
      { origin: 'https://evil.example.test' },
      'throws',
      /Unexpected authentication response origin/,
    ],
    ['rpId', { rpId: 'evil.example.test' }, 'throws', /UnexpectedRPIDHash/],
    ['type', { type: 'webauthn.create' }, 'throws', /Unexpected authentication response type/],
    ['credentialType', { credentialType: 'password' }, 'throws', /Unexpected credential type password/],
    ['uv', { uv: false }, 'throws', /User verification required/],
    ['up', { up: false }, 'throws', /User not present/],
    // The library does NOT throw on a bad signature: it returns verified: false.
    ['badSignature', { badSignature: true }, 'verified:false'],
    // crossOrigin without topOrigin (Safari-style) is accepted: the service must check crossOrigin.
    ['crossOrigin', { crossOrigin: true }, 'verified:true'],
    [
      'topOrigin (no expectedTopOrigin)',
      { topOrigin: 'https://framer.example.test' },
      'throws',
      /expectedTopOrigin/,
    ],
    [
      'signCount regression (0 after 5)',
      { signCount: 0 },
      'throws',
      /Response counter value 0 was lower than expected 5/,
    ],
    [
      'signCount equal (5 after 5)',
      { signCount: 5 },
      'throws',
      /Response counter value 5 was lower than expected 5/,
    ],
    ['signCount jump (1000 after 5)', { signCount: 1000 }, 'verified:true'],
    // The library never looks at userHandle: the service must compare it with the credential owner.
    ['userHandle (other user)', { userHandle: 'b3RoZXItdXNlci1oYW5kbGU' }, 'verified:true'],
    ['userHandle null', { userHandle: null }, 'verified:true'],
  ];
  for (const [name, tamper, expected, reason] of assertionCases) {
    it(`tamper ${name} → ${expected}`, async () => {
      const authenticator = new SoftAuthenticator();
      const { credential } = await enrol(authenticator);
      const options = await generateAuthenticationOptions({ rpID: RP_ID, userVerification: 'required' });
      const response = await authenticator.authenticate(options, { origin: ORIGIN, tamper });
      // Counter cases: the server has already seen counter 5.
      if (tamper.signCount !== undefined) credential.counter = 5;
      assert.equal(
        await outcome(() => verifyAuth(options.challenge, response, credential)),
        expected,
        lastError,
      );
      if (reason) assert.match(lastError, reason);
      if (tamper.userHandle === null) assert.equal('userHandle' in response.response, false);
    });
  }

  it('tamper credentialId: claims another credential → verified:false against that credential’s key', async () => {
    const attacker = new SoftAuthenticator();
    const victim = new SoftAuthenticator();
    const attackerEnrol = await enrol(attacker, 'mallory@example.test');
    const victimEnrol = await enrol(victim, 'alice@example.test');
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    const response = await attacker.authenticate(options, {
      origin: ORIGIN,
      tamper: { credentialId: victimEnrol.credential.id },
    });
    assert.equal(response.id, victimEnrol.credential.id);
    assert.equal(response.rawId, victimEnrol.credential.id);
    assert.equal(response.response.userHandle, attackerEnrol.userHandle);
    // Server looks up the claimed id → victim's public key → signature fails.
    assert.equal(
      await outcome(() => verifyAuth(options.challenge, response, victimEnrol.credential)),
      'verified:false',
    );
    // If a server verified with the attacker's key while trusting response.id, the library accepts it.
    assert.equal(
      await outcome(() => verifyAuth(options.challenge, response, attackerEnrol.credential)),
      'verified:true',
    );
  });

  it('cloned key: counter regression is rejected (throws)', async () => {
    const original = new SoftAuthenticator();
    const { credential } = await enrol(original);
    const clone = new SoftAuthenticator();
    original.cloneCredentialTo(credential.id, clone);
    assert.deepEqual(clone.credentials, original.credentials);
    for (let i = 0; i < 2; i++) {
      const options = await generateAuthenticationOptions({ rpID: RP_ID });
      const result = await verifyAuth(
        options.challenge,
        await original.authenticate(options, { origin: ORIGIN }),
        credential,
      );
      assert.equal(result.verified, true);
      credential.counter = result.authenticationInfo.newCounter;
    }
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    const cloned = await clone.authenticate(options, { origin: ORIGIN });
    assert.equal(cloned.id, credential.id);
    assert.equal(await outcome(() => verifyAuth(options.challenge, cloned, credential)), 'throws');
    assert.match(lastError, /Response counter value 1 was lower than expected 2/);
  });
});

describe('SoftAuthenticator credential selection', () => {
  async function twoUsers(opts?: SoftAuthenticatorOptions) {
    const authenticator = new SoftAuthenticator(opts);
    const alice = await enrol(authenticator, 'alice@example.test');
    const bob = await enrol(authenticator, 'bob@example.test');
    return { authenticator, alice, bob };
  }

  it('username-first: uses the credential named in allowCredentials', async () => {
    const { authenticator, bob } = await twoUsers();
    const options = await generateAuthenticationOptions({
      rpID: RP_ID,
      allowCredentials: [{ id: 'bm90LWhlbGQ' }, { id: bob.credential.id }],
    });
    const response = await authenticator.authenticate(options, { origin: ORIGIN });
    assert.equal(response.id, bob.credential.id);
    assert.equal(response.response.userHandle, bob.userHandle);
    assert.equal((await verifyAuth(options.challenge, response, bob.credential)).verified, true);
  });

  it('username-first: throws NotAllowedError when no allowed credential is held', async () => {
    const { authenticator } = await twoUsers();
    const options = await generateAuthenticationOptions({
      rpID: RP_ID,
      allowCredentials: [{ id: 'bm90LWhlbGQ' }],
    });
    await assert.rejects(authenticator.authenticate(options, { origin: ORIGIN }), {
      name: 'NotAllowedError',
    });
  });

  it('usernameless: picks the first discoverable credential for the RP, or the selected one', async () => {
    const { authenticator, alice, bob } = await twoUsers();
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    assert.equal(options.allowCredentials, undefined);
    const first = await authenticator.authenticate(options, { origin: ORIGIN });
    assert.equal(first.id, alice.credential.id);
    assert.equal(first.response.userHandle, alice.userHandle);
    const selected = await authenticator.authenticate(options, {
      origin: ORIGIN,
      credentialId: bob.credential.id,
    });
    assert.equal(selected.id, bob.credential.id);
    assert.equal(selected.response.userHandle, bob.userHandle);
  });

  it('usernameless: ignores credentials of other RPs and throws when none match', async () => {
    const { authenticator } = await twoUsers();
    const options = await generateAuthenticationOptions({ rpID: 'other.example.test' });
    await assert.rejects(authenticator.authenticate(options, { origin: 'https://other.example.test' }), {
      name: 'NotAllowedError',
    });
    await assert.rejects(new SoftAuthenticator().authenticate(options, { origin: ORIGIN }), {
      name: 'NotAllowedError',
    });
  });
});

/**
 * A software WebAuthn authenticator + client (test double).
 *
 * Produces spec-conformant responses so tests can drive the real server-side verification:
 * - authenticator data: WebAuthn L3 §6.1 (rpIdHash ‖ flags ‖ signCount ‖ attestedCredentialData)
 * - attestation object: §6.5 with fmt "none" and an empty attStmt (§8.7)
 * - attested credential data: §6.5.1 (aaguid ‖ credentialIdLength ‖ credentialId ‖ COSE key)
 * - clientDataJSON: §5.8.1.1 limited verification-friendly serialisation (type, challenge, origin,
 *   crossOrigin, [topOrigin])
 * - assertion signature: over authenticatorData ‖ SHA-256(clientDataJSON) (§6.3.3), ES256 signatures
 *   DER-encoded (§6.5.5).
 *
 * Every tamper option introduces exactly one defect; everything else stays valid, so a test can
 * isolate a single server-side check.
 */
import {
  createHash,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import type {
  AuthenticationExtensionsClientOutputs,
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL, isoCBOR, isoUint8Array } from '@simplewebauthn/server/helpers';

export interface SoftAuthenticatorOptions {
  /** AAGUID as a UUID string; default all zeros (as "none" attestation reports). */
  aaguid?: string;
  /** 'increment' (default): per-credential counter, 0 at creation, +1 per assertion. 'zero': always 0. */
  signCount?: 'increment' | 'zero';
  /** BE flag (bit 3). Default false. */
  backupEligible?: boolean;
  /** BS flag (bit 4). Default false. Setting it without backupEligible yields an invalid flag combination. */
  backedUp?: boolean;
}

/** Defects for `register()`. Each produces exactly one defect. */
export interface RegistrationTamper {
  /** clientDataJSON.challenge value (base64url). */
  challenge?: string;
  /** clientDataJSON.origin value. */
  origin?: string;
  /** authenticatorData.rpIdHash = SHA-256(rpId) of this id instead of the real RP ID. */
  rpId?: string;
  /** clientDataJSON.type (e.g. 'webauthn.get' to replay an assertion-type payload). */
  type?: string;
  /** PublicKeyCredential.type (the JSON `type` field), e.g. 'password'. */
  credentialType?: string;
  /** Clear the UV flag. */
  uv?: false;
  /** Clear the UP flag. */
  up?: false;
  /** clientDataJSON.crossOrigin = true (no topOrigin, as Safari does). */
  crossOrigin?: true;
  /** Also add clientDataJSON.topOrigin (implies crossOrigin: true, as a conformant browser does). */
  topOrigin?: string;
  /** Force the credential id (base64url), e.g. an already-registered id or an oversized one. */
  credentialId?: string;
  /** Force the key algorithm (COSE id): -7 ES256, -35 ES384, -36 ES512, -8 EdDSA, -257 RS256. */
  alg?: number;
}

/** Defects for `authenticate()`. Each produces exactly one defect. */
export interface AssertionTamper {
  challenge?: string;
  origin?: string;
  /** authenticatorData.rpIdHash = SHA-256(rpId) of this id. */
  rpId?: string;
  /** clientDataJSON.type (e.g. 'webauthn.create'). */
  type?: string;
  /** PublicKeyCredential.type (the JSON `type` field). */
  credentialType?: string;
  uv?: false;
  up?: false;
  crossOrigin?: true;
  topOrigin?: string;
  /** Well-formed signature over different data (wrong signature, valid DER). */
  badSignature?: true;
  /** Force the counter value in authenticatorData (the stored counter is left unchanged). */
  signCount?: number;
  /** Replace the returned userHandle (base64url); null omits it. */
  userHandle?: string | null;
  /** Claim this credential id (id/rawId) while signing with the selected credential's key. */
  credentialId?: string;
}

export interface SoftCredentialInfo {
  id: string;
  rpId: string;
  userHandle: string;
  signCount: number;
}

interface StoredCredential {
  id: string;
  rpId: string;
  userHandle: string;
  signCount: number;
  alg: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

type CBORValue = Parameters<typeof isoCBOR.encode>[0];

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

const ES256 = -7;
const ES384 = -35;
const ES512 = -36;
const EDDSA = -8;
const RS256 = -257;

const EC_CURVES: Record<number, { nodeCurve: string; coseCrv: number; hash: string }> = {
  [ES256]: { nodeCurve: 'P-256', coseCrv: 1, hash: 'sha256' },
  [ES384]: { nodeCurve: 'P-384', coseCrv: 2, hash: 'sha384' },
  [ES512]: { nodeCurve: 'P-521', coseCrv: 3, hash: 'sha512' },
};

function namedError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

function u8(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}

function sha256(data: Uint8Array | string): Uint8Array<ArrayBuffer> {
  return u8(createHash('sha256').update(data).digest());
}

function b64u(data: Uint8Array): string {
  return isoBase64URL.fromBuffer(u8(data));
}

function jwkBytes(value: string | undefined): Uint8Array<ArrayBuffer> {
  if (!value) throw new Error('missing JWK member');
  return u8(Buffer.from(value, 'base64url'));
}

function aaguidBytes(uuid: string): Uint8Array<ArrayBuffer> {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`invalid AAGUID ${uuid}`);
  return isoUint8Array.fromHex(hex.toLowerCase());
}

function originHost(origin: string): string {
  return new URL(origin).hostname;
}

function generateKey(alg: number): { privateKey: KeyObject; publicKey: KeyObject } {
  const ec = EC_CURVES[alg];
  if (ec) return generateKeyPairSync('ec', { namedCurve: ec.nodeCurve });
  if (alg === EDDSA) return generateKeyPairSync('ed25519');
  if (alg === RS256) return generateKeyPairSync('rsa', { modulusLength: 2048 });
  throw namedError('NotSupportedError', `SoftAuthenticator cannot create keys for COSE alg ${alg}`);
}

/** COSE_Key encoding (RFC 9053 / WebAuthn §6.5.1.1) of a public key. */
function coseKey(publicKey: KeyObject, alg: number): Uint8Array<ArrayBuffer> {
  const jwk: JsonWebKey = publicKey.export({ format: 'jwk' });
  const map = new Map<number, number | Uint8Array>();
  const ec = EC_CURVES[alg];
  if (ec) {
    map.set(1, 2); // kty: EC2
    map.set(3, alg);
    map.set(-1, ec.coseCrv);
    map.set(-2, jwkBytes(jwk.x));
    map.set(-3, jwkBytes(jwk.y));
  } else if (alg === EDDSA) {
    map.set(1, 1); // kty: OKP
    map.set(3, alg);
    map.set(-1, 6); // crv: Ed25519
    map.set(-2, jwkBytes(jwk.x));
  } else if (alg === RS256) {
    map.set(1, 3); // kty: RSA
    map.set(3, alg);
    map.set(-1, jwkBytes(jwk.n));
    map.set(-2, jwkBytes(jwk.e));
  } else {
    throw namedError('NotSupportedError', `unsupported alg ${alg}`);
  }
  return isoCBOR.encode(map);
}

function signWith(cred: StoredCredential, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const ec = EC_CURVES[cred.alg];
  // Node's default dsaEncoding is 'der', which is what WebAuthn requires for ECDSA (§6.5.5).
  if (ec) return u8(sign(ec.hash, data, { key: cred.privateKey, dsaEncoding: 'der' }));
  if (cred.alg === EDDSA) return u8(sign(null, data, cred.privateKey));
  return u8(sign('sha256', data, cred.privateKey)); // RS256: RSASSA-PKCS1-v1_5 with SHA-256
}

function counterBytes(value: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, false);
  return out;
}

/** §5.8.1.1: type, challenge, origin, crossOrigin, then topOrigin when present. */
function clientDataJSON(fields: {
  type: string;
  challenge: string;
  origin: string;
  crossOrigin: boolean;
  topOrigin?: string;
}): string {
  const data: Record<string, unknown> = {
    type: fields.type,
    challenge: fields.challenge,
    origin: fields.origin,
    crossOrigin: fields.crossOrigin,
  };
  if (fields.topOrigin !== undefined) data.topOrigin = fields.topOrigin;
  return JSON.stringify(data);
}

export class SoftAuthenticator {
  readonly aaguid: string;
  #aaguid: Uint8Array<ArrayBuffer>;
  #signCountMode: 'increment' | 'zero';
  #backupEligible: boolean;
  #backedUp: boolean;
  /** Insertion-ordered; the first discoverable credential for an RP is the "selected" one by default. */
  #credentials = new Map<string, StoredCredential>();

  constructor(options: SoftAuthenticatorOptions = {}) {
    this.aaguid = options.aaguid ?? '00000000-0000-0000-0000-000000000000';
    this.#aaguid = aaguidBytes(this.aaguid);
    this.#signCountMode = options.signCount ?? 'increment';
    this.#backupEligible = options.backupEligible ?? false;
    this.#backedUp = options.backedUp ?? false;
  }

  get credentials(): ReadonlyArray<SoftCredentialInfo> {
    return [...this.#credentials.values()].map((c) => ({
      id: c.id,
      rpId: c.rpId,
      userHandle: c.userHandle,
      signCount: c.signCount,
    }));
  }

  /** SPKI DER public key of a held credential (convenient for assertions in tests). */
  publicKeyOf(credentialId: string): Uint8Array {
    return u8(this.#get(credentialId).publicKey.export({ format: 'der', type: 'spki' }));
  }

  /**
   * Copy a credential (private key, rpId, userHandle and current counter) into another authenticator,
   * to simulate a cloned key. Both copies then count independently, so using one after the other
   * produces a counter regression.
   */
  cloneCredentialTo(credentialId: string, target: SoftAuthenticator): void {
    const cred = this.#get(credentialId);
    target.#credentials.delete(cred.id);
    target.#credentials.set(cred.id, { ...cred });
  }

  /** Delete a credential from this authenticator (e.g. the user removed the passkey locally). */
  removeCredential(credentialId: string): void {
    this.#credentials.delete(credentialId);
  }

  /** navigator.credentials.create() equivalent (client + authenticatorMakeCredential). */
  async register(
    options: PublicKeyCredentialCreationOptionsJSON,
    ctx: { origin: string; tamper?: RegistrationTamper },
  ): Promise<RegistrationResponseJSON> {
    const tamper = ctx.tamper ?? {};
    const rpId = options.rp.id ?? originHost(ctx.origin);
    const userHandle = options.user.id;

    // §6.3.2 step 3: refuse if this authenticator already holds an excluded credential.
    for (const excluded of options.excludeCredentials ?? []) {
      const held = this.#credentials.get(excluded.id);
      if (held && held.rpId === rpId && tamper.credentialId === undefined) {
        throw namedError('InvalidStateError', 'authenticator already holds an excluded credential');
      }
    }

    let alg = tamper.alg;
    if (alg === undefined) {
      // Like most platform authenticators, only ES256 is offered by this authenticator.
      const offered = options.pubKeyCredParams.some((p) => p.type === 'public-key' && p.alg === ES256);
      if (!offered) throw namedError('NotSupportedError', 'ES256 not among pubKeyCredParams');
      alg = ES256;
    }
    const keys = generateKey(alg);
    const rawId =
      tamper.credentialId !== undefined ? isoBase64URL.toBuffer(tamper.credentialId) : randomBytes(16);
    const id = b64u(rawId);
    const signCount = 0;

    const cred: StoredCredential = {
      id,
      rpId,
      userHandle,
      signCount,
      alg,
      privateKey: keys.privateKey,
      publicKey: keys.publicKey,
    };

    const flags =
      (tamper.up === false ? 0 : FLAG_UP) |
      (tamper.uv === false ? 0 : FLAG_UV) |
      (this.#backupEligible ? FLAG_BE : 0) |
      (this.#backedUp ? FLAG_BS : 0) |
      FLAG_AT;
    const idLength = new Uint8Array(2);
    new DataView(idLength.buffer).setUint16(0, rawId.byteLength, false);
    const cosePublicKey = coseKey(keys.publicKey, alg);
    const authData = isoUint8Array.concat([
      sha256(tamper.rpId ?? rpId),
      Uint8Array.of(flags),
      counterBytes(signCount),
      this.#aaguid,
      idLength,
      u8(rawId),
      cosePublicKey,
    ]);
    // CTAP2 canonical key order: fmt, attStmt, authData.
    const attObj = new Map<string, CBORValue>();
    attObj.set('fmt', 'none');
    attObj.set('attStmt', new Map<string, CBORValue>());
    attObj.set('authData', authData);
    const attestationObject = isoCBOR.encode(attObj);
    const cdj = clientDataJSON({
      type: tamper.type ?? 'webauthn.create',
      challenge: tamper.challenge ?? options.challenge,
      origin: tamper.origin ?? ctx.origin,
      crossOrigin: tamper.crossOrigin === true || tamper.topOrigin !== undefined,
      ...(tamper.topOrigin !== undefined ? { topOrigin: tamper.topOrigin } : {}),
    });

    // §6.3.2 step 7.4: a new discoverable credential replaces any for the same (rpId, userHandle).
    for (const [key, existing] of this.#credentials) {
      if (existing.rpId === rpId && existing.userHandle === userHandle) this.#credentials.delete(key);
    }
    this.#credentials.delete(id);
    this.#credentials.set(id, cred);

    const clientExtensionResults: AuthenticationExtensionsClientOutputs = {};
    if (options.extensions?.credProps) clientExtensionResults.credProps = { rk: true };

    return {
      id,
      rawId: id,
      type: (tamper.credentialType ?? 'public-key') as 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults,
      response: {
        clientDataJSON: isoBase64URL.fromUTF8String(cdj),
        attestationObject: b64u(attestationObject),
        authenticatorData: b64u(authData),
        transports: ['internal'],
        publicKeyAlgorithm: alg,
        publicKey: b64u(keys.publicKey.export({ format: 'der', type: 'spki' })),
      },
    };
  }

  /** navigator.credentials.get() equivalent (client + authenticatorGetAssertion). */
  async authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    ctx: { origin: string; credentialId?: string; tamper?: AssertionTamper },
  ): Promise<AuthenticationResponseJSON> {
    const tamper = ctx.tamper ?? {};
    const rpId = options.rpId ?? originHost(ctx.origin);
    const allow = options.allowCredentials ?? [];

    let candidates = [...this.#credentials.values()].filter((c) => c.rpId === rpId);
    if (allow.length > 0) {
      const allowed = new Set(allow.filter((d) => d.type === 'public-key').map((d) => d.id));
      candidates = candidates.filter((c) => allowed.has(c.id));
    }
    if (ctx.credentialId !== undefined) candidates = candidates.filter((c) => c.id === ctx.credentialId);
    const cred = candidates[0];
    if (!cred) throw namedError('NotAllowedError', `no matching credential for RP ID ${rpId}`);

    let signCount = 0;
    if (this.#signCountMode === 'increment') {
      cred.signCount += 1;
      signCount = cred.signCount;
    }
    if (tamper.signCount !== undefined) signCount = tamper.signCount;

    const flags =
      (tamper.up === false ? 0 : FLAG_UP) |
      (tamper.uv === false ? 0 : FLAG_UV) |
      (this.#backupEligible ? FLAG_BE : 0) |
      (this.#backedUp ? FLAG_BS : 0);
    const authData = isoUint8Array.concat([
      sha256(tamper.rpId ?? rpId),
      Uint8Array.of(flags),
      counterBytes(signCount),
    ]);
    const cdj = clientDataJSON({
      type: tamper.type ?? 'webauthn.get',
      challenge: tamper.challenge ?? options.challenge,
      origin: tamper.origin ?? ctx.origin,
      crossOrigin: tamper.crossOrigin === true || tamper.topOrigin !== undefined,
      ...(tamper.topOrigin !== undefined ? { topOrigin: tamper.topOrigin } : {}),
    });
    const signed = isoUint8Array.concat([authData, sha256(cdj)]);
    const signature = signWith(
      cred,
      tamper.badSignature ? isoUint8Array.concat([signed, Uint8Array.of(0)]) : signed,
    );

    const userHandle = tamper.userHandle === undefined ? cred.userHandle : tamper.userHandle;
    const id = tamper.credentialId ?? cred.id;
    return {
      id,
      rawId: id,
      type: (tamper.credentialType ?? 'public-key') as 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: isoBase64URL.fromUTF8String(cdj),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        ...(userHandle !== null ? { userHandle } : {}),
      },
    };
  }

  #get(credentialId: string): StoredCredential {
    const cred = this.#credentials.get(credentialId);
    if (!cred) throw new Error(`SoftAuthenticator holds no credential ${credentialId}`);
    return cred;
  }
}

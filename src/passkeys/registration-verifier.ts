/**
 * The library's registration verifier on its own, for `import()`: attestation
 * verification (X.509 chains, ASN.1 schemas, root certificates) is the heaviest
 * part of @simplewebauthn/server, and only sign-up needs it, so a bundle split
 * at this import keeps it out of every other cold start.
 */
export { verifyRegistrationResponse } from '@simplewebauthn/server';

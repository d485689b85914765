// The least a function that checks a passkey assertion can load:
// @simplewebauthn/server's verifyAuthenticationResponse, bundled as the verify
// trigger bundles it. bench/bundles.ts measures it beside the DynamoDB floor.
export { verifyAuthenticationResponse } from '@simplewebauthn/server';

export { googleClaimsFor, googleSubFor } from './google-account.ts';
export type { GoogleStandIn, GoogleStandInClient, GoogleStandInOptions } from './stand-in.ts';
export { startGoogleStandIn } from './stand-in.ts';

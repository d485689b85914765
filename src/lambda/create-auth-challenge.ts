/** Lambda entry point of the CreateAuthChallenge trigger; it needs no configuration. */
export { createAuthChallenge as handler } from '../triggers/create-auth-challenge.ts';

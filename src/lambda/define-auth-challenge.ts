/** Lambda entry point of the DefineAuthChallenge trigger; it needs no configuration. */
export { defineAuthChallenge as handler } from '../triggers/define-auth-challenge.ts';

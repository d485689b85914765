// The reusable part of expenser-auth for a team's own CDK app: the construct and its props.
// Everything else under infra/ is how this project's own stack uses it.
export { ExpenserAuth, type ExpenserAuthFunctions } from './expenser-auth.ts';
export type { OperationsOptions } from './operations.ts';
export { type ExpenserAuthProps, ExpenserAuthPropsError } from './props.ts';

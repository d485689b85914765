export type { CognitoEmulator, CognitoEmulatorOptions, HostedUiOptions } from './emulator.ts';
export { startCognitoEmulator } from './emulator.ts';

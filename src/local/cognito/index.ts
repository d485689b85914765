export type { CognitoEmulator, CognitoEmulatorOptions } from './emulator.ts';
export { startCognitoEmulator } from './emulator.ts';

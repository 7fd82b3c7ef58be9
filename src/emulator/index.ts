/**
 * The local Initial State Events API emulator: `startEmulator()` and its types.
 * @packageDocumentation
 */
export { startEmulator, EmulatorServer, API_VERSIONS } from './server';
export { resolveRateLimit } from './validate-options';
export type { Emulator, EmulatorOptions, Fault, RequestRecord, StoredEvent } from './types';

/**
 * The local Initial State Events API emulator: `startEmulator()` and its types.
 * @packageDocumentation
 */
export { startEmulator, EmulatorServer } from './server';
export { API_VERSIONS } from './api-routes';
export { resolveRateLimit } from './validate-options';
export type { Emulator, EmulatorOptions, Fault, RequestRecord, StoredEvent } from './types';

/**
 * The package's programmatic API, for use outside Node-RED: the account engine (the shared,
 * rate-limited batcher the nodes use), the payload mapping, and the local Events API emulator.
 */
export * from './event';
export * from './engine';
export { mapPayload, validateBucketKey, validateBucketName, toEpochSeconds, describeProblems } from './mapping';
export type { MapOptions, MapResult, Problem } from './mapping/types';
export { startEmulator } from './emulator';
export type { Emulator, EmulatorOptions, Fault, StoredEvent, RequestRecord } from './emulator/types';

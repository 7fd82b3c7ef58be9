/** Mapping and validation of message payloads: what the stream node uses. */
export { mapPayload, mapSingleValue } from './map-payload';
export { validateBucketKey, validateBucketName } from './validate';
export { toEpochSeconds } from './timestamp';
export { describeProblem, describeProblems, describeWarnings } from './describe';
export { shorten } from './shorten';
export { MAX_DEPTH, MAX_EVENTS_PER_MESSAGE, RULES } from './rules';
export type { MapOptions, MapResult, Problem } from './types';

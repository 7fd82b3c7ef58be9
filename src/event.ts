/**
 * The event as the Initial State Events API takes it (see `../shared/initial-state-api.md`).
 *
 * `epoch` is seconds since 1970 (fraction allowed) and wins over `iso8601`. An event with
 * neither is stamped by the server on arrival.
 */
export type EventValue = string | number | boolean;

/** One event as sent in a `POST /events` body. */
export interface IsEvent {
  /** Stream name, 1 to 100 characters. */
  key: string;
  /** String of at most 2000 characters, finite number, or boolean. */
  value: EventValue;
  /** Seconds since 1970, fraction allowed. */
  epoch?: number;
  /** ISO-8601 timestamp; ignored by the service when `epoch` is present. */
  iso8601?: string;
}

/** The contract's limits, in one place so the mapping, the engine and the emulator agree. */
export const LIMITS = Object.freeze({
  /** Longest event key. */
  keyLength: 100,
  /** Longest string value. */
  valueLength: 2000,
  /** Longest bucket key and bucket name. */
  bucketKeyLength: 250,
  /** Characters a bucket key may not contain. */
  bucketKeyForbidden: [':', '"', "'"] as readonly string[],
  /** Events the service takes in one request. */
  eventsPerRequest: 10,
  /** Largest request body in bytes (1 MB). */
  bodyBytes: 1_000_000,
  /** The rate-limit window in milliseconds. */
  windowMs: 10_000,
  /** Timestamps this many years old or more are replaced by the server's clock. */
  maxTimestampAgeYears: 10,
});

/** Requests per 10 s window of each Initial State plan. */
export const TIERS = Object.freeze({ student: 10, individual: 30, enterprise: 60 });
export type TierName = keyof typeof TIERS;

/** The public endpoint of the Events API. */
export const DEFAULT_ENDPOINT = 'https://groker.init.st/api';

/**
 * The mapping's public contract: `msg.payload` (plus the node's settings) → events + problems.
 * Implemented in `map-payload.ts` / `validate.ts` beside this file.
 */
import type { IsEvent } from '../event';

/** How the stream node turns a payload into events. */
export interface MapOptions {
  /** Key for a plain value payload (the node's `key` property, already evaluated). Default none. */
  key?: unknown;
  /**
   * Prepended to flattened object keys (and to an array payload's base key), joined with
   * `separator`. Not applied to single values or event-shaped payloads. Default `''`.
   */
  keyPrefix?: string;
  /** Joins the parts of a flattened key. Default `'_'`. */
  separator?: string;
  /** `'message'`: stamp events (msg.timestamp, per-event time, else arrival); `'server'`: no timestamps. Default `'message'`. */
  timestamp?: 'message' | 'server';
  /** When the message arrived, ms since 1970 (Date.now() in the input handler). Required. */
  arrivalMs: number;
  /** `msg.timestamp`, when present: ms or s number, ISO string or Date. */
  msgTimestamp?: unknown;
  /**
   * Key for a single-value payload whose {@link key} is blank (`undefined`, `null` or `''`), such
   * as an inject node's timestamp without a topic. Default none: a blank key is then a problem.
   */
  defaultKey?: string;
  /**
   * `'skip'`: a `null` or `undefined` value (a leaf of an object, an event's value or the whole
   * payload) gives no event and is counted in {@link MapResult.skipped}; `'error'`: it is a
   * problem, like any other value that cannot be sent. Default `'skip'`.
   */
  nullValues?: 'skip' | 'error';
}

/** One thing wrong with the input, named for the user: the key, the field, the rule, the value. */
export interface Problem {
  /** The event key (or path) concerned, `''` when there is none. */
  key: string;
  /** Which field broke the rule. */
  field: 'key' | 'value' | 'epoch' | 'iso8601' | 'timestamp' | 'bucketKey' | 'bucketName' | 'payload';
  /**
   * The rule, in words that read after "must be": "at most 100 characters", "a finite number"
   * (the texts are `RULES` in `rules.ts`).
   */
  rule: string;
  /** The offending value, shortened to at most 60 characters for the message. */
  value: string;
}

/**
 * What a payload became: the valid events, and one problem per invalid event (its first broken
 * rule). The arrays may be shared and frozen when empty: do not mutate them.
 */
export interface MapResult {
  events: IsEvent[];
  problems: Problem[];
  /** Notes that do not stop an event (a timestamp 10+ years old that the service would replace). */
  warnings: Problem[];
  /** `null` and `undefined` values left out (with `nullValues: 'skip'`). */
  skipped: number;
  /** True when a single value was named by {@link MapOptions.defaultKey}, the key being blank. */
  usedDefaultKey: boolean;
}

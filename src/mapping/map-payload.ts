/** `msg.payload` → the events to send, the problems that stop some, and warnings. */
import { types } from 'node:util';
import type { IsEvent } from '../event';
import { Collector } from './collector';
import { addEvent, addEventList, isEventShaped } from './event-list';
import { flatten } from './flatten';
import { locationKeys } from './location';
import { checkMapOptions } from './map-options';
import { RULES } from './rules';
import type { MapOptions, MapResult, Problem } from './types';
import { keyRule, keyText } from './validate';
import { Broken, eventValue, isPlainObject } from './value';

/** Shared by results without problems or warnings. Frozen: never push to a result's arrays. */
const NONE: Problem[] = Object.freeze([]) as unknown as Problem[];

/**
 * Maps and validates one message's payload. Every returned event is valid per the Events API;
 * each invalid leaf gives exactly one problem (the first rule it breaks: key, value, time) and
 * the valid events are still returned. Never throws for any payload.
 *
 * - A string, number, boolean, Date or `{lat, lon}` payload is one event named by
 *   `options.key` (a finite number key becomes a string, e.g. topic `5` → `"5"`), or by
 *   `options.defaultKey` when the key is blank.
 * - `null` and `undefined` values are skipped and counted (`nullValues: 'skip'`, the default),
 *   or are problems (`nullValues: 'error'`).
 * - `{key, value, epoch?|iso8601?|timestamp?}`, or an array starting with one, gives exactly
 *   those events; they may repeat a key (a time series) and keep their own times even with
 *   `timestamp: 'server'`.
 * - Any other object or array gives one event per leaf, named by its path joined with
 *   `separator` after `keyPrefix` (and, for an array payload, after `options.key`):
 *   `{room: {temp: 21}}` → `room_temp`. Keys must be unique in the message.
 *
 * Times (`timestamp: 'message'`): the event's own field, else `options.msgTimestamp` (`null` or
 * `undefined` means none), else `arrivalMs`. A bad `msgTimestamp` is a problem for every event
 * that needed it; a time 10 or more years old is a warning and the event is still sent.
 * With `timestamp: 'server'` only an event's own field gives an epoch.
 *
 * @throws TypeError when `options` are malformed (a programming error, not a payload error).
 * @returns Arrays that may be shared and frozen: do not mutate them.
 */
export function mapPayload(payload: unknown, options: MapOptions): MapResult {
  checkMapOptions(options);
  const fast = fastEvent(payload, options);
  if (fast) return { events: [fast], problems: NONE, warnings: NONE, skipped: 0, usedDefaultKey: fast.key !== options.key };
  const sink = new Collector(options);
  try {
    addPayload(payload, options, sink);
  } catch (err) {
    // Only a hostile payload (a revoked Proxy, a throwing trap) gets here.
    sink.problem('', 'payload', RULES.readable, err);
  }
  return sink.result(payload);
}

function addPayload(payload: unknown, options: MapOptions, sink: Collector): void {
  if (typeof payload !== 'object' || payload === null) return addNamed(payload, options, sink);
  const separator = options.separator ?? '_';
  if (Array.isArray(payload)) {
    if (isEventShaped(payload[0])) addEventList(payload, sink);
    else flatten(payload, join([options.keyPrefix, keyText(options.key)], separator), separator, sink);
  } else if (isEventShaped(payload)) {
    addEvent(payload, sink);
  } else if (types.isDate(payload) || !isPlainObject(payload) || locationKeys(Object.keys(payload))) {
    addNamed(payload, options, sink);
  } else {
    flatten(payload, join([options.keyPrefix], separator), separator, sink);
  }
}

/**
 * The one event of the common case, a valid string, number or boolean under a valid key (or,
 * the key being blank, the default key) with no `msgTimestamp`: what {@link mapPayload} would
 * give, without building a result. `undefined` for anything else: then call `mapPayload`.
 * Options are not checked: pass options that `mapPayload` accepts.
 */
export function mapSingleValue(payload: unknown, options: MapOptions): IsEvent | undefined {
  return fastEvent(payload, options);
}

/** The event for the common case (a valid primitive under a valid key, no msg.timestamp), else undefined. */
function fastEvent(payload: unknown, options: MapOptions): IsEvent | undefined {
  const key = isBlank(options.key) ? options.defaultKey : options.key;
  if (typeof payload === 'object' || typeof key !== 'string' || keyRule(key) !== undefined || options.msgTimestamp != null) {
    return undefined;
  }
  const value = eventValue(payload);
  if (value instanceof Broken) return undefined;
  return options.timestamp === 'server' ? { key, value } : { key, value, epoch: options.arrivalMs / 1000 };
}

/** A single-value payload, named by `options.key`, else (when that is blank) by `options.defaultKey`. */
function addNamed(payload: unknown, options: MapOptions, sink: Collector): void {
  if (sink.skips(payload)) return;
  const blank = isBlank(options.key) && options.defaultKey !== undefined;
  const key = blank ? options.defaultKey : keyText(options.key);
  if (key === undefined || key === '') return void sink.problem('', 'key', RULES.namedKey, options.key);
  sink.usedDefaultKey = blank;
  sink.add(key, payload);
}

/** A key left unset: `undefined`, `null` or `''` (an inject node's topic is `''` by default). */
function isBlank(key: unknown): boolean {
  return key === undefined || key === null || key === '';
}

/** The non-empty parts joined with the separator, `undefined` when there are none. */
function join(parts: (string | undefined)[], separator: string): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined && p !== '');
  return kept.length === 0 ? undefined : kept.join(separator);
}

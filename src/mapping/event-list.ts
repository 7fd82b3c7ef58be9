/**
 * Payloads already shaped as events: `{key, value, epoch?|iso8601?|timestamp?}` or an array of
 * them. They are sent exactly as given (a `timestamp` or `iso8601` becomes `epoch`).
 */
import type { Collector, OwnTime } from './collector';
import { RULES } from './rules';
import { keyText } from './validate';
import { isPlainObject } from './value';

const FIELDS = new Set(['key', 'value', 'epoch', 'iso8601', 'timestamp']);
/** Where an event's own time comes from, first present wins (`epoch` wins, as at the service). */
const TIME_FIELDS = ['epoch', 'iso8601', 'timestamp'] as const;

/** Whether `v` is a plain object with `key` and `value` and no properties but the event fields. */
export function isEventShaped(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  try {
    if (!isPlainObject(v)) return false;
    const keys = Object.keys(v);
    return keys.includes('key') && keys.includes('value') && keys.every((k) => FIELDS.has(k));
  } catch {
    return false;
  }
}

/** Adds one event-shaped object. @returns false when the sink is full. */
export function addEvent(o: Record<string, unknown>, sink: Collector): boolean {
  let key: unknown;
  let value: unknown;
  let own: OwnTime | undefined;
  try {
    key = o.key;
    value = o.value;
    const field = TIME_FIELDS.find((f) => o[f] !== undefined);
    own = field && { field, raw: o[field] };
  } catch (err) {
    return sink.problem(keyText(key) ?? '', 'value', RULES.readable, err);
  }
  const text = keyText(key);
  return text === undefined ? sink.problem('', 'key', RULES.keyType, key) : sink.add(text, value, own);
}

/**
 * Adds an array whose first item is event-shaped: every item must be; the others are problems.
 * @returns false when the sink is full.
 */
export function addEventList(list: readonly unknown[], sink: Collector): boolean {
  const length = list.length;
  for (let i = 0; i < length; i++) {
    const item = list[i];
    const more = isEventShaped(item) ? addEvent(item, sink) : sink.problem(`[${i}]`, 'payload', RULES.eventList, item);
    if (!more) return false;
  }
  return true;
}

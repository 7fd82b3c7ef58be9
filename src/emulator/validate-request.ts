import { LIMITS, type IsEvent } from '../event';
import { describeValue } from './describe-value';

/**
 * The `type` a 400 answer names for a broken rule, in the service's upper-case style (its
 * client ISStreamer tests `type` against `BUCKET_REMOVED`, the one type it is known to send).
 */
export type ErrorType =
  | 'INVALID_JSON'
  | 'INVALID_BODY'
  | 'NO_EVENTS'
  | 'TOO_MANY_EVENTS'
  | 'INVALID_EVENT'
  | 'INVALID_EVENT_KEY'
  | 'INVALID_EVENT_VALUE'
  | 'INVALID_TIMESTAMP'
  | 'INVALID_BUCKET_KEY'
  | 'INVALID_BUCKET_NAME';

/** One broken rule, as the 400 body lists it. */
export interface RequestError {
  /** The rule's kind, see {@link ErrorType}. */
  type: ErrorType;
  /** Position of the event in the request; absent for request-wide errors (bucket, body). */
  index?: number;
  /** The field that broke the rule: `key`, `value`, `epoch`, `iso8601`, `event`, `bucketKey`, `bucketName`, `body` or `URL parameters`. */
  field: string;
  /** The rule, in words. */
  rule: string;
  /** The offending value, quoted and shortened. */
  value: string;
}

/** The outcome of validating a request: its events when every rule held, else every broken rule. */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: RequestError[] };

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** True when `text` is an ISO-8601 date or date-time that names a real instant. */
export function isIso8601(text: string): boolean {
  return ISO_8601.test(text) && Number.isFinite(Date.parse(text));
}

function lengthRule(max: number, min = 0): string {
  return min > 0 ? `${min} to ${max} characters` : `at most ${max} characters`;
}

/** The rules of a bucket key: 1 to 250 characters, none of `:` `"` `'`. */
export function bucketKeyErrors(bucketKey: unknown): RequestError[] {
  const error = (rule: string): RequestError[] => [{ type: 'INVALID_BUCKET_KEY', field: 'bucketKey', rule, value: describeValue(bucketKey) }];
  if (bucketKey === undefined || bucketKey === null) return error('required');
  if (typeof bucketKey !== 'string') return error('a string');
  if (bucketKey.length < 1 || bucketKey.length > LIMITS.bucketKeyLength) return error(lengthRule(LIMITS.bucketKeyLength, 1));
  if (LIMITS.bucketKeyForbidden.some((c) => bucketKey.includes(c))) return error(`none of ${LIMITS.bucketKeyForbidden.map((c) => `\`${c}\``).join(' ')}`);
  return [];
}

/** The rules of a bucket name: optional, a string of at most 250 characters. */
export function bucketNameErrors(bucketName: unknown): RequestError[] {
  if (bucketName === undefined) return [];
  const rule = typeof bucketName !== 'string' ? 'a string' : bucketName.length > LIMITS.bucketKeyLength ? lengthRule(LIMITS.bucketKeyLength) : undefined;
  return rule ? [{ type: 'INVALID_BUCKET_NAME', field: 'bucketName', rule, value: describeValue(bucketName) }] : [];
}

const EVENT_FIELD_TYPES: Record<string, ErrorType> = {
  event: 'INVALID_EVENT',
  key: 'INVALID_EVENT_KEY',
  value: 'INVALID_EVENT_VALUE',
  epoch: 'INVALID_TIMESTAMP',
  iso8601: 'INVALID_TIMESTAMP',
};

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a decimal text names (`"1796297611.25"`), else undefined. */
function numericText(text: string): number | undefined {
  const number = Number(text);
  return NUMBER.test(text) && Number.isFinite(number) ? number : undefined;
}

/** How strictly events are read. */
export interface EventRules {
  /** Events allowed in one request; 0 = no limit. */
  maxEvents: number;
  /**
   * True: `epoch` must be a JSON number, as the Blueprint types it. False: a numeric string
   * (`"1796297611.25"`, as Initial State's Node SDK sends) is read as that number too.
   */
  strict: boolean;
}

function eventErrors(event: unknown, index: number, strict: boolean): RequestError[] {
  const errors: RequestError[] = [];
  const add = (field: string, rule: string, value: unknown): void => {
    errors.push({ type: EVENT_FIELD_TYPES[field] as ErrorType, index, field, rule, value: describeValue(value) });
  };
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    add('event', 'an object with `key` and `value`', event);
    return errors;
  }
  const { key, value, epoch, iso8601 } = event as Record<string, unknown>;
  if (key === undefined) add('key', 'required', key);
  else if (typeof key !== 'string') add('key', 'a string', key);
  else if (key.length < 1 || key.length > LIMITS.keyLength) add('key', lengthRule(LIMITS.keyLength, 1), key);

  if (value === undefined) add('value', 'required', value);
  else if (typeof value === 'string') {
    if (value.length > LIMITS.valueLength) add('value', lengthRule(LIMITS.valueLength), value);
  } else if (!(typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) {
    add('value', 'a string, finite number or boolean', value);
  }

  const epochOk = (typeof epoch === 'number' && Number.isFinite(epoch)) || (!strict && typeof epoch === 'string' && numericText(epoch) !== undefined);
  if (epoch !== undefined && !epochOk) add('epoch', strict ? 'a finite number (seconds since 1970)' : 'a finite number or numeric string (seconds since 1970)', epoch);
  if (iso8601 !== undefined && !(typeof iso8601 === 'string' && isIso8601(iso8601))) add('iso8601', 'a parseable ISO-8601 timestamp', iso8601);
  return errors;
}

/** The rule a request over `maxEvents` breaks; it names the flag and option that lift it. */
export const tooManyRule = (maxEvents: number): string =>
  `at most ${maxEvents} events per request (the tiers' limit; \`--max-events 0\` or \`maxEventsPerRequest: 0\` lifts it)`;

/**
 * Checks a request's events: `body` is one event object or an array of them, with at least one
 * and at most `rules.maxEvents` events. The request is valid only when every event is; its
 * events come back with a numeric-string `epoch` turned into its number. `source` names where
 * the events came from in a count error (`body`, or `URL parameters`).
 */
export function validateEvents(body: unknown, rules: EventRules, source = 'body'): Validated<IsEvent[]> {
  const events = Array.isArray(body) ? body : [body];
  if (events.length === 0) return { ok: false, errors: [{ type: 'NO_EVENTS', field: source, rule: 'at least one event', value: describeValue(body) }] };
  if (rules.maxEvents > 0 && events.length > rules.maxEvents) {
    return { ok: false, errors: [{ type: 'TOO_MANY_EVENTS', field: source, rule: tooManyRule(rules.maxEvents), value: `${events.length} events` }] };
  }
  const errors = events.flatMap((event, index) => eventErrors(event, index, rules.strict));
  if (errors.length > 0) return { ok: false, errors };
  const valid = (events as Record<string, unknown>[]).map((e) => (typeof e.epoch === 'string' ? { ...e, epoch: numericText(e.epoch) } : e));
  return { ok: true, value: valid as unknown as IsEvent[] };
}

/** True when the URL carries event parameters (anything beside `accessKey` and `bucketKey`). */
export function hasQueryEvents(params: URLSearchParams): boolean {
  return [...params.keys()].some((key) => key !== 'accessKey' && key !== 'bucketKey');
}

/**
 * The events of a `GET /events?accessKey=&bucketKey=&<key>=<value>...` request (or of a POST
 * with those parameters and no body), in URL order (a key given twice is two events). URL parameters carry only text, so the emulator reads a value
 * the way a JSON client most likely meant it: a number when the whole text is a finite decimal
 * number (`21.5`, `-3`, `1e3`), a boolean when it is exactly `true` or `false`, else the text.
 * A value therefore makes the round trip when its JSON form is its URL text. No timestamps.
 */
export function eventsFromQuery(params: URLSearchParams): IsEvent[] {
  const events: IsEvent[] = [];
  for (const [key, text] of params) {
    if (key === 'accessKey' || key === 'bucketKey') continue;
    const number = numericText(text);
    const value = number !== undefined ? number : text === 'true' ? true : text === 'false' ? false : text;
    events.push({ key, value });
  }
  return events;
}

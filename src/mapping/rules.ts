/**
 * The rules a payload can break, in words. Each reads after "must be", so a message can say
 * `"temp": value must be a finite number (got NaN)`.
 */
import { LIMITS } from '../event';

/** Deepest nesting the mapping follows into a payload object. */
export const MAX_DEPTH = 32;

/** Most events (valid or not) one message can produce; the rest are reported in one problem. */
export const MAX_EVENTS_PER_MESSAGE = 10_000;

/** The rule texts, shared so problems and tests agree on the wording. */
export const RULES = Object.freeze({
  keyType: 'a string or a finite number',
  namedKey: "set, by msg.topic or the node's Key, to a string or a finite number",
  keyEmpty: 'at least 1 character',
  keyLength: `at most ${LIMITS.keyLength} characters`,
  keyUnique: 'unique in the message (another value already has this key)',
  valueType: 'a string, finite number, boolean or Date',
  valueFinite: 'a finite number',
  valueLength: `at most ${LIMITS.valueLength} characters`,
  valueDate: 'a valid Date',
  location: 'a location with lat -90 to 90 and lon -180 to 180 as finite numbers',
  depth: `nested at most ${MAX_DEPTH} levels deep`,
  circular: 'free of circular references',
  readable: 'readable (reading it threw)',
  listable: 'an object whose keys can be listed (listing them threw)',
  timestamp: 'a time: a number of ms or s since 1970, an ISO-8601 string or a Date',
  recent: `less than ${LIMITS.maxTimestampAgeYears} years old (the service replaces older times with its own clock)`,
  eventList: 'an event {key, value} like the first item of the array',
  tooMany: `at most ${MAX_EVENTS_PER_MESSAGE} events per message (the rest are not sent)`,
  empty: 'a value, or an object or array holding at least one',
  bucketType: 'a string',
  bucketEmpty: 'at least 1 character',
  bucketLength: `at most ${LIMITS.bucketKeyLength} characters`,
  bucketForbidden: `free of the characters ${LIMITS.bucketKeyForbidden.join(' ')}`,
  bucketControl: 'free of control characters (they cannot travel in an HTTP header)',
});

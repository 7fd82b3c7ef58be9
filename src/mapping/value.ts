/** One leaf of a payload → an event value, or the rule it breaks. */
import { types } from 'node:util';
import { LIMITS, type EventValue } from '../event';
import { locationKeys, locationValue } from './location';
import { RULES } from './rules';

/** A leaf that cannot be an event value, with the rule it breaks. */
export class Broken {
  constructor(readonly rule: string) {}
}

const NOT_FINITE = new Broken(RULES.valueFinite);
const TOO_LONG = new Broken(RULES.valueLength);
const WRONG_TYPE = new Broken(RULES.valueType);
const BAD_DATE = new Broken(RULES.valueDate);
const BAD_LOCATION = new Broken(RULES.location);

/**
 * The event value for `raw`: strings (at most 2000 characters), finite numbers and booleans as
 * they are, a valid Date as its ISO string, a `{lat, lon}` object as `"lat,lon"`.
 * Anything else is {@link Broken}. May throw when `raw` is a hostile object (Proxy, getter).
 */
export function eventValue(raw: unknown): EventValue | Broken {
  switch (typeof raw) {
    case 'number':
      return Number.isFinite(raw) ? raw : NOT_FINITE;
    case 'string':
      return raw.length <= LIMITS.valueLength ? raw : TOO_LONG;
    case 'boolean':
      return raw;
    case 'object':
      return raw === null ? WRONG_TYPE : objectValue(raw);
    default:
      return WRONG_TYPE;
  }
}

function objectValue(raw: object): EventValue | Broken {
  if (types.isDate(raw)) {
    const ms = (raw as Date).getTime();
    return Number.isNaN(ms) ? BAD_DATE : (raw as Date).toISOString();
  }
  if (Array.isArray(raw) || !isPlainObject(raw)) return WRONG_TYPE;
  const names = locationKeys(Object.keys(raw));
  if (!names) return WRONG_TYPE;
  const record = raw as Record<string, unknown>;
  return locationValue(record[names[0]], record[names[1]]) ?? BAD_LOCATION;
}

/**
 * Whether `v` is an object literal's kind: its prototype is `null` or some realm's
 * `Object.prototype` (a Function node's objects come from another realm).
 */
export function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

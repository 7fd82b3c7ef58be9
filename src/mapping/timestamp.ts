/**
 * Times in the forms a flow has them (ms or s numbers, ISO-8601 strings, Dates) → epoch seconds
 * with every fraction the input had.
 */
import { types } from 'node:util';
import { LIMITS } from '../event';

/**
 * Numbers whose magnitude is below this are seconds, the rest milliseconds. 1e11 s is the year
 * 5138 and 1e11 ms is March 1973, so only ms times before 1973 are misread (as seconds).
 */
export const SECONDS_BELOW = 1e11;

/** The largest time a JavaScript Date holds, in ms either side of 1970. */
const MAX_DATE_MS = 8.64e15;

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
// date, optional time (T or space) with optional fraction of any length, optional zone.
const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Seconds since 1970 (fraction kept) for a time given as a number of ms or s (see
 * {@link SECONDS_BELOW}), a numeric string, an ISO-8601 string (fractions finer than a ms are
 * kept; without a zone it is local time, as in JavaScript) or a valid Date.
 *
 * @returns `undefined` for anything else, or for a time outside a Date's range.
 */
export function toEpochSeconds(t: unknown): number | undefined {
  let seconds: number;
  if (typeof t === 'number') seconds = numberToSeconds(t);
  else if (typeof t === 'string') seconds = stringToSeconds(t.trim());
  else if (typeof t === 'object' && t !== null && types.isDate(t)) seconds = (t as Date).getTime() / 1000;
  else return undefined;
  return Number.isFinite(seconds) && Math.abs(seconds) * 1000 <= MAX_DATE_MS ? seconds : undefined;
}

function numberToSeconds(t: number): number {
  return Math.abs(t) < SECONDS_BELOW ? t : t / 1000;
}

function stringToSeconds(s: string): number {
  if (NUMERIC.test(s)) return numberToSeconds(Number(s));
  const m = ISO_8601.exec(s);
  if (!m) return NaN;
  const [, date, time, fraction, zone] = m;
  if (fraction && time.length !== 8) return NaN; // a fraction only of seconds
  const ms = Date.parse(date + (time ? `T${time}` : '') + (zone ? normalZone(zone) : ''));
  // Date.parse stops at ms; the fraction is added separately so finer digits survive.
  return ms / 1000 + (fraction ? Number(fraction) : 0);
}

/** `z`, `+01`, `+0130` → the `Z` / `+01:30` form Date.parse is specified to read. */
function normalZone(zone: string): string {
  if (zone.length === 1) return 'Z';
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2) || '00'}`;
}

/**
 * The epoch second at or before which the service replaces a time with its own: the same
 * calendar moment {@link LIMITS.maxTimestampAgeYears} years before `nowMs`.
 */
export function oldestKeptEpoch(nowMs: number): number {
  const d = new Date(nowMs);
  d.setUTCFullYear(d.getUTCFullYear() - LIMITS.maxTimestampAgeYears);
  return d.getTime() / 1000;
}

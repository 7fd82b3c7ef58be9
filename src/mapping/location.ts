/**
 * `{lat, lon}` objects (also `latitude`/`longitude` and `lng`): Initial State draws a string
 * `"lat,lon"` on a map.
 */

const LAT_NAMES = new Set(['lat', 'latitude']);
const LON_NAMES = new Set(['lon', 'lng', 'longitude']);

/**
 * The latitude and longitude property names when `keys` are exactly one of each
 * (`lat`/`latitude` and `lon`/`lng`/`longitude`), else `undefined`.
 */
export function locationKeys(keys: readonly string[]): [lat: string, lon: string] | undefined {
  if (keys.length !== 2) return undefined;
  const [a, b] = keys;
  if (LAT_NAMES.has(a) && LON_NAMES.has(b)) return [a, b];
  if (LAT_NAMES.has(b) && LON_NAMES.has(a)) return [b, a];
  return undefined;
}

/**
 * `"lat,lon"` for coordinates given as finite numbers or numeric strings within range
 * (lat -90 to 90, lon -180 to 180), else `undefined`.
 */
export function locationValue(lat: unknown, lon: unknown): string | undefined {
  const la = coordinate(lat);
  const lo = coordinate(lon);
  if (la === undefined || lo === undefined || Math.abs(la) > 90 || Math.abs(lo) > 180) return undefined;
  return `${la},${lo}`;
}

function coordinate(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Checks of {@link MapOptions}: wrong options are a programming error, so they throw. */
import { shorten } from './shorten';
import type { MapOptions } from './types';

/**
 * Throws a TypeError naming the first wrong option of `options`, its rule and its value.
 * `key` and `msgTimestamp` are message data, never wrong here: they give problems instead.
 */
export function checkMapOptions(options: MapOptions): void {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  const { arrivalMs, timestamp, keyPrefix, separator, defaultKey, nullValues } = options;
  if (typeof arrivalMs !== 'number' || !Number.isFinite(arrivalMs)) {
    fail('arrivalMs', 'a finite number (ms since 1970)', arrivalMs);
  }
  if (timestamp !== undefined && timestamp !== 'message' && timestamp !== 'server') {
    fail('timestamp', "'message' or 'server'", timestamp);
  }
  if (keyPrefix !== undefined && typeof keyPrefix !== 'string') fail('keyPrefix', 'a string', keyPrefix);
  if (separator !== undefined && typeof separator !== 'string') fail('separator', 'a string', separator);
  if (defaultKey !== undefined && typeof defaultKey !== 'string') fail('defaultKey', 'a string', defaultKey);
  if (nullValues !== undefined && nullValues !== 'skip' && nullValues !== 'error') fail('nullValues', "'skip' or 'error'", nullValues);
}

function fail(name: string, rule: string, value: unknown): never {
  throw new TypeError(`Expected \`${name}\` to be ${rule}, got ${shorten(value)} (${typeof value})`);
}

import type { IsEvent } from '../event';

/** Upper bounds below this are used as they are; above it the exact size is measured. */
const ROUGH_ENOUGH = 50_000;

/**
 * Bytes the event takes in a JSON body, or an upper bound of it when that bound is small:
 * measuring every event exactly would make `submit()` slow, and only big events can reach the
 * 1 MB body limit. (A character takes at most 6 bytes in JSON, as `\uXXXX`.)
 */
export function eventBytes(event: IsEvent): number {
  const valueChars = typeof event.value === 'string' ? event.value.length : 24;
  const rough = 6 * (event.key.length + valueChars + (event.iso8601?.length ?? 0)) + 80;
  return rough <= ROUGH_ENOUGH ? rough : Buffer.byteLength(JSON.stringify(event));
}

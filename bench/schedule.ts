/**
 * The fastest schedule a fixed-window rate limit allows, the yardstick of the backlog figures.
 *
 * The emulator's window opens with the first request and lets `limit` requests through; the next
 * window opens with the first request after it ends. So `requests` requests need
 * `ceil(requests / limit)` windows, the k-th opening at best `(k - 1) × windowMs` after the first
 * request, and the last window's requests can all go at its start: the last one is sent
 * `(ceil(requests / limit) - 1) × windowMs` after the first. One round trip more brings its 204;
 * on loopback that is well under a millisecond and is left out, so a ratio against this errs low.
 *
 * @param requests requests the work needs (event requests plus bucket creations)
 * @param limit requests per window
 * @param windowMs window length in ms
 * @returns ms from the first request to the last, at best
 */
export function fastestScheduleMs(requests: number, limit: number, windowMs: number): number {
  if (!Number.isInteger(requests) || requests < 1) throw new RangeError(`Expected \`requests\` to be an integer from 1, got ${requests}`);
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Expected \`limit\` to be an integer from 1, got ${limit}`);
  if (!(windowMs > 0)) throw new RangeError(`Expected \`windowMs\` to be a positive number, got ${windowMs}`);
  return (Math.ceil(requests / limit) - 1) * windowMs;
}

/** Requests needed to send `events` events in batches of `batchSize`, plus `buckets` bucket creations. */
export function requestsNeeded(events: number, batchSize: number, buckets: number): number {
  return Math.ceil(events / batchSize) + buckets;
}

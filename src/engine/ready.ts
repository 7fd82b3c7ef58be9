import { headTime, queuedIn, type Bucket, type Piece } from './bucket';
import type { AccountOptions } from './types';

/** What decides when a batch is ready: the account's batching options. */
export type Batching = Pick<AccountOptions, 'batchSize' | 'transport' | 'flushInterval'>;

/** The oldest piece of the bucket taken from the queue whose request is not under way (a resend, a half, a held one). */
export function unsentPiece(bucket: Bucket): Piece | undefined {
  return bucket.sending === bucket.pieces.length ? undefined : bucket.pieces.find((piece) => !piece.sending);
}

/**
 * When the bucket has a request to make (≤ now: ready; Infinity: nothing to do): an explicit
 * bucket creation (once none of its requests is under way) or a piece not under way, once any
 * back-off is over; else a full batch (or any batch with the URL transport, or one whose oldest
 * event was queued at or before `flushBefore`) at once, a partial one `flushInterval` after its
 * oldest event. Never while a request the next one may not overtake is under way
 * ({@link Bucket.busy}); other pieces of a bucket may be under way together, since their events
 * carry their own times.
 */
export function readyAt(bucket: Bucket, options: Batching, now: number, flushBefore: number): number {
  if (bucket.busy) return Infinity;
  if (bucket.creates.length > 0) return bucket.sending > 0 ? Infinity : bucket.retryAt;
  if (!bucket.created && bucket.sending > 0) return Infinity;
  if (unsentPiece(bucket)) return bucket.retryAt;
  const length = queuedIn(bucket);
  if (length === 0) return Infinity;
  const head = headTime(bucket);
  if (length >= options.batchSize || options.transport === 'url' || head <= flushBefore) return Math.max(bucket.retryAt, now);
  return Math.max(bucket.retryAt, head + options.flushInterval);
}

/** The ready bucket whose oldest event is oldest (explicit creations first, then pieces not under way); undefined when none is ready. */
export function oldestReady(buckets: Iterable<Bucket>, options: Batching, now: number, flushBefore: number): Bucket | undefined {
  let chosen: Bucket | undefined;
  let chosenAge = Infinity;
  for (const bucket of buckets) {
    if (readyAt(bucket, options, now, flushBefore) > now) continue;
    const age = bucket.creates.length > 0 ? -Infinity : (unsentPiece(bucket)?.oldest ?? headTime(bucket));
    if (chosen === undefined || age < chosenAge) {
      chosen = bucket;
      chosenAge = age;
    }
  }
  return chosen;
}

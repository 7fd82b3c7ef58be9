import { headTime, queuedIn, type Bucket } from './bucket';
import type { AccountOptions } from './types';

/** What decides when a batch is ready: the account's batching options. */
export type Batching = Pick<AccountOptions, 'batchSize' | 'transport' | 'flushInterval'>;

/**
 * When the bucket has a request to make (≤ now: ready; Infinity: nothing to do): an explicit
 * bucket creation or its batch in flight once any back-off is over; else a full batch (or any
 * batch with the URL transport, or one whose oldest event was queued at or before `flushBefore`)
 * at once, a partial one `flushInterval` after its oldest event. Never while a request is under way.
 */
export function readyAt(bucket: Bucket, options: Batching, now: number, flushBefore: number): number {
  if (bucket.busy) return Infinity;
  if (bucket.creates.length > 0 || bucket.pieces.length > 0) return bucket.retryAt;
  const length = queuedIn(bucket);
  if (length === 0) return Infinity;
  const head = headTime(bucket);
  if (length >= options.batchSize || options.transport === 'url' || head <= flushBefore) return Math.max(bucket.retryAt, now);
  return Math.max(bucket.retryAt, head + options.flushInterval);
}

/** The ready bucket whose oldest event is oldest (explicit creations first, then batches in flight); undefined when none is ready. */
export function oldestReady(buckets: Iterable<Bucket>, options: Batching, now: number, flushBefore: number): Bucket | undefined {
  let chosen: Bucket | undefined;
  let chosenAge = Infinity;
  for (const bucket of buckets) {
    if (readyAt(bucket, options, now, flushBefore) > now) continue;
    const age = bucket.creates.length > 0 ? -Infinity : bucket.pieces.length > 0 ? bucket.pieces[0]!.oldest : headTime(bucket);
    if (chosen === undefined || age < chosenAge) {
      chosen = bucket;
      chosenAge = age;
    }
  }
  return chosen;
}

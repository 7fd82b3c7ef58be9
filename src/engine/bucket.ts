import type { IsEvent } from '../event';
import type { BucketResult } from './types';
import type { DeliveryTicket, TicketSlot } from './delivery-ticket';
import type { EventQueue } from './event-queue';
import type { SpilledTail } from './spilled-tail';
import type { SpoolRun } from './spool';

/** A slice of a bucket's current batch; a batch is split into pieces by 413 and 400 answers. */
export interface Piece {
  events: IsEvent[];
  tickets: (DeliveryTicket | undefined)[];
  /** Spool index of the first event. */
  start: number;
  /** When the oldest event was queued. */
  oldest: number;
  attempts: number;
  /** Its request is under way. */
  sending: boolean;
  /**
   * Every event carries its own time (`epoch` or `iso8601`), so the service orders it by that
   * and later pieces of the bucket may be sent while it is under way.
   */
  timed: boolean;
}

/** An explicit `createBucket()` call waiting for its answer: each sends a request of its own. */
export interface CreateCall {
  bucketName?: string;
  resolve: (result: BucketResult) => void;
  reject: (error: Error) => void;
  /** Attempts that failed with an answer worth a back-off. */
  failures: number;
}

/** One bucket's queue, its batch in flight and its back-off, as the engine keeps them. */
export interface Bucket {
  key: string;
  /** The queued events held in memory: the oldest, up to `tail`. */
  queue: EventQueue<TicketSlot>;
  /** The queued events that live only in the spool (persist 'file'): the newest, after `queue`. */
  tail: SpilledTail<TicketSlot> | undefined;
  /** Spool index of the queue's oldest event. */
  queueStart: number;
  /** Spool index the next queued event gets. */
  nextIndex: number;
  /** The batches taken from the queue and not yet settled (pieces in order); empty when none. */
  pieces: Piece[];
  /** Pieces whose request is under way. */
  sending: number;
  /**
   * A request is under way that no other of this bucket may overtake: a bucket creation, a
   * piece sent with the URL transport (no timestamps: the service orders by arrival), or one
   * with events that carry no time of their own.
   */
  busy: boolean;
  /** Back-off: no request for this bucket before this time. */
  retryAt: number;
  failures: number;
  created: boolean;
  /** Explicit `createBucket()` calls still to send, oldest first (sent before the bucket's events). */
  creates: CreateCall[];
}

/** Events queued in a bucket, in memory or spilled. */
export function queuedIn(bucket: Bucket): number {
  return bucket.queue.length + (bucket.tail?.length ?? 0);
}

/** When a bucket's oldest queued event was queued (Infinity when none). */
export function headTime(bucket: Bucket): number {
  return bucket.queue.length > 0 ? bucket.queue.headTime() : (bucket.tail?.headTime() ?? Infinity);
}

/** The live events of `buckets` (in flight and queued, none spilled), for a rewrite of the spool. */
export function liveRuns(buckets: Iterable<Bucket>): SpoolRun[] {
  const runs: SpoolRun[] = [];
  for (const bucket of buckets) {
    for (const piece of bucket.pieces) runs.push({ bucketKey: bucket.key, start: piece.start, events: piece.events });
    let start = bucket.queueStart;
    for (const events of bucket.queue.groups()) {
      runs.push({ bucketKey: bucket.key, start, events });
      start += events.length;
    }
  }
  return runs;
}

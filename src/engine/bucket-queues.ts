import { LIMITS, type IsEvent } from '../event';
import { headTime, queuedIn, type Bucket, type Piece } from './bucket';
import { ticketOf, type DeliveryTicket, type TicketSlot } from './delivery-ticket';
import { eventBytes } from './event-size';
import { EventQueue } from './event-queue';
import { SpilledTail } from './spilled-tail';
import type { Spool, SpoolLoad, SpoolRun } from './spool';
import type { AccountOptions } from './types';

/** Spilled events read back from the spool at a time, room in `memoryWindow` permitting. */
export const REFILL_CHUNK = 1000;

/** The most bytes of events a request body may hold (the `[` and `]` aside). */
export const BODY_LIMIT = LIMITS.bodyBytes - 2;

/** How many queued events are in memory (see `AccountEngine.memoryStats`). */
export interface MemoryStats {
  /** Queued events held in memory now (not counting those in flight, at most `batchSize` a bucket). */
  resident: number;
  /** The most `resident` has been since the engine started. */
  peakResident: number;
  /** Queued events that live only in the spool file now. */
  spilled: number;
}

/** What a bucket held when the account closed (see {@link BucketQueues.drain}). */
export interface Leftover {
  bucketKey: string;
  /** Its batch in flight, then its queued events held in memory. */
  events: IsEvent[];
  /** Their tickets (none for events whose submit asked for no result). */
  tickets: (DeliveryTicket | undefined)[];
  /** The most attempts a piece of its batch had. */
  attempts: number;
  /** The tickets of the queued events that live only in the spool. */
  spilled: (DeliveryTicket | undefined)[];
}

/**
 * The per-bucket queues of one account and the memory they take: the events queued (held in
 * memory, or spilled to the spool beyond `memoryWindow`), the batches taken from them into flight,
 * and when each bucket has a request to make. It keeps the counts the engine reports; what an
 * answer does with a batch, and what is reported, is the engine's.
 */
export class BucketQueues {
  readonly #buckets = new Map<string, Bucket>();
  readonly #options: Readonly<AccountOptions>;
  readonly #spool: Spool | undefined;
  readonly #onSpoolLost: (bucket: Bucket) => void;
  #queued = 0;
  /** Queued events held in memory (in the buckets' `queue`). */
  #resident = 0;
  #peakResident = 0;
  #inFlight = 0;

  /**
   * @param options the account's options
   * @param spool persist 'file': where every queued event is, and spilled ones only are
   * @param onSpoolLost the spool no longer holds spilled events of `bucket` (its file was changed
   *   under the engine): what could be read back is queued, the rest is not
   */
  constructor(options: Readonly<AccountOptions>, spool: Spool | undefined, onSpoolLost: (bucket: Bucket) => void) {
    this.#options = options;
    this.#spool = spool;
    this.#onSpoolLost = onSpoolLost;
  }

  /** Events queued, in memory or spilled. */
  get queued(): number {
    return this.#queued;
  }

  /** Queued events held in memory. */
  get resident(): number {
    return this.#resident;
  }

  /** Events in the batches in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** How many queued events are held in memory, and how many live only in the spool file. */
  memoryStats(): MemoryStats {
    return { resident: this.#resident, peakResident: this.#peakResident, spilled: this.#queued - this.#resident };
  }

  /** The buckets, in the order they were first used. */
  values(): IterableIterator<Bucket> {
    return this.#buckets.values();
  }

  /** The bucket of `key`, made on first use. */
  bucket(key: string): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      const { transport, batchSize, autoCreate } = this.#options;
      bucket = {
        key,
        queue: new EventQueue(),
        tail: this.#spool ? new SpilledTail(key, transport === 'url' ? batchSize : 0) : undefined,
        queueStart: 0,
        nextIndex: 0,
        pieces: [],
        busy: false,
        retryAt: 0,
        failures: 0,
        created: !autoCreate,
        creates: [],
      };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Holds a queued event in memory (count it with {@link added}). */
  keep(bucket: Bucket, event: IsEvent, time: number, slot: TicketSlot | undefined, groupStart: boolean): void {
    bucket.queue.push(event, time, slot, groupStart);
    this.#resident += 1;
    if (this.#resident > this.#peakResident) this.#peakResident = this.#resident;
  }

  /** `count` events were queued, kept in memory or spilled. */
  added(count: number): void {
    this.#queued += count;
  }

  /**
   * Queues what the spool held (see {@link Spool.load}), as one bucket's queue would have held
   * them: the first `memoryWindow` events in memory, the rest spilled. Events of one spool record
   * were one submit: with the URL transport they travel in requests of their own again.
   */
  replay(now: number): SpoolLoad {
    const { maxQueue, overflow, memoryWindow } = this.#options;
    const url = this.#options.transport === 'url';
    return this.#spool!.load(maxQueue, overflow, ({ bucketKey, start, events, offset }) => {
      const bucket = this.bucket(bucketKey);
      const tail = bucket.tail!;
      let at = 0;
      for (; at < events.length && tail.length === 0 && this.#resident < memoryWindow; at++) this.keep(bucket, events[at]!, now, undefined, url && at === 0);
      if (at < events.length) tail.append(offset, start + at, events.length - at, now, undefined, at);
      bucket.nextIndex = start + events.length;
      this.#queued += events.length;
    });
  }

  /** When the bucket has a request to make (≤ now: ready; Infinity: nothing to do). */
  readyAt(bucket: Bucket, now: number, flushBefore: number): number {
    if (bucket.busy) return Infinity;
    if (bucket.creates.length > 0 || bucket.pieces.length > 0) return bucket.retryAt;
    const length = queuedIn(bucket);
    if (length === 0) return Infinity;
    const head = headTime(bucket);
    const { batchSize, transport, flushInterval } = this.#options;
    if (length >= batchSize || transport === 'url' || head <= flushBefore) return Math.max(bucket.retryAt, now);
    return Math.max(bucket.retryAt, head + flushInterval);
  }

  /** The ready bucket whose oldest event is oldest (its batch in flight first); undefined when none is ready. */
  oldestReady(now: number, flushBefore: number): Bucket | undefined {
    let chosen: Bucket | undefined;
    let chosenAge = Infinity;
    for (const bucket of this.#buckets.values()) {
      if (this.readyAt(bucket, now, flushBefore) > now) continue;
      const age = bucket.creates.length > 0 ? -Infinity : bucket.pieces.length > 0 ? bucket.pieces[0]!.oldest : headTime(bucket);
      if (age < chosenAge) {
        chosen = bucket;
        chosenAge = age;
      }
    }
    return chosen;
  }

  /**
   * Moves the next batch (count, bytes and URL groups permitting) from the queue into flight.
   * False when there was nothing to take (the spool could not give the spilled events back).
   */
  takeBatch(bucket: Bucket): boolean {
    const { queue } = bucket;
    const { batchSize } = this.#options;
    if (queue.length < batchSize) this.#refill(bucket, batchSize - queue.length);
    if (queue.length === 0) return false;
    const events: IsEvent[] = [];
    const tickets: (DeliveryTicket | undefined)[] = [];
    const oldest = queue.headTime();
    const take = ticketsOf(bucket);
    let bytes = 0;
    while (queue.length > 0 && events.length < batchSize) {
      if (events.length > 0 && queue.headStartsGroup()) break;
      const size = eventBytes(queue.peek()!) + 1;
      if (events.length > 0 && bytes + size > BODY_LIMIT) break;
      bytes += size;
      queue.shiftInto(events, tickets, take);
    }
    bucket.pieces.push({ events, tickets, start: bucket.queueStart, oldest, attempts: 0 });
    bucket.queueStart += events.length;
    this.#queued -= events.length;
    this.#resident -= events.length;
    this.#inFlight += events.length;
    return true;
  }

  /** The first piece of the bucket's batch got its final answer: it leaves flight and the spool. */
  release(bucket: Bucket, piece: Piece): void {
    bucket.pieces.shift();
    this.#inFlight -= piece.events.length;
    this.#spool?.remove(bucket.key, piece.start, piece.events.length);
  }

  /** Rewrites the spool when it wants it and can have it. */
  compactSpool(): void {
    // Spilled events are known by their offsets in the file: it is compacted only once none is left.
    if (this.#spool?.wantsCompaction && this.#queued === this.#resident) this.#spool.rewrite(this.#spoolRuns());
  }

  /**
   * Removes the oldest queued (not in-flight) event of all buckets, for the overflow policy
   * 'drop-oldest'; undefined when it could not be read back from the spool.
   */
  dropOldest(): { bucketKey: string; event: IsEvent; ticket: DeliveryTicket | undefined } | undefined {
    let oldest: Bucket | undefined;
    for (const bucket of this.#buckets.values()) {
      if (queuedIn(bucket) > 0 && (!oldest || headTime(bucket) < headTime(oldest))) oldest = bucket;
    }
    if (oldest!.queue.length === 0) this.#refill(oldest!, 1);
    if (oldest!.queue.length === 0) return undefined;
    const events: IsEvent[] = [];
    const tickets: (DeliveryTicket | undefined)[] = [];
    oldest!.queue.shiftInto(events, tickets, ticketsOf(oldest!));
    this.#spool?.remove(oldest!.key, oldest!.queueStart, 1);
    oldest!.queueStart += 1;
    this.#queued -= 1;
    this.#resident -= 1;
    return { bucketKey: oldest!.key, event: events[0]!, ticket: tickets[0] };
  }

  /**
   * Empties every bucket's batch in flight and in-memory queue, bucket by bucket (close), with
   * the tickets of their events; `spilled` holds the tickets of those that live only in the
   * spool. The counts stay until {@link clear}.
   */
  *drain(): Generator<Leftover> {
    for (const bucket of this.#buckets.values()) {
      const events: IsEvent[] = [];
      const tickets: (DeliveryTicket | undefined)[] = [];
      let attempts = 0;
      for (const piece of bucket.pieces) {
        events.push(...piece.events);
        tickets.push(...piece.tickets);
        attempts = Math.max(attempts, piece.attempts);
      }
      bucket.queue.drainInto(events, tickets, ticketsOf(bucket));
      const spilled: (DeliveryTicket | undefined)[] = [];
      for (const [slot, time] of bucket.tail?.slots() ?? []) spilled.push(ticketOf(slot, bucket.key, time));
      yield { bucketKey: bucket.key, events, tickets, attempts, spilled };
    }
  }

  /** Nothing is queued or in flight any more (close). */
  clear(): void {
    this.#queued = 0;
    this.#resident = 0;
    this.#inFlight = 0;
  }

  /**
   * Reads at least `wanted` of the bucket's spilled events back into memory (all when fewer),
   * up to {@link REFILL_CHUNK} when `memoryWindow` has room for them.
   */
  #refill(bucket: Bucket, wanted: number): void {
    const { tail } = bucket;
    if (!tail || tail.length === 0) return;
    const room = this.#options.memoryWindow - this.#resident;
    const count = Math.min(tail.length, Math.max(wanted, Math.min(REFILL_CHUNK, room)));
    const moved = tail.moveInto(bucket.queue, count, this.#spool!);
    this.#resident += moved;
    if (this.#resident > this.#peakResident) this.#peakResident = this.#resident;
    if (moved < count) this.#onSpoolLost(bucket);
  }

  /** The live events, for a rewrite of the spool (none may be spilled). */
  #spoolRuns(): SpoolRun[] {
    const runs: SpoolRun[] = [];
    for (const bucket of this.#buckets.values()) {
      for (const piece of bucket.pieces) runs.push({ bucketKey: bucket.key, start: piece.start, events: piece.events });
      let start = bucket.queueStart;
      for (const events of bucket.queue.groups()) {
        runs.push({ bucketKey: bucket.key, start, events });
        start += events.length;
      }
    }
    return runs;
  }
}

/** Makes the tickets of events leaving a bucket's queue (see {@link TicketSlot}). */
function ticketsOf(bucket: Bucket): (slot: TicketSlot | undefined, queuedAt: number) => DeliveryTicket | undefined {
  return (slot, queuedAt) => ticketOf(slot, bucket.key, queuedAt);
}

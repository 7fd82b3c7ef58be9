import { LIMITS, type IsEvent } from '../event';
import { headTime, liveRuns, queuedIn, type Bucket, type Piece } from './bucket';
import { ticketOf, type DeliveryTicket, type TicketSlot } from './delivery-ticket';
import { eventBytes } from './event-size';
import { EventQueue } from './event-queue';
import type { HandedEvent } from './queue-hand-over';
import { SpilledTail } from './spilled-tail';
import { Spool } from './spool';
import type { AccountOptions, DropReason, FailedEvent, MemoryStats } from './types';

/** Spilled events read back from the spool at a time, room in `memoryWindow` permitting. */
export const REFILL_CHUNK = 1000;

/** The most bytes of events a request body may hold (the `[` and `]` aside). */
export const BODY_LIMIT = LIMITS.bodyBytes - 2;

/** Makes one event's failure (the engine counts it and settles its ticket). */
export type FailEvent = (bucketKey: string, event: IsEvent, ticket: DeliveryTicket | undefined, reason: DropReason, message: string, attempts: number, status: number, now: number) => FailedEvent;

/** What {@link DurableQueue.drain} did with what was left at close. */
export interface Drained {
  /** Events left, in memory, in flight or only in the spool. */
  left: number;
  /** Without a spool and not handed over: each failed 'closed'. */
  failures: FailedEvent[];
  /** Handed over (without a spool), in order. */
  handed: HandedEvent[];
}

/**
 * The queue of one account: a record per bucket with its events (in memory, and with
 * `persist: 'file'` in the spool file too, spilled to it alone beyond `memoryWindow`), the batch
 * taken into flight, and the counts. It applies the overflow policy, replays the spool at start,
 * and settles what is left at close; which request goes next and what an answer means are the
 * engine's.
 */
export class DurableQueue {
  readonly #buckets = new Map<string, Bucket>();
  readonly #options: Readonly<AccountOptions>;
  readonly #spool: Spool | undefined;
  readonly #onSpoolLost: (bucket: Bucket) => void;
  readonly #fail: FailEvent;
  readonly #count = { queued: 0, resident: 0, peakResident: 0, inFlight: 0 };

  /**
   * @param options the account's options (`persist: 'file'` opens the spool at `spoolFile`)
   * @param fail makes the failure of an event the queue drops
   * @param onSpoolLost the spool no longer holds spilled events of `bucket` (its file was changed
   *   under the engine): what could be read back is queued, the rest is not
   */
  constructor(options: Readonly<AccountOptions>, fail: FailEvent, onSpoolLost: (bucket: Bucket) => void) {
    this.#options = options;
    this.#fail = fail;
    this.#onSpoolLost = onSpoolLost;
    if (options.persist === 'file') this.#spool = new Spool(options.spoolFile!);
  }

  /** The spool file; undefined with `persist: 'off'`. */
  get spoolFile(): string | undefined {
    return this.#spool?.file;
  }

  /** Events queued, in memory or spilled. */
  get queued(): number {
    return this.#count.queued;
  }

  /** Events in the batches in flight. */
  get inFlight(): number {
    return this.#count.inFlight;
  }

  memoryStats(): MemoryStats {
    const { resident, peakResident, queued } = this.#count;
    return { resident, peakResident, spilled: queued - resident };
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
      const tail = this.#spool ? new SpilledTail<TicketSlot>(key, transport === 'url' ? batchSize : 0) : undefined;
      bucket = { key, queue: new EventQueue(), tail, queueStart: 0, nextIndex: 0, pieces: [], sending: 0, busy: false, retryAt: 0, failures: 0, created: !autoCreate, creates: [] };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /**
   * Queues the events of one submit (in the spool before this returns), applying the overflow
   * policy; returns the events refused or dropped (too large, overflow).
   */
  enqueue(bucketKey: string, events: readonly IsEvent[], slot: TicketSlot | undefined, now: number): FailedEvent[] {
    const failures: FailedEvent[] = [];
    const bucket = this.bucket(bucketKey);
    const accepted: IsEvent[] | undefined = this.#spool ? [] : undefined;
    /** The newest `spilled` of `accepted` go to the tail, the first at `phase` in the submit. */
    let spilled = 0;
    let phase = 0;
    const toSpool = (): void => {
      if (!accepted || accepted.length === 0) return;
      const offset = this.#spool!.append(bucketKey, bucket.nextIndex - accepted.length, accepted);
      if (spilled > 0) bucket.tail!.append(offset, bucket.nextIndex - spilled, spilled, now, slot, phase);
      accepted.length = 0;
      spilled = 0;
    };
    const refuse = (event: IsEvent, reason: DropReason, message: string): void => {
      failures.push(this.#fail(bucketKey, event, ticketOf(slot, bucketKey, now), reason, message, 0, 0, now));
    };
    const { maxQueue, overflow, memoryWindow, transport, batchSize } = this.#options;
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      if (eventBytes(event) > BODY_LIMIT) {
        refuse(event, 'too-large', `the event is over the ${LIMITS.bodyBytes}-byte body limit`);
        continue;
      }
      if (this.#count.queued >= maxQueue) {
        if (overflow === 'refuse-newest') {
          refuse(event, 'overflow', `the queue is full (maxQueue ${maxQueue}): refused the newest event`);
          continue;
        }
        // The spool must hold the new events before their removal records can refer to them.
        toSpool();
        const dropped = this.#dropOldest(now);
        if (!dropped) {
          refuse(event, 'overflow', `the queue is full (maxQueue ${maxQueue}) and its oldest event could not be read back from the spool: refused the newest event`);
          continue;
        }
        failures.push(dropped);
      }
      // A bucket's spilled events are its newest: once it has some, the new ones follow them.
      if (bucket.tail && (spilled > 0 || bucket.tail.length > 0 || this.#count.resident >= memoryWindow)) {
        if (spilled === 0) phase = index;
        spilled += 1;
        // URL transport: a submit travels in requests of its own, of at most `batchSize` events.
      } else this.#keep(bucket, event, now, slot, transport === 'url' && index % batchSize === 0);
      bucket.nextIndex += 1;
      accepted?.push(event);
      this.#count.queued += 1;
    }
    toSpool();
    return failures;
  }

  /**
   * Queues what the spool held, at most `maxQueue` events: beyond that the overflow policy drops
   * the events written first ('drop-oldest') or last ('refuse-newest'), and the spool is rewritten
   * without them. Events of one spool record were one submit: with the URL transport they travel
   * in requests of their own again. Returns the events dropped and what to warn about.
   */
  replay(now: number): { failures: FailedEvent[]; warning?: string } {
    const { maxQueue, overflow, memoryWindow, transport } = this.#options;
    const loaded = this.#spool!.load(maxQueue, overflow, ({ bucketKey, start, events, offset }) => {
      const bucket = this.bucket(bucketKey);
      let at = 0;
      for (; at < events.length && bucket.tail!.length === 0 && this.#count.resident < memoryWindow; at++) this.#keep(bucket, events[at]!, now, undefined, transport === 'url' && at === 0);
      if (at < events.length) bucket.tail!.append(offset, start + at, events.length - at, now, undefined, at);
      bucket.nextIndex = start + events.length;
      this.#count.queued += events.length;
    });
    const what = overflow === 'drop-oldest' ? 'dropped the oldest' : 'refused the newest';
    const message = `the spool held ${loaded.held} events, over maxQueue ${maxQueue}: ${what} ${loaded.overflow.length}`;
    const failures = loaded.overflow.map(({ bucketKey, event }) => this.#fail(bucketKey, event, undefined, 'overflow', message, 0, 0, now));
    if (loaded.badLines === 0) return { failures };
    return { failures, warning: `Spool file ${this.#spool!.file}: ${loaded.badLines} line(s) could not be read and were skipped; every intact record was recovered` };
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
    let bytes = 0;
    let timed = true;
    while (queue.length > 0 && events.length < batchSize) {
      if (events.length > 0 && queue.headStartsGroup()) break;
      const head = queue.peek()!;
      const size = eventBytes(head) + 1;
      if (events.length > 0 && bytes + size > BODY_LIMIT) break;
      bytes += size;
      timed &&= head.epoch !== undefined || head.iso8601 !== undefined;
      queue.shiftInto(events, tickets, ticketsOf(bucket));
    }
    bucket.pieces.push({ events, tickets, start: bucket.queueStart, oldest, attempts: 0, sending: false, timed });
    bucket.queueStart += events.length;
    this.#count.queued -= events.length;
    this.#count.resident -= events.length;
    this.#count.inFlight += events.length;
    return true;
  }

  /**
   * A piece of the bucket got its final answer (pieces may be answered out of order): it leaves
   * flight and the spool, delivered (`reason` unset) or failed; returns the failures.
   */
  settle(bucket: Bucket, piece: Piece, status: number, now: number, reason?: DropReason, message = ''): FailedEvent[] {
    bucket.pieces.splice(bucket.pieces.indexOf(piece), 1);
    this.#count.inFlight -= piece.events.length;
    this.#spool?.remove(bucket.key, piece.start, piece.events.length);
    const failures = reason ? piece.events.map((event, i) => this.#fail(bucket.key, event, piece.tickets[i], reason, message, piece.attempts, status, now)) : [];
    if (!reason) piece.tickets.forEach((ticket) => ticket?.delivered(piece.attempts, status, now));
    // Spilled events are known by their offsets in the file: it is compacted only once none is left.
    if (this.#spool?.wantsCompaction && this.#count.queued === this.#count.resident) this.#spool.rewrite(liveRuns(this.#buckets.values()));
    return failures;
  }

  /**
   * Empties the queue at close: with a spool every event stays there and its submit settles as
   * spooled; else they are handed over, or fail as 'closed'.
   */
  drain(now: number, handOver: boolean): Drained {
    const drained: Drained = { left: 0, failures: [], handed: [] };
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
      for (const [slot, time] of bucket.tail?.slots() ?? []) tickets.push(ticketOf(slot, bucket.key, time));
      drained.left += tickets.length;
      if (this.#spool) tickets.forEach((ticket) => ticket?.spooled(now));
      else if (handOver) events.forEach((event, i) => drained.handed.push({ bucketKey: bucket.key, event, ticket: tickets[i] }));
      else events.forEach((event, i) => drained.failures.push(this.#fail(bucket.key, event, tickets[i], 'closed', 'not delivered before close', attempts, 0, now)));
    }
    this.#count.queued = this.#count.resident = this.#count.inFlight = 0;
    this.#spool?.close();
    return drained;
  }

  /**
   * Drops the oldest queued (not in-flight) event of all buckets, for the overflow policy
   * 'drop-oldest'; undefined when it could not be read back from the spool.
   */
  #dropOldest(now: number): FailedEvent | undefined {
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
    this.#count.queued -= 1;
    this.#count.resident -= 1;
    return this.#fail(oldest!.key, events[0]!, tickets[0], 'overflow', `the queue is full (maxQueue ${this.#options.maxQueue}): dropped the oldest event`, 0, 0, now);
  }

  #keep(bucket: Bucket, event: IsEvent, time: number, slot: TicketSlot | undefined, groupStart: boolean): void {
    bucket.queue.push(event, time, slot, groupStart);
    this.#resident(1);
  }

  #resident(added: number): void {
    this.#count.resident += added;
    if (this.#count.resident > this.#count.peakResident) this.#count.peakResident = this.#count.resident;
  }

  /**
   * Reads at least `wanted` of the bucket's spilled events back into memory (all when fewer),
   * up to {@link REFILL_CHUNK} when `memoryWindow` has room for them.
   */
  #refill(bucket: Bucket, wanted: number): void {
    const { tail } = bucket;
    if (!tail || tail.length === 0) return;
    const room = this.#options.memoryWindow - this.#count.resident;
    const count = Math.min(tail.length, Math.max(wanted, Math.min(REFILL_CHUNK, room)));
    const moved = tail.moveInto(bucket.queue, count, this.#spool!);
    this.#resident(moved);
    if (moved < count) this.#onSpoolLost(bucket);
  }
}

/** Makes the tickets of events leaving a bucket's queue (see {@link TicketSlot}). */
function ticketsOf(bucket: Bucket): (slot: TicketSlot | undefined, queuedAt: number) => DeliveryTicket | undefined {
  return (slot, queuedAt) => ticketOf(slot, bucket.key, queuedAt);
}

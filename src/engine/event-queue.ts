import type { IsEvent } from '../event';

/** Largest chunk; the first chunks are smaller so that many near-empty buckets stay cheap. */
const MAX_CHUNK = 1024;
const FIRST_CHUNK = 16;

interface Chunk<T> {
  events: (IsEvent | undefined)[];
  /** When each event was queued (ms since 1970). */
  times: Float64Array;
  /** The owning submit's ticket, allocated only when some event of the chunk has one. */
  tickets?: (T | undefined)[];
  /** Marks the first event of a group that must travel alone (URL transport), allocated on demand. */
  starts?: Uint8Array;
  /** Next slot to read. */
  head: number;
  /** Next slot to write. */
  tail: number;
}

/**
 * A FIFO of events for one bucket, kept compact for large backlogs: chunked arrays with a
 * parallel `Float64Array` of queue times, and per-event tickets only where a submit asked for
 * a result. Shifting never copies the backlog.
 */
export class EventQueue<T> {
  #chunks: Chunk<T>[] = [];
  #first = 0;
  #length = 0;
  #grown = 0;

  /** Events queued. */
  get length(): number {
    return this.#length;
  }

  /** Appends an event; `groupStart` makes it the first of a group no batch may cross. */
  push(event: IsEvent, time: number, ticket: T | undefined, groupStart: boolean): void {
    let chunk = this.#chunks[this.#chunks.length - 1];
    if (!chunk || chunk.tail === chunk.events.length) {
      const size = Math.min(MAX_CHUNK, FIRST_CHUNK << Math.min(this.#grown, 6));
      this.#grown += 1;
      chunk = { events: new Array<IsEvent | undefined>(size), times: new Float64Array(size), head: 0, tail: 0 };
      this.#chunks.push(chunk);
    }
    const at = chunk.tail;
    chunk.events[at] = event;
    chunk.times[at] = time;
    if (ticket !== undefined) (chunk.tickets ??= new Array<T | undefined>(chunk.events.length))[at] = ticket;
    if (groupStart) (chunk.starts ??= new Uint8Array(chunk.events.length))[at] = 1;
    chunk.tail += 1;
    this.#length += 1;
  }

  #head(): Chunk<T> {
    return this.#chunks[this.#first]!;
  }

  /** The oldest event (undefined when empty). */
  peek(): IsEvent | undefined {
    if (this.#length === 0) return undefined;
    const chunk = this.#head();
    return chunk.events[chunk.head];
  }

  /** When the oldest event was queued (Infinity when empty). */
  headTime(): number {
    if (this.#length === 0) return Infinity;
    const chunk = this.#head();
    return chunk.times[chunk.head]!;
  }

  /** Whether the oldest event starts a group. */
  headStartsGroup(): boolean {
    if (this.#length === 0) return false;
    const chunk = this.#head();
    return chunk.starts?.[chunk.head] === 1;
  }

  /**
   * Removes the oldest event, appending it to `events`, and to `tickets` what `take` makes of its
   * ticket and the time it was queued.
   */
  shiftInto<U>(events: IsEvent[], tickets: U[], take: (ticket: T | undefined, queuedAt: number) => U): void {
    const chunk = this.#head();
    const at = chunk.head;
    events.push(chunk.events[at]!);
    tickets.push(take(chunk.tickets?.[at], chunk.times[at]!));
    chunk.events[at] = undefined;
    if (chunk.tickets) chunk.tickets[at] = undefined;
    chunk.head += 1;
    this.#length -= 1;
    if (chunk.head === chunk.tail) {
      if (this.#length === 0) {
        this.#chunks = [];
        this.#first = 0;
        this.#grown = 0;
      } else {
        this.#first += 1;
        if (this.#first > 64 && this.#first * 2 > this.#chunks.length) {
          this.#chunks = this.#chunks.slice(this.#first);
          this.#first = 0;
        }
      }
    }
  }

  /** The queued events, oldest first, without removing them, cut where a group starts. */
  groups(): IsEvent[][] {
    const groups: IsEvent[][] = [];
    let group: IsEvent[] = [];
    for (let c = this.#first; c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c]!;
      for (let at = chunk.head; at < chunk.tail; at++) {
        if (chunk.starts?.[at] === 1 && group.length > 0) {
          groups.push(group);
          group = [];
        }
        group.push(chunk.events[at]!);
      }
    }
    if (group.length > 0) groups.push(group);
    return groups;
  }

  /** Removes everything, oldest first, as {@link shiftInto} does. */
  drainInto<U>(events: IsEvent[], tickets: U[], take: (ticket: T | undefined, queuedAt: number) => U): void {
    while (this.#length > 0) this.shiftInto(events, tickets, take);
  }
}

import type { EventQueue } from './event-queue';
import type { Spool } from './spool';

/** Runs consumed before the run arrays are shifted down. */
const SHIFT_AFTER = 1024;

/**
 * The newest part of one bucket's queue when it lives only in the spool file (persist 'file',
 * beyond `memoryWindow`): a contiguous range of the bucket's spool indices, oldest first, that
 * {@link moveInto} reads back into the bucket's {@link EventQueue}.
 *
 * It keeps no event: only runs of events that share a queue time, a ticket slot and (URL
 * transport) a group pattern, each with the byte offset of the spool line holding its first event.
 * Its memory grows with the runs, not the events: submits within the same millisecond that ask
 * for no result or share one callback make one run, while a submit with a callback of its own
 * makes a run of its own (the callback has to stay in memory anyway).
 */
export class SpilledTail<T> {
  #first = 0;
  #length = 0;
  #head = 0;
  readonly #offsets: number[] = [];
  readonly #counts: number[] = [];
  readonly #times: number[] = [];
  readonly #slots: (T | undefined)[] = [];
  /** Position of each run's first event in its groups (see `groupSize`). */
  readonly #phases: number[] = [];

  /**
   * @param bucketKey the bucket whose records are read back
   * @param groupSize URL transport: every `groupSize`-th event of a submit starts a group no batch
   *   may cross; 0 for none
   */
  constructor(
    readonly bucketKey: string,
    readonly groupSize: number,
  ) {}

  /** Events spilled. */
  get length(): number {
    return this.#length;
  }

  /** When the oldest spilled event was queued (Infinity when none). */
  headTime(): number {
    return this.#length === 0 ? Infinity : this.#times[this.#head]!;
  }

  /**
   * Adds `count` events, the first at spool index `start`, in the spool line at byte `offset`.
   * `phase` is the position of the first in its submit: with a `groupSize`, an event starts a
   * group when its position is a multiple of it. Must continue the range: `start` is the index
   * after the newest spilled event (any index when nothing is spilled).
   */
  append(offset: number, start: number, count: number, time: number, slot: T | undefined, phase: number): void {
    if (this.#length === 0) this.#first = start;
    this.#length += count;
    const last = this.#offsets.length - 1;
    const groups = this.groupSize;
    const continues = groups === 0 || (this.#phases[last]! + this.#counts[last]!) % groups === phase % groups;
    if (last >= this.#head && this.#times[last] === time && this.#slots[last] === slot && continues) {
      this.#counts[last]! += count;
      return;
    }
    this.#offsets.push(offset);
    this.#counts.push(count);
    this.#times.push(time);
    this.#slots.push(slot);
    this.#phases.push(groups === 0 ? 0 : phase % groups);
  }

  /**
   * Moves the `count` oldest spilled events (at most all of them) into `queue`, reading them
   * from `spool`, with their queue time, ticket slot and group starts.
   *
   * @returns how many were moved: fewer than asked (and than spilled) only when the spool no
   *   longer holds them (the file was changed under the engine)
   */
  moveInto(queue: EventQueue<T>, count: number, spool: Spool): number {
    const wanted = Math.min(count, this.#length);
    let left = wanted;
    if (left === 0) return 0;
    // Runs follow one another in the file: one pass reads them all.
    spool.readRecords(this.bucketKey, this.#offsets[this.#head]!, (record) => {
      for (let at = Math.max(0, this.#first - record.start); at < record.events.length && left > 0; at++) {
        const run = this.#head;
        const phase = this.#phases[run]!;
        queue.push(record.events[at]!, this.#times[run]!, this.#slots[run], this.groupSize > 0 && phase === 0);
        if (this.groupSize > 0) this.#phases[run] = (phase + 1) % this.groupSize;
        this.#first += 1;
        this.#length -= 1;
        left -= 1;
        this.#counts[run]! -= 1;
        if (this.#counts[run] === 0) this.#dropRun();
        // The run's next event is in this line or after it.
        else this.#offsets[run] = record.offset;
      }
      return left > 0;
    });
    return wanted - left;
  }

  /** The ticket slot and queue time of every spilled event, oldest first (close settles them as spooled). */
  *slots(): Generator<[T | undefined, number]> {
    for (let run = this.#head; run < this.#offsets.length; run++) {
      for (let i = 0; i < this.#counts[run]!; i++) yield [this.#slots[run], this.#times[run]!];
    }
  }

  #dropRun(): void {
    this.#slots[this.#head] = undefined;
    this.#head += 1;
    if (this.#length === 0 || (this.#head > SHIFT_AFTER && this.#head * 2 > this.#offsets.length)) {
      for (const list of [this.#offsets, this.#counts, this.#times, this.#slots, this.#phases]) list.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

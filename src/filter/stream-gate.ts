/**
 * What stands between a stream node's mapped events and the account's engine: the per-stream
 * filters (one {@link StreamFilter} per bucket), the timer their interval ends and heartbeats need,
 * and "latest value only" (while the account is not delivering, only each stream's latest value
 * is kept, the rest conflated).
 */
import type { IsEvent } from '../event';
import type { FilterOptions } from './options';
import { filters } from './options';
import { StreamFilter } from './stream-filter';

/** Options of a {@link StreamGate}. */
export interface StreamGateOptions {
  filter: FilterOptions;
  /** While the account is not delivering, keep only each stream key's latest value. Default false. */
  latestOnly?: boolean;
  /** Sends events that the gate releases later (interval ends, heartbeats, the latest values after an outage, close). */
  release: (bucketKey: string, events: IsEvent[]) => void;
  /** The clock, ms. Default `Date.now`. */
  now?: () => number;
}

/** What the gate did with one message's events. */
export interface GateStep {
  /** Events to submit now, with the message. */
  send: IsEvent[];
  /** Held back by the change filters, or folded into an aggregate. */
  suppressed: number;
  /** Waiting for their stream's interval end (sent later, without the message). */
  held: number;
  /** Kept as their stream's latest value while the account is not delivering (sent when it is again). */
  waiting: number;
  /** Older values replaced by a newer one of the same stream while the account was not delivering. */
  conflated: number;
}

/** Running totals of a gate, for the node's status. */
export interface GateTotals {
  suppressed: number;
  conflated: number;
  heartbeats: number;
}

export class StreamGate {
  readonly #options: StreamGateOptions;
  readonly #now: () => number;
  /** Whether events go through the filters: when any is set, or once something may widen them. */
  #filtering: boolean;
  readonly #filters = new Map<string, StreamFilter>();
  /** The latest value of each stream key by bucket, kept while the account is not delivering. */
  readonly #latest = new Map<string, Map<string, IsEvent>>();
  readonly #totals: GateTotals = { suppressed: 0, conflated: 0, heartbeats: 0 };
  #delivering = true;
  #factor = 1;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #closed = false;

  constructor(options: StreamGateOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#filtering = filters(options.filter) || options.filter.heartbeat > 0;
  }

  /** Whether events go through the filters (else {@link offer} passes them on as they are, apart from "latest value only"). */
  get filtering(): boolean {
    return this.#filtering;
  }

  get totals(): Readonly<GateTotals> {
    return { ...this.#totals };
  }

  /** Passes one message's events for `bucketKey` through the filters and "latest value only". */
  offer(bucketKey: string, events: readonly IsEvent[]): GateStep {
    const step: GateStep = { send: [], suppressed: 0, held: 0, waiting: 0, conflated: 0 };
    const now = this.#now();
    let out: IsEvent[] = [...events];
    if (this.#filtering) {
      const filter = this.#filter(bucketKey);
      out = [];
      for (const event of events) {
        const decided = filter.offer(event, now);
        out.push(...decided.send);
        step.suppressed += decided.suppressed;
        step.held += decided.held;
      }
      this.#totals.suppressed += step.suppressed;
      this.#schedule();
    }
    if (this.#holdsLatest()) {
      const kept = this.#keepLatest(bucketKey, out);
      step.waiting = out.length;
      step.conflated = kept;
    } else {
      step.send = out;
    }
    return step;
  }

  /**
   * Tells the gate whether the account delivers now. With "latest value only", a return to
   * delivering releases each stream's latest value.
   */
  setDelivering(delivering: boolean): void {
    if (delivering === this.#delivering) return;
    this.#delivering = delivering;
    if (delivering) this.#releaseLatest();
  }

  /**
   * Widens every stream's minimum interval by `factor` (see {@link StreamFilter.widen}). From the
   * first call on, events go through the filters even when none is set, so each stream's arrival
   * gap is known by the time a factor above 1 comes.
   */
  widen(factor: number): void {
    this.#filtering = true;
    this.#factor = factor;
    for (const filter of this.#filters.values()) filter.widen(factor);
  }

  /** Stops the timer and releases everything held (interval aggregates, latest values). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const now = this.#now();
    for (const [bucketKey, filter] of this.#filters) {
      const step = filter.flush(now);
      this.#out(bucketKey, step.send, step.suppressed);
    }
    this.#delivering = true;
    this.#releaseLatest();
  }

  #holdsLatest(): boolean {
    return !!this.#options.latestOnly && !this.#delivering && !this.#closed;
  }

  #filter(bucketKey: string): StreamFilter {
    let filter = this.#filters.get(bucketKey);
    if (!filter) {
      filter = new StreamFilter(this.#options.filter);
      if (this.#factor !== 1) filter.widen(this.#factor);
      this.#filters.set(bucketKey, filter);
    }
    return filter;
  }

  /** Keeps the latest of `events` per stream key; returns how many older values it replaced. */
  #keepLatest(bucketKey: string, events: IsEvent[]): number {
    let latest = this.#latest.get(bucketKey);
    if (!latest) this.#latest.set(bucketKey, (latest = new Map()));
    let replaced = 0;
    for (const event of events) {
      if (latest.has(event.key)) replaced++;
      latest.set(event.key, event);
    }
    this.#totals.conflated += replaced;
    return replaced;
  }

  #releaseLatest(): void {
    const held = [...this.#latest];
    this.#latest.clear();
    for (const [bucketKey, latest] of held) if (latest.size) this.#options.release(bucketKey, [...latest.values()]);
  }

  /** Events the filters released on their own: sent, or kept as latest while not delivering. */
  #out(bucketKey: string, events: IsEvent[], suppressed: number): void {
    this.#totals.suppressed += suppressed;
    if (!events.length) return;
    if (this.#holdsLatest()) this.#keepLatest(bucketKey, events);
    else this.#options.release(bucketKey, events);
  }

  #schedule(): void {
    if (this.#closed) return;
    let next = Infinity;
    for (const filter of this.#filters.values()) next = Math.min(next, filter.nextDue() ?? Infinity);
    if (next >= this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = next;
    if (!Number.isFinite(next)) return;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, next - this.#now()));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#now();
    for (const [bucketKey, filter] of this.#filters) {
      const step = filter.due(now);
      this.#totals.heartbeats += step.heartbeats;
      this.#out(bucketKey, step.send, step.suppressed);
    }
    this.#schedule();
  }
}

import type { EventValue, IsEvent } from '../event';
import { Accumulator } from './accumulator';
import { passesChange } from './change-gate';
import type { FilterOptions } from './options';

/** What one call of {@link StreamFilter.offer} or {@link StreamFilter.due} decided. */
export interface FilterStep {
  /** Events to send now, in order. */
  send: IsEvent[];
  /** Events decided not to be sent (held back by a change filter, or folded into an aggregate). */
  suppressed: number;
  /** 1 when the offered event is held until its stream's minimum interval ends; else 0. */
  held: number;
  /** Events in {@link send} that repeat a suppressed value because its heartbeat was due. */
  heartbeats: number;
}

/** Running totals of a {@link StreamFilter}. */
export interface FilterTotals {
  offered: number;
  /** Events sent, heartbeat repeats included. */
  sent: number;
  suppressed: number;
  /** Events held now, waiting for their interval's end. */
  held: number;
  heartbeats: number;
}

/** What the filter keeps for one stream key. */
interface KeyState {
  /** The last value sent and when (ms). */
  lastValue?: EventValue;
  lastAt: number;
  sentAny: boolean;
  /** When (ms) the last decision was: it opens a window of the minimum interval, in which new values are held. */
  decidedAt: number;
  held?: Accumulator;
  /** The latest value a change filter held back since the last send: what a heartbeat repeats. */
  candidate?: IsEvent;
  /** When the key's last value arrived, and the smoothed gap between arrivals (ms). */
  arrivedAt?: number;
  gapMs?: number;
}

/** Weight of the newest gap in a key's smoothed arrival gap. */
const GAP_WEIGHT = 0.2;

/**
 * The per-stream filters (change, deadband, minimum interval with aggregation, heartbeat) as a
 * pure state machine: the caller passes the time, and owns the timer that calls {@link due} at
 * {@link nextDue}.
 *
 * For each stream key, a *decision* sends a value when it is the key's first, when its heartbeat
 * is due (`heartbeat` minutes since the last send), or when it passes the change filters against
 * the last value sent; else it is suppressed and becomes the value a heartbeat repeats. With a
 * minimum interval, a decision opens a window of that length: values arriving within it are held,
 * and at its end their aggregate is decided (the others count as suppressed). Without a window a
 * value is decided as it arrives. A heartbeat with nothing held repeats the latest suppressed
 * value once both the heartbeat and the window have run out.
 *
 * Deadband and aggregates are for numbers; other values are held to change-only semantics
 * (see {@link FilterOptions}).
 */
export class StreamFilter {
  readonly options: Readonly<FilterOptions>;
  readonly #keys = new Map<string, KeyState>();
  readonly #totals: FilterTotals = { offered: 0, sent: 0, suppressed: 0, held: 0, heartbeats: 0 };
  #factor = 1;

  constructor(options: FilterOptions) {
    this.options = Object.freeze({ ...options });
  }

  /** Running totals since construction. */
  get totals(): Readonly<FilterTotals> {
    return { ...this.#totals };
  }

  /** The factor minimum intervals are widened by (1 = as configured). */
  get factor(): number {
    return this.#factor;
  }

  /**
   * Widens every stream key's minimum interval: with `factor` > 1 a key's interval becomes
   * `factor` times the larger of its configured interval and its smoothed arrival gap, so each
   * key sends about `factor` times less often. 1 restores the configured intervals. Takes effect
   * from each key's next decision.
   *
   * @throws RangeError unless `factor` is a finite number of 1 or more
   */
  widen(factor: number): void {
    if (!Number.isFinite(factor) || factor < 1) throw new RangeError(`Expected \`factor\` to be a finite number of 1 or more, got ${String(factor)}`);
    this.#factor = factor;
  }

  /**
   * Offers one event of stream `stream` (default its key) arriving at `now` (ms): what to send
   * now (a finished interval's aggregate of the same key may come first), what was suppressed,
   * and whether the event is held.
   */
  offer(event: IsEvent, now: number, stream: string = event.key): FilterStep {
    const step: FilterStep = { send: [], suppressed: 0, held: 0, heartbeats: 0 };
    this.#totals.offered++;
    const state = this.#state(stream);
    this.#arrived(state, now);
    if (state.held && now >= this.#windowEnd(state)) this.#closeWindow(state, now, step);
    if (state.held || now < this.#windowEnd(state)) {
      (state.held ??= new Accumulator()).add(event);
      step.held = 1;
      this.#totals.held++;
    } else {
      this.#decide(state, event, now, step);
    }
    return step;
  }

  /** Sends what is due at `now`: the aggregates of finished intervals, and heartbeats. */
  due(now: number): FilterStep {
    const step: FilterStep = { send: [], suppressed: 0, held: 0, heartbeats: 0 };
    for (const state of this.#keys.values()) {
      if (state.held) {
        if (now >= this.#windowEnd(state)) this.#closeWindow(state, now, step);
      } else if (state.candidate && this.#heartbeatAt(state) <= now) {
        const repeat = state.candidate;
        this.#send(state, repeat, now, step);
        step.heartbeats++;
        this.#totals.heartbeats++;
      }
    }
    return step;
  }

  /**
   * Decides every held value at `now` without waiting for its interval's end (when the node
   * closes: nothing held is left behind unsaid).
   */
  flush(now: number): FilterStep {
    const step: FilterStep = { send: [], suppressed: 0, held: 0, heartbeats: 0 };
    for (const state of this.#keys.values()) if (state.held) this.#closeWindow(state, now, step);
    return step;
  }

  /** When (ms) {@link due} next has something to do; undefined when nothing waits. */
  nextDue(): number | undefined {
    let next = Infinity;
    for (const state of this.#keys.values()) {
      if (state.held) next = Math.min(next, this.#windowEnd(state));
      else if (state.candidate) next = Math.min(next, this.#heartbeatAt(state));
    }
    return Number.isFinite(next) ? next : undefined;
  }

  /** Stream keys the filter keeps state for. */
  get streams(): number {
    return this.#keys.size;
  }

  #state(stream: string): KeyState {
    let state = this.#keys.get(stream);
    if (!state) {
      state = { lastAt: -Infinity, sentAny: false, decidedAt: -Infinity };
      this.#keys.set(stream, state);
    }
    return state;
  }

  #arrived(state: KeyState, now: number): void {
    if (state.arrivedAt !== undefined) {
      const gap = Math.max(0, now - state.arrivedAt);
      state.gapMs = state.gapMs === undefined ? gap : state.gapMs * (1 - GAP_WEIGHT) + gap * GAP_WEIGHT;
    }
    state.arrivedAt = now;
  }

  /** The end of the key's window, with its interval as of now (a widened one follows the arrival gap as it is learnt). */
  #windowEnd(state: KeyState): number {
    return state.decidedAt + this.#intervalMs(state);
  }

  #intervalMs(state: KeyState): number {
    const configured = this.options.minInterval * 1000;
    if (this.#factor === 1) return configured;
    return this.#factor * Math.max(configured, state.gapMs ?? 0);
  }

  /** A heartbeat repeat may go when the heartbeat has run out and no window is open; Infinity when off. */
  #heartbeatAt(state: KeyState): number {
    const heartbeatMs = this.options.heartbeat * 60_000;
    return heartbeatMs > 0 ? Math.max(state.lastAt + heartbeatMs, this.#windowEnd(state)) : Infinity;
  }

  #closeWindow(state: KeyState, now: number, step: FilterStep): void {
    const held = state.held!;
    state.held = undefined;
    this.#totals.held -= held.count;
    step.suppressed += held.count - 1;
    this.#totals.suppressed += held.count - 1;
    this.#decide(state, held.result(this.options.aggregate), now, step);
  }

  #decide(state: KeyState, event: IsEvent, now: number, step: FilterStep): void {
    const heartbeatMs = this.options.heartbeat * 60_000;
    const heartbeatDue = heartbeatMs > 0 && now >= state.lastAt + heartbeatMs;
    if (!state.sentAny || heartbeatDue || passesChange(event.value, state.lastValue!, this.options)) {
      this.#send(state, event, now, step);
    } else {
      state.candidate = event;
      step.suppressed++;
      this.#totals.suppressed++;
      state.decidedAt = now;
    }
  }

  #send(state: KeyState, event: IsEvent, now: number, step: FilterStep): void {
    state.sentAny = true;
    state.lastValue = event.value;
    state.lastAt = now;
    state.candidate = undefined;
    state.decidedAt = now;
    step.send.push(event);
    this.#totals.sent++;
  }
}

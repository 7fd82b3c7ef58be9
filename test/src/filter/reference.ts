/**
 * A plain reference of the stream filters' rules for the model-based properties, written from the
 * rules as stated (lists of what happened, looked through), not from the filter's code.
 */
import type { EventValue, IsEvent } from '../../../src/event';
import type { FilterOptions } from '../../../src/filter';

export interface RefStep {
  send: IsEvent[];
  suppressed: number;
  held: number;
  heartbeats: number;
}

interface History {
  /** Times of every decision (sent or suppressed). */
  decisions: number[];
  /** Everything sent, in order. */
  sends: { value: EventValue; at: number }[];
  /** Raw values received since the last decision while a window was open. */
  pending: IsEvent[];
  /** Values suppressed by the change rule, each with the send count at that time. */
  suppressedValues: { event: IsEvent; afterSends: number }[];
}

/** The change rule, restated. */
function changedEnough(value: EventValue, last: EventValue, o: FilterOptions): boolean {
  if (!o.onChange && !(o.deadband > 0)) return true;
  if (o.deadband > 0 && typeof value === 'number' && typeof last === 'number') {
    const allowed = o.deadbandMode === 'absolute' ? o.deadband : (Math.abs(last) / 100) * o.deadband;
    return Math.abs(value - last) > allowed;
  }
  return value !== last;
}

function aggregateOf(values: IsEvent[], how: FilterOptions['aggregate']): IsEvent {
  const last = values[values.length - 1]!;
  if (how === 'last' || values.some((e) => typeof e.value !== 'number')) return last;
  const numbers = values.map((e) => e.value as number);
  if (how === 'min') return { ...last, value: Math.min(...numbers) };
  if (how === 'max') return { ...last, value: Math.max(...numbers) };
  // The mean as the filter defines it: weighted as values come (stays finite).
  let mean = 0;
  numbers.forEach((v, i) => (mean = mean * (i / (i + 1)) + v / (i + 1)));
  return { ...last, value: mean };
}

export class ReferenceFilter {
  readonly #o: FilterOptions;
  readonly #h = new Map<string, History>();

  constructor(options: FilterOptions) {
    this.#o = options;
  }

  #history(key: string): History {
    if (!this.#h.has(key)) this.#h.set(key, { decisions: [], sends: [], pending: [], suppressedValues: [] });
    return this.#h.get(key)!;
  }

  #windowOpenAt(h: History, t: number): boolean {
    const last = h.decisions[h.decisions.length - 1];
    return last !== undefined && t < last + this.#o.minInterval * 1000;
  }

  #windowEnd(h: History): number {
    const last = h.decisions[h.decisions.length - 1];
    return last === undefined ? -Infinity : last + this.#o.minInterval * 1000;
  }

  #decideRef(h: History, e: IsEvent, t: number, step: RefStep): void {
    h.decisions.push(t);
    const previous = h.sends[h.sends.length - 1];
    const hb = this.#o.heartbeat * 60_000;
    if (previous === undefined || (hb > 0 && t - previous.at >= hb) || changedEnough(e.value, previous.value, this.#o)) {
      h.sends.push({ value: e.value, at: t });
      step.send.push(e);
    } else {
      h.suppressedValues.push({ event: e, afterSends: h.sends.length });
      step.suppressed++;
    }
  }

  #flushIfOver(h: History, t: number, step: RefStep): void {
    if (h.pending.length > 0 && t >= this.#windowEnd(h)) {
      const values = h.pending;
      h.pending = [];
      step.suppressed += values.length - 1;
      this.#decideRef(h, aggregateOf(values, this.#o.aggregate), t, step);
    }
  }

  offer(e: IsEvent, t: number): RefStep {
    const step: RefStep = { send: [], suppressed: 0, held: 0, heartbeats: 0 };
    const h = this.#history(e.key);
    this.#flushIfOver(h, t, step);
    if (h.pending.length > 0 || this.#windowOpenAt(h, t)) {
      h.pending.push(e);
      step.held = 1;
    } else {
      this.#decideRef(h, e, t, step);
    }
    return step;
  }

  due(t: number): RefStep {
    const step: RefStep = { send: [], suppressed: 0, held: 0, heartbeats: 0 };
    for (const h of this.#h.values()) {
      if (h.pending.length > 0) {
        this.#flushIfOver(h, t, step);
        continue;
      }
      const hb = this.#o.heartbeat * 60_000;
      const lastSuppressed = h.suppressedValues[h.suppressedValues.length - 1];
      // A suppressed value since the last send, its heartbeat run out, and no window open.
      if (hb > 0 && lastSuppressed && lastSuppressed.afterSends === h.sends.length) {
        const lastSend = h.sends[h.sends.length - 1]!;
        if (t >= lastSend.at + hb && !this.#windowOpenAt(h, t)) {
          h.decisions.push(t);
          h.sends.push({ value: lastSuppressed.event.value, at: t });
          step.send.push(lastSuppressed.event);
          step.heartbeats++;
        }
      }
    }
    return step;
  }
}

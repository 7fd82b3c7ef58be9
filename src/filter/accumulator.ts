import type { IsEvent } from '../event';
import type { Aggregate } from './options';

/** The values of one stream key held within a minimum interval, reduced as they come. */
export class Accumulator {
  /** Values held. */
  count = 0;
  #last: IsEvent | undefined;
  #numeric = true;
  #mean = 0;
  #min = Infinity;
  #max = -Infinity;

  add(event: IsEvent): void {
    this.count++;
    this.#last = event;
    if (typeof event.value !== 'number') {
      this.#numeric = false;
      return;
    }
    // Weighted, not a running sum: stays finite for any finite values.
    this.#mean = this.#mean * ((this.count - 1) / this.count) + event.value / this.count;
    this.#min = Math.min(this.#min, event.value);
    this.#max = Math.max(this.#max, event.value);
  }

  /**
   * The one event the held values become: the last one, with its value replaced by the mean, min
   * or max when every held value is a number.
   */
  result(aggregate: Aggregate): IsEvent {
    const last = this.#last;
    if (!last) throw new Error('Accumulator.result() called with nothing held');
    if (aggregate === 'last' || !this.#numeric) return last;
    const value = aggregate === 'mean' ? this.#mean : aggregate === 'min' ? this.#min : this.#max;
    return { ...last, value };
  }
}

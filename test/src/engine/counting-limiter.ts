import type { Slot } from '../../../src/engine/limiter';
import { WindowLimiter, type WindowLimiterOptions } from '../../../src/engine/window-limiter';

/**
 * The plain limiter, counting its `take()` calls. Past `cap` calls it grants nothing more (the
 * take waits for its signal): a loop that would take slots forever stops there, so a test that
 * catches one fails on the count instead of hanging.
 */
export class CountingLimiter extends WindowLimiter {
  takes = 0;

  constructor(options: WindowLimiterOptions, readonly cap = 100) {
    super(options);
  }

  override take(signal?: AbortSignal): Promise<Slot> {
    this.takes += 1;
    if (this.takes <= this.cap) return super.take(signal);
    return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
  }
}

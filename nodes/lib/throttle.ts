/** Milliseconds between status updates: at most four a second. */
export const STATUS_INTERVAL_MS = 250;

/**
 * Runs `fn` at most once per interval: the first call runs at once, calls inside the interval
 * collapse into one trailing run at its end. Node status uses it so a busy flow does not flood
 * the editor with updates.
 */
export class Throttle {
  private timer: NodeJS.Timeout | undefined;
  private pending = false;

  /**
   * @param fn - what to run.
   * @param intervalMs - shortest time between two runs. Default {@link STATUS_INTERVAL_MS}.
   */
  constructor(private readonly fn: () => void, private readonly intervalMs: number = STATUS_INTERVAL_MS) {}

  /** Runs `fn` now, or once at the end of the current interval. */
  schedule(): void {
    if (this.timer) {
      this.pending = true;
      return;
    }
    // The timer is set first, so a call from inside `fn` becomes the trailing run.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.pending) {
        this.pending = false;
        this.schedule();
      }
    }, this.intervalMs);
    this.fn();
  }

  /** Drops a pending run and stops the timer (on close). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = false;
  }
}

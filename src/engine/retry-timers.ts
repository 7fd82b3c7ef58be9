/**
 * Retries waiting out a back-off on a timer (explicit `createBucket()` calls), so that close can
 * abandon them: an abandoned retry never runs, its `cancel` does instead.
 */
export class RetryTimers {
  readonly #pending = new Set<() => void>();

  /** Retries waiting. */
  get size(): number {
    return this.#pending.size;
  }

  /** Runs `retry` after `delay` ms, unless {@link abandonAll} comes first (then `cancel`). */
  later(delay: number, retry: () => void, cancel: () => void): void {
    const timer = setTimeout(() => {
      this.#pending.delete(abandon);
      retry();
    }, delay);
    const abandon = (): void => {
      clearTimeout(timer);
      cancel();
    };
    this.#pending.add(abandon);
  }

  /** Clears every waiting retry's timer and runs its `cancel`. */
  abandonAll(): void {
    for (const abandon of this.#pending) abandon();
    this.#pending.clear();
  }
}

/**
 * The pause after a 402 (monthly event quota used up): no request goes while paused but one
 * probe every `quotaProbeInterval`, whose answer ends the pause (success) or renews it.
 */
export class QuotaProbe {
  #paused = false;
  #probing = false;
  #probeAt = 0;

  /** @param interval ms between probes (`quotaProbeInterval`) */
  constructor(readonly interval: number) {}

  /** A 402 was answered. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Pauses (again) after a 402 answered at `now`: the next probe goes `interval` later. */
  pause(now: number): void {
    this.#paused = true;
    this.#probeAt = now + this.interval;
  }

  /** Ends the pause (a request succeeded); true when there was one. */
  resume(): boolean {
    if (!this.#paused) return false;
    this.#paused = false;
    return true;
  }

  /** No request may start at `now`: paused, and the probe is under way or not due. */
  holds(now: number): boolean {
    return this.#paused && (this.#probing || now < this.#probeAt);
  }

  /**
   * Of `ready` buckets ready to send at `now` (the next due at `next`), how many may ask for a
   * slot, and when to look again: all when not paused, else one once the probe is due.
   */
  admit(ready: number, next: number, now: number): { ready: number; next: number } {
    if (!this.#paused) return { ready, next };
    if (this.#probing) return { ready: 0, next };
    if (now < this.#probeAt) return { ready: 0, next: ready > 0 ? Math.min(next, this.#probeAt) : next };
    return { ready: Math.min(ready, 1), next };
  }

  /** A request starts: while paused, it is the probe. */
  started(): void {
    if (this.#paused) this.#probing = true;
  }

  /** A request got its answer (or none worth acting on): any probe is over. */
  answered(): void {
    this.#probing = false;
  }
}

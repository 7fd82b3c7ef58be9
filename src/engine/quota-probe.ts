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

  /**
   * When the next request may start: at once (0) while not paused; else when the probe is due,
   * or never (Infinity) while it is under way (its answer wakes the sender). The one rule for both
   * when to look again and whether a request may go now, so the two never disagree.
   */
  openAt(): number {
    if (!this.#paused) return 0;
    return this.#probing ? Infinity : this.#probeAt;
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

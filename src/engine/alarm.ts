/** One timer that fires `fire` at an absolute time; setting it again moves it. */
export class Alarm {
  #timer: NodeJS.Timeout | undefined;
  #at = Infinity;

  /**
   * @param fire called when the time comes
   * @param now the clock, ms since 1970
   */
  constructor(
    private readonly fire: () => void,
    private readonly now: () => number,
  ) {}

  /** When it will fire (Infinity when not set). */
  get at(): number {
    return this.#at;
  }

  /** Fires at `at` (ms since 1970) instead of any earlier setting; Infinity clears it. */
  set(at: number): void {
    if (at === this.#at) return;
    this.clear();
    if (at === Infinity) return;
    this.#at = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#at = Infinity;
      this.fire();
    }, Math.max(0, at - this.now()));
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Infinity;
  }
}

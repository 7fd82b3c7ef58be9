/** A rate of events over a sliding span, kept in one-minute buckets. */

/** Length of one bucket (ms). */
const BUCKET_MS = 60_000;

/** Options of a {@link RecentRate}. */
export interface RecentRateOptions {
  /** The span (ms) the rate is measured over. Default one hour. */
  spanMs?: number;
}

/**
 * Events per second over the last {@link RecentRateOptions.spanMs} (default one hour), from
 * counts added with their time; less than the span after the first count, over the time since it
 * (at least one minute, so the first events do not make a huge rate).
 */
export class RecentRate {
  readonly #bucketCount: number;
  readonly #counts: Float64Array;
  /** Index (time / bucket length) of the newest bucket written. */
  #newest = -Infinity;
  #since: number | undefined;

  constructor(options: RecentRateOptions = {}) {
    const spanMs = options.spanMs ?? 3_600_000;
    if (!Number.isFinite(spanMs) || spanMs < BUCKET_MS) throw new RangeError(`Expected \`spanMs\` to be at least ${BUCKET_MS}, got ${String(spanMs)}`);
    this.#bucketCount = Math.round(spanMs / BUCKET_MS);
    this.#counts = new Float64Array(this.#bucketCount);
  }

  /** Adds `events` (any weight, e.g. a share) at `now` (ms). */
  add(events: number, now: number): void {
    this.#advance(now);
    this.#since ??= now;
    this.#counts[Math.floor(now / BUCKET_MS) % this.#bucketCount]! += events;
  }

  /** Events per second at `now`; 0 before any count. */
  perSecond(now: number): number {
    if (this.#since === undefined) return 0;
    this.#advance(now);
    const total = this.#counts.reduce((sum, n) => sum + n, 0);
    const spanMs = Math.min(this.#bucketCount * BUCKET_MS, Math.max(BUCKET_MS, now - this.#since));
    return total / (spanMs / 1000);
  }

  /** Clears the buckets that fell out of the span since the last call. */
  #advance(now: number): void {
    const index = Math.floor(now / BUCKET_MS);
    if (index <= this.#newest) return;
    const stale = Math.min(this.#bucketCount, index - this.#newest);
    for (let i = 0; i < stale; i++) this.#counts[(index - i) % this.#bucketCount] = 0;
    this.#newest = index;
  }
}

import { setMaxListeners } from 'node:events';
import type { Limiter, RateInfo } from './limiter';

/**
 * Requests one account has under way at most. Several batches of one bucket go together, so the
 * limiter's grants alone (10 000 a window on a high tier) would open as many connections at once;
 * this many keep a tier's window busy at any round-trip time worth having.
 */
export const MAX_IN_FLIGHT = 64;

/** A request the loop may send: `send` starts it, `apply` is given its answer. */
export interface Job<R extends RateInfo> {
  send(signal: AbortSignal): Promise<R>;
  apply(result: R): void;
}

/** What the loop asks of the account it sends for. */
export interface SendLoopHost<R extends RateInfo> {
  /** When the next request is ready (≤ now: ready now; Infinity: nothing to send until woken). */
  readyAt(now: number): number;
  /**
   * Claims the oldest ready request; undefined when none is ready any more (the state changed
   * while the loop waited for its slot). Whenever `readyAt(now)` ≤ now, `claim(now)` has one.
   */
  claim(now: number): Job<R> | undefined;
  /** The loop started (true) or stopped (false) waiting for the limiter's slot. */
  waiting(waiting: boolean): void;
}

/**
 * One account's sender: waits for a ready request, takes a slot for it from the limiter, sends
 * it, and repeats; each answer is passed to the limiter, then to the request's `apply`. No slot
 * is taken before a request is ready; one whose request is gone once it is granted (a stop, a
 * drop, an answer that changed the account meanwhile) is released, unused. Requests of different jobs
 * (and batches of one bucket whose events carry their own times) may be in flight together; the
 * limiter decides how many (one at a time while it follows the server), at most
 * {@link MAX_IN_FLIGHT}. It stops when `signal` aborts.
 */
export class SendLoop<R extends RateInfo> {
  readonly #limiter: Limiter;
  readonly #host: SendLoopHost<R>;
  readonly #signal: AbortSignal;
  readonly #now: () => number;
  #wake: (() => void) | undefined;
  readonly #sending = new Set<Promise<void>>();

  constructor(limiter: Limiter, host: SendLoopHost<R>, signal: AbortSignal, now: () => number) {
    this.#limiter = limiter;
    this.#host = host;
    this.#signal = signal;
    this.#now = now;
    // Every request under way listens for the stop.
    setMaxListeners(MAX_IN_FLIGHT + 10, signal);
  }

  /** Requests in flight: each settles once its answer is applied. */
  get sending(): ReadonlySet<Promise<void>> {
    return this.#sending;
  }

  /** Resolves once every request in flight has its answer applied, or after `ms`, whichever comes first. */
  async settled(ms: number): Promise<void> {
    if (this.#sending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(this.#sending), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Something may have become ready (a submit, a flush, an answer). */
  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Runs until the signal aborts. */
  async run(): Promise<void> {
    const signal = this.#signal;
    signal.addEventListener('abort', () => this.wake(), { once: true });
    while (!signal.aborted) {
      if (this.#sending.size >= MAX_IN_FLIGHT) {
        await this.#sleep(Infinity);
        continue;
      }
      const at = this.#host.readyAt(this.#now());
      if (at > this.#now()) {
        await this.#sleep(at);
        continue;
      }
      this.#host.waiting(true);
      let slot;
      try {
        slot = await this.#limiter.take(signal);
      } catch {
        return;
      } finally {
        this.#host.waiting(false);
      }
      if (signal.aborted) return this.#limiter.release(slot);
      const job = this.#host.claim(this.#now());
      if (!job) {
        this.#limiter.release(slot);
        // A host whose readyAt still says now has nothing after all: wait for a wake, not spin.
        const next = this.#host.readyAt(this.#now());
        await this.#sleep(next > this.#now() ? next : Infinity);
        continue;
      }
      const sending = job.send(signal).then((result) => {
        this.#limiter.observe(slot, result);
        this.#sending.delete(sending);
        job.apply(result);
        this.wake();
      });
      this.#sending.add(sending);
    }
  }

  /** Resolves at `at` (never when Infinity) or on {@link wake}, whichever comes first. */
  #sleep(at: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = at === Infinity ? undefined : setTimeout(() => this.wake(), Math.max(0, at - this.#now()));
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * The contract between the engine's send loop and whatever paces its requests: the rate limit of
 * one access key. Two implementations: the plain fixed-window limiter of one process (it follows
 * the server's `X-RateLimit-*` headers and `Retry-After`), and the Redis-shared window that every
 * process on the key takes its slots from (`rateShare: 'redis'`).
 */

/** What a response said about the rate limit (headers as numbers; `status` 0 for network errors). */
export interface RateInfo {
  status: number;
  /** `X-RateLimit-Limit`: requests per window. */
  limit?: number;
  /** `X-RateLimit-Remaining`: requests the server's window has left after this one. */
  remaining?: number;
  /** `X-RateLimit-Reset`: unix epoch seconds of the server window's end, rounded up. */
  reset?: number;
  /** `Retry-After` seconds (429 only). */
  retryAfter?: number;
}

/**
 * One granted request slot: send one request on it at once, then pass its answer to
 * {@link Limiter.observe}; or, when there is nothing to send on it after all, {@link Limiter.release} it.
 */
export interface Slot {
  /** ms since 1970 when the slot was granted. */
  readonly grantedAt: number;
}

/**
 * How the key's limit is shared, as the account's status shows it:
 * - `alone`: no answer has shown another client on the key;
 * - `shared`: answers showed other clients (a `Remaining` below this process's own count, or a
 *   429): the limiter follows the server's `Remaining` and `Retry-After`;
 * - `redis`: slots come from the window kept in Redis, shared exactly with the other processes;
 * - `redis-down`: Redis is configured but unreachable: limiting locally (as `alone`/`shared`)
 *   until it is back.
 */
export type Sharing = 'alone' | 'shared' | 'redis' | 'redis-down';

/** The current window as the limiter sees it (for status and the sidebar). */
export interface WindowView {
  /** Requests per window, as last learnt. */
  limit: number;
  /** Slots used in the current window (this process's, or all processes' with Redis). */
  used: number;
  /** ms since 1970 when the current window ends; undefined while its end is not known yet. */
  endsAt?: number;
}

/** Paces one account's requests (see the file's TSDoc). */
export interface Limiter {
  /**
   * Resolves with a slot once the window has room for one more request. Slots are granted in
   * the order they were asked for. Rejects with the signal's reason once `signal` aborts.
   */
  take(signal?: AbortSignal): Promise<Slot>;
  /** The answer to the request sent on `slot`; every slot taken gets exactly one call of this or {@link Limiter.release}. */
  observe(slot: Slot, info: RateInfo): void;
  /**
   * Gives back a slot no request was sent on (nothing was left to send once it was granted): its
   * window has room for one more request again, as if the slot had never been taken.
   */
  release(slot: Slot): void;
  /** How the key's limit is shared now. */
  readonly sharing: Sharing;
  /** ms since 1970 until which no slot is free (0 when one is): a 429's `Retry-After`, or a spent window. */
  readonly blockedUntil: number;
  /** The current window. */
  window(): WindowView;
  /** Stops its timers and connections; `take()`s still waiting reject. */
  close(): Promise<void>;
}

import { Alarm } from './alarm';

/** One granted request slot; hand it back to {@link RateLimiter.observe} with the response. */
export interface SlotTicket {
  /** The local window the slot belongs to. */
  readonly window: number;
  /** Slots of that window used by this process, this one included. */
  readonly used: number;
  /** ms since 1970 when the slot was granted (the request is sent at once). */
  readonly sentAt: number;
  /** True for the request that opened the local window. */
  readonly first: boolean;
}

/** What a response said about the rate limit (headers as numbers; `status` 0 for network errors). */
export interface RateInfo {
  status: number;
  /** `X-RateLimit-Limit`. */
  limit?: number;
  /** `X-RateLimit-Remaining`. */
  remaining?: number;
  /** `X-RateLimit-Reset`: unix epoch seconds of the window's end, rounded up. */
  reset?: number;
  /** `Retry-After` seconds (429 only). */
  retryAfter?: number;
}

/** Options of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Requests per window until a response says otherwise. */
  limit: number;
  /** Window length in ms (the service's is 10 000). */
  windowMs: number;
  /** Added to the local window's end so it never ends before the server's. Default `min(100, ceil(windowMs / 100))`. */
  marginMs?: number;
  /** The clock, ms since 1970. Default `Date.now`. */
  now?: () => number;
}

/** A queued wish for a slot; pass it to {@link RateLimiter.cancel} to withdraw it. */
export interface SlotRequest {
  readonly grant: (ticket: SlotTicket) => void;
}

/**
 * A fixed-window rate limiter that mirrors the server's window for one access key.
 *
 * - The local window opens when its first request is sent, so it starts no earlier than the
 *   server's (which opens on arrival); once that request's response is in, the window's end is
 *   `sentAt + windowMs + max(margin, round trip)`, the latest the server's can end.
 * - When the first response shows that another process had opened the server's window already,
 *   the local window ends at `X-RateLimit-Reset` (plus the margin) instead.
 * - `X-RateLimit-Limit` is adopted; an `X-RateLimit-Remaining` lower than the local budget left
 *   lowers the budget (another process shares the key), and the next window leaves that much room
 *   for the others again; `Remaining` 0 closes the window until the reset.
 * - A 429 blocks every slot for `Retry-After` (else until the reset, else one window).
 *
 * Slots are granted in the order they were asked for.
 */
export class RateLimiter {
  /** Requests per window, as last learnt. */
  limit: number;
  readonly windowMs: number;
  readonly marginMs: number;
  readonly #now: () => number;
  readonly #waiters: SlotRequest[] = [];
  #window = 0;
  #windowEnd = -Infinity;
  #used = 0;
  #budget: number;
  /** Slots the other processes on the key took in the last window. */
  #others = 0;
  #firstPending = false;
  #blockedUntil = 0;
  readonly #alarm: Alarm;

  constructor(options: RateLimiterOptions) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.marginMs = options.marginMs ?? Math.min(100, Math.ceil(options.windowMs / 100));
    this.#now = options.now ?? Date.now;
    this.#budget = options.limit;
    this.#alarm = new Alarm(() => this.#drain(), this.#now);
  }

  /** Slots waiting to be granted. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** ms since 1970 until which a 429 blocks every slot (0 when none did). */
  get blockedUntil(): number {
    return this.#blockedUntil;
  }

  /** Queues `request`; its `grant` is called (synchronously when a slot is free) with the ticket. */
  acquire(request: SlotRequest): void {
    this.#waiters.push(request);
    this.#drain();
  }

  /** Withdraws a request not granted yet. */
  cancel(request: SlotRequest): void {
    const at = this.#waiters.indexOf(request);
    if (at >= 0) this.#waiters.splice(at, 1);
    if (this.#waiters.length === 0) this.#alarm.clear();
  }

  /** Returns a slot that was granted but not used for a request. */
  giveBack(ticket: SlotTicket): void {
    if (ticket.window === this.#window) {
      this.#used -= 1;
      if (ticket.first) this.#firstPending = false;
      if (this.#used === 0) this.#windowEnd = -Infinity;
    }
    this.#drain();
  }

  /** Learns from the response to the request sent on `ticket` (received now). */
  observe(ticket: SlotTicket, info: RateInfo): void {
    const receivedAt = this.#now();
    if (info.limit !== undefined && Number.isInteger(info.limit) && info.limit > 0 && info.limit !== this.limit) {
      this.#budget += info.limit - this.limit;
      this.limit = info.limit;
    }
    const current = ticket.window === this.#window;
    if (current && ticket.first) {
      this.#firstPending = false;
      const opened = info.remaining === undefined || info.remaining >= this.limit - 1;
      if (opened || info.reset === undefined) {
        this.#windowEnd = ticket.sentAt + this.windowMs + Math.max(this.marginMs, receivedAt - ticket.sentAt);
      } else {
        this.#windowEnd = info.reset * 1000 + this.marginMs;
      }
    }
    if (current && info.remaining !== undefined && info.status !== 429) {
      const left = this.#budget - ticket.used;
      if (info.remaining < left) this.#budget -= left - info.remaining;
      if (info.remaining === 0 && info.reset !== undefined) {
        this.#windowEnd = Math.min(this.#windowEnd, info.reset * 1000 + this.marginMs);
      }
    }
    if (info.status === 429) {
      const until =
        info.retryAfter !== undefined
          ? receivedAt + info.retryAfter * 1000
          : info.reset !== undefined
            ? info.reset * 1000 + this.marginMs
            : receivedAt + this.windowMs;
      this.#blockedUntil = Math.max(this.#blockedUntil, until);
      this.#windowEnd = -Infinity;
      this.#firstPending = false;
    }
    this.#drain();
  }

  /** Drops waiting requests and the timer (the registry calls this when the last user leaves). */
  dispose(): void {
    this.#waiters.length = 0;
    this.#alarm.clear();
  }

  #drain(): void {
    while (this.#waiters.length > 0) {
      const now = this.#now();
      if (now < this.#blockedUntil) return this.#alarm.set(this.#blockedUntil);
      if (now >= this.#windowEnd) {
        // The server counts the first request on arrival: until its answer, its window's end is unknown.
        if (this.#firstPending) return this.#alarm.clear();
        this.#openWindow(now);
      }
      if (this.#used >= this.#budget) return this.#alarm.set(this.#windowEnd);
      this.#used += 1;
      const ticket: SlotTicket = { window: this.#window, used: this.#used, sentAt: now, first: this.#used === 1 };
      if (ticket.first) this.#firstPending = true;
      this.#waiters.shift()!.grant(ticket);
    }
    this.#alarm.clear();
  }

  #openWindow(now: number): void {
    // After an idle window the others' share is stale: start from the whole limit again.
    const recent = now - this.#windowEnd < this.windowMs;
    this.#others = recent ? Math.max(0, Math.min(this.limit - 1, this.limit - this.#budget)) : 0;
    this.#window += 1;
    this.#used = 0;
    this.#budget = this.limit - this.#others;
    this.#windowEnd = now + this.windowMs + this.marginMs;
  }
}

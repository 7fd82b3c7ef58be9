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
 * A fixed-window rate limiter that mirrors the server's window for one access key, shared with
 * other processes it cannot talk to: the server's answers are its only source of truth.
 *
 * Windows:
 * - The local window opens when its first request is sent, so it starts no earlier than the
 *   server's (which opens on arrival). When that request's answer says `X-RateLimit-Remaining`
 *   = limit - 1, this request opened the server's window: it arrived between sending and
 *   answering, so the window ends at the latest at `receivedAt + windowMs`, and the local
 *   window ends at `max(sentAt + windowMs + margin, receivedAt + windowMs)`. This needs no
 *   clock agreement with the server, and is exact to one round trip.
 * - When the first answer shows that another process opened the server's window, it ends at
 *   `X-RateLimit-Reset` (whole seconds, so up to a second late; it needs the clocks to agree,
 *   hence the margin), and no later than the first answer's `receivedAt + windowMs`.
 * - No new window opens before the previous window's first answer is in: until then its end is
 *   unknown.
 *
 * Counting:
 * - `X-RateLimit-Limit` is adopted. A `Remaining` lower than the local budget left lowers the
 *   budget, so this process keeps within the server's count; `Remaining` 0 closes the window
 *   until the reset.
 * - Others are seen when `limit - Remaining` exceeds every request this process sent in the
 *   window. Until a whole window has passed in which no answer showed others (so also at
 *   start), and while others were seen in this window or the last, the limiter is cautious:
 *   one request in flight at a time, and a request only while the server's last `Remaining`
 *   is above a reserve. The reserve is the most requests the others slipped in between two
 *   answers of this process (this window and the last), raised by one after each 429 (that
 *   raise lasts until a window passes without others, not just two windows): it keeps
 *   room for the others' requests in flight and for their first request of a window, so
 *   processes that each follow these rules do not trip the limit while their timing holds.
 *   Alone, the whole budget goes out at once.
 * - A 429 blocks every slot for `Retry-After` (else until the reset, else one window), and
 *   makes the limiter cautious.
 *
 * Jitter at window starts is left out on purpose: the processes' windows already end at
 * different moments (only the opener knows the end to the round trip), and a first request
 * of a window that meets the others' is one request each, which the reserve leaves room for.
 * Sharing costs throughput: the reserve stays unused at the end of each window, the requests
 * of a cautious process go one after the other, and a slow answer (up to `requestTimeout`)
 * holds back the next request. Zero 429s is not guaranteed (a process that joins while another
 * sends its whole budget at once, or timing that changes faster than the reserve learns, can
 * still trip the limit); each 429 is waited out and makes the reserve larger.
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
  #firstPending = false;
  #blockedUntil = 0;
  /** Granted slots whose answer is not in (nor given back). */
  #inFlight = 0;
  /** The server's `Remaining` after this process's latest answered request of the window. */
  #remaining: number | undefined;
  /** The last window in which an answer showed other processes on the key (-1: none yet). */
  #othersSeen = -1;
  /** A whole window passed in which answers came and none showed others. */
  #alone = false;
  /** Answers in the current window. */
  #answers = 0;
  /** The reserve learnt in the current window and in the previous one. */
  #reserveNow = 0;
  #reservePrev = 0;
  /** Raised by each 429 while the key is shared; kept until the limiter is alone again. */
  #floor = 0;
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

  /** True while the limiter shares the key carefully (see the class notes). */
  get cautious(): boolean {
    return !this.#alone || this.#window - this.#othersSeen <= 1;
  }

  /** Slots the limiter leaves in each window for the other processes' requests in flight. */
  get reserve(): number {
    return Math.max(this.#reserveNow, this.#reservePrev, this.#floor);
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
    this.#inFlight -= 1;
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
    this.#inFlight -= 1;
    if (info.limit !== undefined && Number.isInteger(info.limit) && info.limit > 0 && info.limit !== this.limit) {
      this.#budget += info.limit - this.limit;
      this.limit = info.limit;
    }
    const current = ticket.window === this.#window;
    if (current) this.#answers += 1;
    if (current && ticket.first) {
      this.#firstPending = false;
      const latest = Math.max(ticket.sentAt + this.windowMs + this.marginMs, receivedAt + this.windowMs);
      const opened = info.remaining === undefined || info.remaining >= this.limit - 1;
      this.#windowEnd = opened || info.reset === undefined ? latest : Math.min(latest, info.reset * 1000 + this.marginMs);
    }
    if (current && info.remaining !== undefined && info.status !== 429) this.#count(ticket, info.remaining, info.reset);
    if (info.status === 429) {
      const until =
        info.retryAfter !== undefined
          ? receivedAt + info.retryAfter * 1000
          : info.reset !== undefined
            ? info.reset * 1000 + this.marginMs
            : receivedAt + this.windowMs;
      this.#blockedUntil = Math.max(this.#blockedUntil, until);
      // Answers still due in the window a 429 ended say nothing about the next one.
      this.#window += 1;
      this.#windowEnd = -Infinity;
      this.#firstPending = false;
      // A learnt reserve lasts two windows; the one a 429 taught lasts while the key is shared, so
      // the same collision at a window's edge does not come back every few windows.
      this.#floor = this.reserve + 1;
      this.#othersSeen = this.#window;
      this.#alone = false;
    }
    this.#drain();
  }

  /** Keeps within the server's count after an answer of the current window said `remaining`. */
  #count(ticket: SlotTicket, remaining: number, reset: number | undefined): void {
    const left = this.#budget - ticket.used;
    if (remaining < left) this.#budget -= left - remaining;
    if (remaining === 0 && reset !== undefined) this.#windowEnd = Math.min(this.#windowEnd, reset * 1000 + this.marginMs);
    if (this.limit - remaining > this.#used) {
      this.#othersSeen = this.#window;
      this.#alone = false;
    }
    // One request in flight at a time when cautious: what else went since the last answer was the others'.
    if (this.#remaining !== undefined && remaining < this.#remaining) {
      this.#reserveNow = Math.max(this.#reserveNow, this.#remaining - remaining - 1);
    }
    this.#remaining = remaining;
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
      if (this.cautious) {
        if (this.#inFlight > 0) return this.#alarm.clear();
        if (this.#remaining !== undefined && this.#remaining <= this.reserve) return this.#alarm.set(this.#windowEnd);
      }
      this.#used += 1;
      this.#inFlight += 1;
      const ticket: SlotTicket = { window: this.#window, used: this.#used, sentAt: now, first: this.#used === 1 };
      if (ticket.first) this.#firstPending = true;
      this.#waiters.shift()!.grant(ticket);
    }
    this.#alarm.clear();
  }

  #openWindow(now: number): void {
    if (this.#answers > 0 && this.#othersSeen < this.#window) {
      this.#alone = true;
      this.#floor = 0;
    }
    this.#window += 1;
    this.#used = 0;
    this.#answers = 0;
    this.#remaining = undefined;
    this.#budget = this.limit;
    this.#reservePrev = this.#reserveNow;
    this.#reserveNow = 0;
    this.#windowEnd = now + this.windowMs + this.marginMs;
  }
}

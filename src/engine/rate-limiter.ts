import { Alarm } from './alarm';

/** ms added to a window end learnt from a round trip: both clocks count whole ms. */
const EDGE_MS = 2;

/** A cycle (answer to answer) longer than this many typical ones + 1 ms (the clock's step) is slow: it does not teach the reserve. */
const SLOW_CYCLE = 1.25;

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
  /** True when no other request of this process was in flight as it was granted. */
  readonly solo: boolean;
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
  /**
   * Added to a window end taken from `X-RateLimit-Reset`, for clocks that disagree with the
   * server's. Default `min(100, ceil(windowMs / 100))`.
   */
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
 *   server's (which opens on arrival). The server counts a request before answering it, so the
 *   window that request was counted in ends by the answer's `receivedAt + windowMs`: when the
 *   first answer says `X-RateLimit-Remaining` = limit - 1 (this request opened the server's
 *   window), the local window ends there (plus 2 ms for both clocks counting whole ms). This
 *   needs no clock agreement with the server and is exact to one round trip, so windows follow
 *   each other about one round trip apart.
 * - When the first answer shows that another process opened the server's window, it ends at
 *   `X-RateLimit-Reset` (whole seconds, so up to a second late; it needs the clocks to agree,
 *   hence the margin), and no later than the first answer's `receivedAt + windowMs`.
 * - No new window opens before the previous window's first answer is in: until then its end is
 *   unknown.
 * - Should the first request after a window this process opened be refused by a window that
 *   ends within half a window (the old one, still open), the server is taken to keep its windows
 *   until the reset second, and from then on every window ends no earlier than
 *   `X-RateLimit-Reset` + margin. The emulator ends them at `windowMs`; the service does not
 *   document it, so one 429 teaches it.
 *
 * Counting:
 * - `X-RateLimit-Limit` is adopted. A `Remaining` lower than the local budget left lowers the
 *   budget, so this process keeps within the server's count; `Remaining` 0 closes the window
 *   until the reset.
 * - Others are seen when `limit - Remaining` exceeds every request this process sent in the
 *   window. Until a whole window has passed in which no answer showed others (so also at
 *   start), and while others were seen in this window or the last, the limiter is cautious:
 *   one request in flight at a time, and a request only while the server's last `Remaining`
 *   is above a reserve. Once the server has counted a request that left `Remaining` at or
 *   below every process's reserve, each process gets at most one more request counted (the
 *   one in flight, or one sent on an older answer, or the first of a window it opens late), so
 *   a reserve of one slot per other process keeps every process within the limit, and leaves
 *   nothing unused when they all have a backlog. The number of others is read from the
 *   requests they slipped in between two answers of this process: the most seen in this window
 *   or the last, counting only cycles (answer to answer, for requests sent on their own) no
 *   slower than 1.25 times this process's typical one + 1 ms, since during a slow answer (or a
 *   pause) each other process sends several. Each 429 raises the reserve by one, and that raise
 *   lasts until a window passes without others.
 * - A cautious window sends only its first request until the previous window's
 *   `X-RateLimit-Reset` (+ margin), the moment every process on the key knows that window has
 *   ended. The process that opens the server's window knows its end to the round trip, the
 *   others only to the whole second: without this pause the opener would use the window alone
 *   before the others join, its reserve would learn nothing of them, and their first requests
 *   would meet a spent window. The pause costs no slots (the window still has at least
 *   three quarters of its length to go; a longer pause is skipped), only latency.
 * - Alone, the whole budget goes out at once but for a tenth of the limit (rounded up), which
 *   waits until a second after the previous window's reset (+ margin) and then goes one request
 *   at a time. A process that joins the key knows the window's start only from the reset or
 *   from a 429's whole-second `Retry-After`; without this it would meet a spent window every
 *   time while the lone process has a backlog. With the held slots it gets in, and the lone
 *   process's next answer shows it, so both turn cautious. In its first window a cautious
 *   limiter, which has learnt nothing yet, keeps the same tenth as its reserve, for processes
 *   that start a moment after it.
 * - A 429 blocks every slot for `Retry-After` (else until the reset, else one window), and
 *   makes the limiter cautious.
 *
 * Sharing costs throughput: the requests of a cautious process go one after the other, a slow
 * answer (up to `requestTimeout`) holds back the next request, and the reserve stays unused
 * when the others have nothing to send. Zero 429s is not guaranteed: a process that starts in
 * the middle of a window another has spent, or timing that changes faster than the reserve
 * learns, can still trip the limit; each 429 is waited out and makes the reserve larger.
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
  /** When the latest answer of the current window came in. */
  #answeredAt = 0;
  /** Time from one answer of this process to the next, for requests sent on their own, averaged (Infinity until measured). */
  #typicalCycle = Infinity;
  /** Raised by each 429 while the key is shared; kept until the limiter is alone again. */
  #floor = 0;
  /** The latest `X-RateLimit-Reset` answered (unix seconds). */
  #lastReset: number | undefined;
  /** Until then a cautious window sends only its first request (see the class notes). */
  #joinAt = -Infinity;
  /** Until then an unshared window keeps its last {@link RateLimiter.holdBack} slots (see the class notes). */
  #holdUntil = -Infinity;
  /** The current / previous window was opened on the server by this process's first request. */
  #openedByUs = false;
  #openedPrev = false;
  /** Learnt from a 429: the server's windows last until the reset second, not just windowMs. */
  #endsAtReset = false;
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
    // Nothing learnt yet in the first window: leave room for processes starting a moment later.
    return Math.max(this.#reserveNow, this.#reservePrev, this.#floor, this.#window === 1 ? this.holdBack : 0);
  }

  /** Slots a window keeps for processes that learn of its start late (a tenth of the limit, rounded up). */
  get holdBack(): number {
    return Math.ceil(this.limit / 10);
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
    if (info.reset !== undefined && Number.isFinite(info.reset) && (current || info.status === 429)) this.#lastReset = info.reset;
    if (current) this.#answers += 1;
    if (current && ticket.first) {
      this.#firstPending = false;
      // The server counted the request before answering, so its window ends by receivedAt + windowMs.
      const roundTrip = receivedAt + this.windowMs + EDGE_MS;
      const latest = this.#endsAtReset && info.reset !== undefined ? Math.max(roundTrip, info.reset * 1000 + this.marginMs) : roundTrip;
      const opened = info.remaining === undefined || info.remaining >= this.limit - 1;
      this.#windowEnd = opened || info.reset === undefined ? latest : Math.min(latest, info.reset * 1000 + this.marginMs);
      this.#openedByUs = opened;
    }
    if (current && info.remaining !== undefined && info.status !== 429) this.#count(ticket, info.remaining, info.reset, receivedAt);
    if (info.status === 429) {
      // Refused by a window that ends soon after a window this process opened should have ended:
      // this server keeps its windows open to the whole-second reset.
      if (current && ticket.first && this.#openedPrev && info.reset !== undefined && info.reset * 1000 < ticket.sentAt + this.windowMs / 2) this.#endsAtReset = true;
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
  #count(ticket: SlotTicket, remaining: number, reset: number | undefined, receivedAt: number): void {
    const left = this.#budget - ticket.used;
    if (remaining < left) this.#budget -= left - remaining;
    if (remaining === 0 && reset !== undefined) this.#windowEnd = Math.min(this.#windowEnd, reset * 1000 + this.marginMs);
    if (this.limit - remaining > this.#used) {
      this.#othersSeen = this.#window;
      this.#alone = false;
    }
    // One request in flight at a time when cautious: what else went since the last answer was the others'.
    // A slow answer of ours lets the others send several each, which says nothing about how many they are.
    // Only a request sent on its own makes a cycle; answers to a burst come a moment apart.
    if (this.#remaining !== undefined) {
      const cycle = receivedAt - this.#answeredAt;
      if (!ticket.solo || cycle <= this.#typicalCycle * SLOW_CYCLE + 1) this.#reserveNow = Math.max(this.#reserveNow, this.#remaining - remaining - 1);
      if (ticket.solo) this.#typicalCycle = this.#typicalCycle === Infinity ? cycle : this.#typicalCycle + (Math.min(cycle, 2 * this.#typicalCycle) - this.#typicalCycle) / 8;
    }
    this.#remaining = remaining;
    this.#answeredAt = receivedAt;
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
        if (this.#used > 0 && now < this.#joinAt) return this.#alarm.set(this.#joinAt);
        if (this.#remaining !== undefined && this.#remaining <= this.reserve) return this.#alarm.set(this.#windowEnd);
      } else if (this.#used >= this.#budget - this.holdBack) {
        // Alone, the window's last slots wait until a process that knows only the whole-second reset
        // (or Retry-After) has joined, and then go one at a time, so an answer shows it before they are spent.
        if (now < this.#holdUntil) return this.#alarm.set(this.#holdUntil);
        if (this.#inFlight > 0) return this.#alarm.clear();
      }
      this.#used += 1;
      const ticket: SlotTicket = { window: this.#window, used: this.#used, sentAt: now, first: this.#used === 1, solo: this.#inFlight === 0 };
      if (ticket.first) this.#firstPending = true;
      this.#inFlight += 1;
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
    this.#openedPrev = this.#openedByUs;
    this.#openedByUs = false;
    this.#used = 0;
    this.#answers = 0;
    this.#remaining = undefined;
    this.#budget = this.limit;
    this.#reservePrev = this.#reserveNow;
    this.#reserveNow = 0;
    this.#windowEnd = now + this.windowMs + this.marginMs;
    const join = this.#lastReset === undefined ? -Infinity : this.#lastReset * 1000 + this.marginMs;
    this.#joinAt = join - now <= this.windowMs / 4 ? join : -Infinity;
    // Retry-After counts whole seconds from the 429, so a blocked process may come a second after the reset.
    const hold = (this.#lastReset === undefined ? now : this.#lastReset * 1000) + this.marginMs + 1000;
    this.#holdUntil = hold - now <= this.windowMs / 4 ? hold : -Infinity;
  }
}

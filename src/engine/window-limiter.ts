import type { Limiter, RateInfo, Sharing, Slot, WindowView } from './limiter';

/** Options of a {@link WindowLimiter}. */
export interface WindowLimiterOptions {
  /** Requests per window until an answer's `X-RateLimit-Limit` says otherwise. */
  limit: number;
  /** Window length in ms (the service's is 10 000). */
  windowMs: number;
  /** The clock, ms since 1970. Default `Date.now`. */
  now?: () => number;
}

/** A slot as this limiter hands it out: it knows its window. */
type WindowSlot = Slot & { readonly window: number };

/**
 * The local window, opened by its first slot: `used` slots, `server` the most any answer said the
 * server counted (answers come out of order), `own` taken by this process, `endsAt` set by its
 * first answer, `counted` once a counted answer (with `X-RateLimit-*`) set it.
 */
type Window = { id: number; used: number; server: number; own: number; endsAt?: number; counted: boolean };

type Waiter = { resolve: (slot: Slot) => void; reject: (reason: unknown) => void; signal?: AbortSignal; onAbort: () => void };

/**
 * The plain fixed-window limiter of one process: it uses every slot and follows the server.
 * - Budget: the window's limit minus what it has used; `used` adopts the server's
 *   `limit - remaining` (plus this process's requests still in flight), down as well as up, so a
 *   request the server does not count (bucket creation) costs nothing.
 * - The window opens with its first slot, ends at its first counted answer + `windowMs` (or at
 *   `X-RateLimit-Reset` when another client opened the server's window).
 * - A 429 blocks until `Retry-After` and fills the window: no released slot reopens it.
 * - One request at a time until the first counted answer (is the key's window in use?) and while
 *   'shared' (an answer showed other clients: a `Remaining` below its own count, or a 429; until
 *   a whole window shows none). Alone, a later window opens with one request, then grants the rest
 *   when its answer places the window's end (an answer queued behind a burst would place it late).
 */
export class WindowLimiter implements Limiter {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #waiters: Waiter[] = [];
  #limit: number;
  #win: Window = { id: 0, used: 0, server: 0, own: 0, counted: false };
  /** Slots granted and not yet observed or released. */
  #outstanding = 0;
  /** No slot before it (a 429's `Retry-After`). */
  #retryUntil = 0;
  #sharing: Sharing = 'alone';
  /** The last window in which an answer showed other clients on the key. */
  #sharedIn = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor({ limit, windowMs, now = Date.now }: WindowLimiterOptions) {
    [this.#limit, this.#windowMs, this.#now] = [limit, windowMs, now];
  }

  get sharing(): Sharing { return this.#sharing; }

  get blockedUntil(): number {
    const [now, { used, endsAt }] = [this.#now(), this.#win];
    if (this.#retryUntil > now) return this.#retryUntil;
    return used >= this.#limit && endsAt !== undefined && endsAt > now ? endsAt : 0;
  }

  window(): WindowView { return { limit: this.#limit, used: this.#win.used, endsAt: this.#win.endsAt }; }

  take(signal?: AbortSignal): Promise<Slot> {
    return new Promise<Slot>((resolve, reject) => {
      if (this.#closed) return reject(new Error('the limiter is closed'));
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = (): void => void (this.#waiters.splice(this.#waiters.indexOf(waiter), 1), reject(signal!.reason));
      const waiter: Waiter = { resolve, reject, signal, onAbort };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#grant();
    });
  }

  observe(slot: Slot, info: RateInfo): void {
    this.#outstanding -= 1;
    const win = this.#win;
    const now = this.#now();
    if (info.limit !== undefined && info.limit > 0) this.#limit = info.limit;
    if (info.status === 429) this.#refused(win, info, now);
    else if ((slot as WindowSlot).window !== win.id) return this.#grant(); // a late answer of a past window
    else if (info.remaining !== undefined) this.#counted(win, info.remaining, info.reset, now);
    // An answer without rate headers was not counted: it ends the window only until a counted one does.
    else win.endsAt ??= now + this.#windowMs;
    this.#grant();
  }

  release(_slot: Slot): void {
    // A slot out counts in the current window (granted in it, or carried into it): it comes off there.
    const win = this.#win;
    [win.used, win.own, this.#outstanding] = [Math.max(win.server, win.used - 1), win.own - 1, this.#outstanding - 1];
    this.#grant();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const waiter of this.#waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new Error('the limiter is closed'));
    }
  }

  #counted(win: Window, remaining: number, reset: number | undefined, now: number): void {
    const [serverUsed, first] = [this.#limit - remaining, !win.counted];
    if (serverUsed > win.own) [this.#sharing, this.#sharedIn] = ['shared', win.id];
    else if (first && this.#sharedIn < win.id - 1) this.#sharing = 'alone';
    win.used = Math.min(this.#limit, (win.server = Math.max(win.server, serverUsed)) + this.#outstanding);
    if (!first) return;
    // Another client opened the server's window: it ends at the server's reset, not ours.
    const byOthers = serverUsed > win.own && reset !== undefined;
    [win.counted, win.endsAt] = [true, byOthers ? Math.min(reset * 1000, now + this.#windowMs) : now + this.#windowMs];
  }

  #refused(win: Window, info: RateInfo, now: number): void {
    [this.#sharing, this.#sharedIn] = ['shared', win.id];
    const until = info.retryAfter !== undefined ? now + info.retryAfter * 1000 : info.reset !== undefined ? info.reset * 1000 : now + this.#windowMs;
    this.#retryUntil = Math.max(this.#retryUntil, until);
    [win.used, win.server, win.counted, win.endsAt] = [this.#limit, this.#limit, true, Math.max(win.endsAt ?? 0, this.#retryUntil)];
  }

  /** Grants waiting slots, in order, while the window has room; else wakes up when it may. */
  #grant(): void {
    clearTimeout(this.#timer);
    while (this.#waiters.length > 0) {
      const now = this.#now();
      let win = this.#win;
      // The past window's requests still under way may land in the server's next window: they count in this one.
      if (win.endsAt !== undefined && now >= win.endsAt && now >= this.#retryUntil) win = this.#win = { id: win.id + 1, used: this.#outstanding, server: 0, own: this.#outstanding, counted: false };
      const serial = this.#sharing !== 'alone' || (win.id === 0 ? !win.counted : win.endsAt === undefined);
      if (serial && this.#outstanding > 0) return;
      const wakeAt = Math.max(this.#retryUntil, win.used >= this.#limit ? (win.endsAt ?? Infinity) : 0);
      if (wakeAt > now) {
        if (wakeAt !== Infinity) this.#timer = setTimeout(() => this.#grant(), wakeAt - now);
        return;
      }
      win.used += 1;
      win.own += 1;
      this.#outstanding += 1;
      const waiter = this.#waiters.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve({ grantedAt: now, window: win.id } as WindowSlot);
    }
  }
}

/**
 * The rate limit of one access key shared exactly by every process on it, through a window
 * kept in Redis (`rateShare: 'redis'`; the scripts are in redis-script.ts). While Redis is
 * unreachable, at start or later, the account limits locally with the limiter it is given
 * (the plain limiter, which follows the server's headers and `Retry-After`) and shows
 * `redis-down`; it goes back to Redis by itself, once the local window it was using has ended.
 */
import type { Limiter, RateInfo, Sharing, Slot, WindowView } from './limiter';
import { RedisConnection, type RedisLog } from './redis-connection';
import { NOT_SENT, OBSERVE_SCRIPT, TAKE_SCRIPT } from './redis-script';
import { checkRedisPrefix, checkRedisUrl, windowKey } from './redis-url';

/** What {@link createRedisLimiter} needs; `url`, `accessKey`, `limit` and `local` are required. */
export interface RedisLimiterOptions {
  /** The `redisUrl` credential: `redis://` or `rediss://`, user and password allowed. */
  url: string;
  /** The `redisPrefix` setting: keys are `<prefix>:window:<sha256(accessKey)>`. Default `''` (prefix `initialstate`). */
  prefix?: string;
  /** The account's access key (only its SHA-256 reaches Redis). */
  accessKey: string;
  /** Requests per window until an answer's `X-RateLimit-Limit` says otherwise (the account's tier). */
  limit: number;
  /** The service's window in ms. Default 10 000. */
  windowMs?: number;
  /** ms a request may stay unanswered (the account's `requestTimeout`). Default 10 000. */
  answerMs?: number;
  /** The limiter used while Redis is unreachable; closed with this one. */
  local: Limiter;
  /** Where Redis outages and recoveries are told. Default: nowhere. */
  log?: RedisLog;
  /** Called when {@link Limiter.sharing} changes between `redis` and `redis-down`. */
  onSharing?: (sharing: Sharing) => void;
  /** ms the first connection may take. Default 2000. */
  connectTimeoutMs?: number;
  /** ms a script may take before Redis counts as unreachable. Default 2000. */
  commandTimeoutMs?: number;
  /** Longest ms between reconnection attempts. Default 1000. */
  reconnectMs?: number;
}

function positiveInteger(name: string, value: unknown, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}

/** Waits `ms`, or rejects with the signal's reason once it aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

class RedisLimiter implements Limiter {
  readonly #connection: RedisConnection;
  readonly #key: string;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #answerMs: number;
  readonly #local: Limiter;
  readonly #onSharing?: (sharing: Sharing) => void;
  /** The Redis window each slot granted from Redis was taken in (local slots are not in it). */
  readonly #windows = new WeakMap<Slot, number>();
  readonly #closing = new AbortController();
  #tail: Promise<unknown> = Promise.resolve();
  /** Until when (ms) the local limiter keeps the account after Redis came back. */
  #localUntil = 0;
  #switchBack: NodeJS.Timeout | undefined;
  #view: WindowView;
  #blockedUntil = 0;
  #shown: Sharing = 'redis';

  constructor(options: RedisLimiterOptions, url: string, prefix: string) {
    this.#key = windowKey(prefix, options.accessKey);
    this.#limit = options.limit;
    this.#windowMs = options.windowMs ?? 10_000;
    this.#answerMs = options.answerMs ?? 10_000;
    this.#local = options.local;
    this.#onSharing = options.onSharing;
    this.#view = { limit: this.#limit, used: 0 };
    this.#connection = new RedisConnection({
      url,
      log: options.log,
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      reconnectMs: options.reconnectMs,
      onChange: (up) => this.#connectionChanged(up),
    });
  }

  get sharing(): Sharing {
    return this.#current();
  }

  get blockedUntil(): number {
    return this.sharing === 'redis' ? (this.#blockedUntil > Date.now() ? this.#blockedUntil : 0) : this.#local.blockedUntil;
  }

  window(): WindowView {
    return this.sharing === 'redis' ? { ...this.#view } : this.#local.window();
  }

  take(signal?: AbortSignal): Promise<Slot> {
    const stop = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    const turn = this.#tail.then(() => this.#next(stop));
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  observe(slot: Slot, info: RateInfo): void {
    this.#answer(slot, info, () => this.#local.observe(slot, info));
  }

  release(slot: Slot): void {
    this.#answer(slot, { status: NOT_SENT }, () => this.#local.release(slot));
  }

  /** Tells Redis what became of `slot` (the local limiter, through `local`, when it granted the slot). */
  #answer(slot: Slot, info: RateInfo, local: () => void): void {
    const window = this.#windows.get(slot);
    if (window === undefined) return local();
    this.#windows.delete(slot);
    // With Redis away the slot stays counted in its window there until that window ends.
    if (!this.#connection.up) return;
    const args = [window, info.status, info.remaining ?? -1, info.reset ?? -1, info.retryAfter ?? -1, info.limit ?? -1, this.#windowMs, this.#answerMs];
    this.#connection.run(OBSERVE_SCRIPT, [this.#key], args).then(
      ([used, limit, endsIn, blocked]) => {
        const now = Date.now();
        this.#view = { limit: limit! > 0 ? limit! : this.#limit, used: used!, endsAt: endsIn! >= 0 ? now + endsIn! : undefined };
        this.#blockedUntil = blocked! > 0 ? now + blocked! : 0;
      },
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.#closing.abort(new Error('the rate limiter is closed'));
    clearTimeout(this.#switchBack);
    await Promise.all([this.#connection.close(), this.#local.close()]);
  }

  #current(): Sharing {
    if (this.#connection.connecting) return 'redis';
    return this.#connection.up && Date.now() >= this.#localUntil ? 'redis' : 'redis-down';
  }

  async #next(signal: AbortSignal): Promise<Slot> {
    await this.#connection.ready();
    for (;;) {
      signal.throwIfAborted();
      if (this.#current() !== 'redis') return this.#local.take(signal);
      let reply: number[];
      try {
        reply = await this.#connection.run(TAKE_SCRIPT, [this.#key], [this.#limit, this.#windowMs, this.#answerMs]);
      } catch {
        continue; // Redis went away (the connection told it): the local limiter takes over.
      }
      const [granted, value, used, limit, endsIn] = reply as [number, number, number, number, number];
      const now = Date.now();
      this.#view = { limit, used, endsAt: endsIn >= 0 ? now + endsIn : undefined };
      if (granted === 1) {
        this.#blockedUntil = 0;
        const slot: Slot = { grantedAt: now };
        this.#windows.set(slot, value);
        return slot;
      }
      this.#blockedUntil = now + value;
      await delay(value, signal);
    }
  }

  #connectionChanged(up: boolean): void {
    clearTimeout(this.#switchBack);
    if (up) {
      // Requests the local limiter sent in its current window are not counted in Redis:
      // go back to Redis once that window has ended.
      const local = this.#local.window();
      const now = Date.now();
      this.#localUntil = local.used > 0 && local.endsAt !== undefined && local.endsAt > now ? local.endsAt : 0;
      if (this.#localUntil > now) {
        this.#switchBack = setTimeout(() => this.#tellSharing(), this.#localUntil - now);
        this.#switchBack.unref();
      }
    }
    this.#tellSharing();
  }

  #tellSharing(): void {
    const sharing = this.#current();
    if (sharing === this.#shown) return;
    this.#shown = sharing;
    this.#onSharing?.(sharing);
  }
}

/**
 * A {@link Limiter} whose window is kept in Redis and shared by every process on the access key
 * (see the file's TSDoc). It connects in the background; the first `take()` waits for the
 * first connection attempt (at most `connectTimeoutMs`).
 *
 * @throws TypeError naming `redisUrl` (password masked), `redisPrefix`, `limit`, `windowMs` or
 *   `answerMs` when one is invalid; nothing is connected then.
 */
export function createRedisLimiter(options: RedisLimiterOptions): Limiter {
  const url = checkRedisUrl(options.url);
  const prefix = checkRedisPrefix(options.prefix);
  positiveInteger('limit', options.limit);
  positiveInteger('windowMs', options.windowMs, 10_000);
  positiveInteger('answerMs', options.answerMs, 10_000);
  if (typeof options.accessKey !== 'string' || options.accessKey === '') throw new TypeError('Expected `accessKey` to be a non-empty string');
  return new RedisLimiter(options, url, prefix);
}

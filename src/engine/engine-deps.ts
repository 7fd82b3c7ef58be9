import type { HttpClient } from './http-client';
import type { Limiter } from './limiter';
import { processLimiters, type LimiterRegistry } from './limiter-registry';
import { requestsPerWindow } from './options';
import type { AccountOptions } from './types';

/** What an engine may be given instead of the real thing (tests, the bench, Redis sharing). */
export interface AccountEngineDeps {
  /** HTTP client. Default: Node's `http`/`https` with keep-alive, bound to the options' endpoint and key. */
  http?: HttpClient;
  /** The clock, ms since 1970. Default `Date.now`. */
  now?: () => number;
  /** Uniform in [0, 1) for back-off jitter. Default `Math.random`. */
  random?: () => number;
  /**
   * Where the engine gets the rate limiter for its key when none is given as `limiter`. Default
   * {@link processLimiters}, shared by every engine of the process; a registry of its own makes
   * the engine behave as if it ran in a process of its own (tests of several processes on one key).
   */
  limiters?: LimiterRegistry;
  /**
   * The limiter that paces this engine's requests (e.g. the Redis-shared one). The engine owns
   * it: `close()` closes it. Default: the `WindowLimiter` of `limiters` for the key.
   */
  limiter?: Limiter;
}

/** The limiter an engine uses (see {@link AccountEngineDeps.limiter}) and how it lets go of it at close. */
export function engineLimiter(options: Readonly<AccountOptions>, deps: AccountEngineDeps, now: () => number): { limiter: Limiter; release: () => void } {
  const given = deps.limiter;
  if (given) return { limiter: given, release: () => void given.close() };
  const { endpoint, accessKey, tier, windowMs } = options;
  const limiters = deps.limiters ?? processLimiters;
  const limiter = limiters.acquire(endpoint, accessKey, { limit: requestsPerWindow(tier), windowMs, now });
  return { limiter, release: () => limiters.release(endpoint, accessKey) };
}

/** A warning for an endpoint that sends the key unencrypted (plain http, not this machine); undefined when fine. */
export function plainHttpWarning(endpoint: string): string | undefined {
  const url = new URL(endpoint);
  const loopback = url.hostname === 'localhost' || url.hostname.startsWith('127.') || url.hostname === '[::1]';
  return url.protocol === 'http:' && !loopback ? `Endpoint ${url.origin} is plain http: the access key travels unencrypted` : undefined;
}

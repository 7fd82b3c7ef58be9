/**
 * How an account's rate limit is shared, from its settings: `rateShare: 'local'` (the default:
 * the engine's own limiter) or `'redis'` (the window kept in Redis, {@link createRedisLimiter},
 * with the plain limiter for the times Redis is unreachable).
 */
import type { Limiter, Sharing } from './limiter';
import { requestsPerWindow, resolveAccountOptions } from './options';
import type { RedisLog } from './redis-connection';
import { createRedisLimiter } from './redis-limiter';
import type { AccountOptions } from './types';
import { WindowLimiter } from './window-limiter';

/** The values `rateShare` accepts. */
export const RATE_SHARES = ['local', 'redis'] as const;
/** How an account shares its key's rate limit with other processes. */
export type RateShare = (typeof RATE_SHARES)[number];

/** The account settings (and credential) that choose the limiter, as the editor saves them. */
export interface RateShareSettings {
  /** `'local'` or `'redis'`. Default `'local'` (also for `''` and undefined). */
  rateShare?: unknown;
  /** The `redisUrl` credential (`redis://` or `rediss://`); needed with `'redis'`. */
  redisUrl?: unknown;
  /** Key prefix in Redis. Default `''` (prefix `initialstate`). */
  redisPrefix?: unknown;
}

/** What the account node gives to be told about Redis. */
export interface RedisHooks {
  /** Where outages and recoveries are told. */
  log?: RedisLog;
  /** Called when the limiter's sharing changes (`redis` / `redis-down`). */
  onSharing?: (sharing: Sharing) => void;
}

/**
 * Checks `rateShare`.
 *
 * @throws TypeError naming `rateShare`, its values and the bad one.
 */
export function checkRateShare(value: unknown): RateShare {
  if (value === undefined || value === '') return 'local';
  if (typeof value === 'string' && (RATE_SHARES as readonly string[]).includes(value)) return value as RateShare;
  throw new TypeError(`Expected \`rateShare\` to be one of 'local', 'redis', got ${typeof value === 'string' ? `'${value.slice(0, 40)}'` : typeof value}`);
}

/**
 * The limiter an account with `settings` and engine `input` needs: undefined for `'local'` (the
 * engine makes its own), a Redis-shared one for `'redis'`, to pass as `AccountEngineDeps.limiter`
 * (the engine then owns and closes it).
 *
 * @throws TypeError naming the setting when `rateShare`, `redisUrl`, `redisPrefix` or an engine
 *   option is invalid; nothing is connected then.
 */
export function accountLimiter(settings: RateShareSettings, input: Partial<AccountOptions> & { accessKey: string }, hooks: RedisHooks = {}): Limiter | undefined {
  if (checkRateShare(settings.rateShare) === 'local') return undefined;
  // The engine would reject the same options; check them before anything connects.
  const options = resolveAccountOptions(input);
  const limit = requestsPerWindow(options.tier);
  return createRedisLimiter({
    url: settings.redisUrl as string,
    prefix: settings.redisPrefix as string | undefined,
    accessKey: options.accessKey,
    limit,
    windowMs: options.windowMs,
    answerMs: options.requestTimeout,
    local: new WindowLimiter({ limit, windowMs: options.windowMs }),
    log: hooks.log,
    onSharing: hooks.onSharing,
  });
}

/**
 * The Redis settings of an account (`rateShare: 'redis'`): the `redisUrl` credential and the
 * `redisPrefix`, checked before any connection is tried, and shown only with the password masked.
 */
import { createHash } from 'node:crypto';

/** What the prefix defaults to when `redisPrefix` is empty. */
export const DEFAULT_REDIS_PREFIX = 'initialstate';

/** Longest `redisPrefix` accepted. */
const MAX_PREFIX = 100;

/**
 * `url` with the password of its user part (`redis://user:PASSWORD@host`) replaced by `***`;
 * also for text that is not a valid URL, so that an error can quote what the user typed.
 */
export function maskRedisUrl(url: string): string {
  return url.replace(/(^|[/@])([^:/@]*):[^/]*@/, '$1$2:***@');
}

function quote(text: string): string {
  return `'${text.length > 80 ? `${text.slice(0, 79)}…` : text}'`;
}

/**
 * Checks `redisUrl`: a `redis://` or `rediss://` (TLS) URL with a host, optionally a user, a
 * password, a port and a database number (`/0`).
 *
 * @returns the URL as given (trimmed)
 * @throws TypeError naming `redisUrl` and the rule, quoting the value with its password masked.
 */
export function checkRedisUrl(value: unknown): string {
  const rule = 'Expected `redisUrl` to be a redis:// or rediss:// URL such as redis://user:password@host:6379/0';
  if (typeof value !== 'string' || value.trim() === '') {
    const got = value === undefined || value === '' ? 'nothing (set the Redis URL of the account, or rateShare local)' : typeof value;
    throw new TypeError(`${rule}, got ${got}`);
  }
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${rule}, got ${quote(maskRedisUrl(text))} (not a URL)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(`${rule}, got ${quote(maskRedisUrl(text))} (scheme ${url.protocol.replace(/:$/, '')})`);
  }
  if (!url.hostname) throw new TypeError(`${rule}, got ${quote(maskRedisUrl(text))} (no host)`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,5}$/.test(db)) throw new TypeError(`${rule}, got ${quote(maskRedisUrl(text))} (database '${db}' is not a number)`);
  return text;
}

/**
 * Checks `redisPrefix`: up to 100 characters with no whitespace; `''` or undefined means
 * {@link DEFAULT_REDIS_PREFIX}.
 *
 * @returns the prefix the keys get
 * @throws TypeError naming `redisPrefix` and the rule, quoting the value.
 */
export function checkRedisPrefix(value: unknown): string {
  if (value === undefined || value === '') return DEFAULT_REDIS_PREFIX;
  if (typeof value !== 'string' || value.length > MAX_PREFIX || /\s/.test(value)) {
    const shown = typeof value === 'string' ? quote(value) : typeof value;
    throw new TypeError(`Expected \`redisPrefix\` to be a string of at most ${MAX_PREFIX} characters without spaces, got ${shown}`);
  }
  return value;
}

/**
 * The Redis key that holds the shared window of `accessKey`: `<prefix>:window:<sha256 hex>`.
 * The access key itself is never written to Redis.
 */
export function windowKey(prefix: string, accessKey: string): string {
  return `${prefix}:window:${createHash('sha256').update(accessKey).digest('hex')}`;
}

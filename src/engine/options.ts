import { DEFAULT_ENDPOINT, TIERS, type TierName } from '../event';
import type { AccountOptions } from './types';

/**
 * The default of every account option except `accessKey`:
 * endpoint `https://groker.init.st/api`, tier `'individual'` (30 requests per 10 s), batchSize 10,
 * flushInterval 1000 ms, maxQueue 100 000, overflow `'drop-oldest'`, persist `'off'`,
 * memoryWindow 10 000 (or maxQueue when that is smaller),
 * autoCreate true, monthlyQuota 3 000 000, transport `'json'`, closeTimeout 5000 ms,
 * requestTimeout 10 000 ms, quotaProbeInterval 300 000 ms, backoffBase 1000 ms,
 * backoffCap 60 000 ms, windowMs 10 000 ms.
 */
export const DEFAULT_ACCOUNT_OPTIONS: Readonly<Omit<AccountOptions, 'accessKey'>> = Object.freeze({
  endpoint: DEFAULT_ENDPOINT,
  tier: 'individual',
  batchSize: 10,
  flushInterval: 1000,
  maxQueue: 100_000,
  overflow: 'drop-oldest',
  persist: 'off',
  memoryWindow: 10_000,
  autoCreate: true,
  monthlyQuota: 3_000_000,
  transport: 'json',
  closeTimeout: 5000,
  requestTimeout: 10_000,
  quotaProbeInterval: 300_000,
  backoffBase: 1000,
  backoffCap: 60_000,
  windowMs: 10_000,
});

/** Longest value an error message quotes. */
const SHOWN_CHARS = 60;

/** A bad value as an error message shows it: quoted when a string, shortened, with its type. */
export function describeValue(value: unknown): string {
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  let text: string;
  try {
    text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  const shown = text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
  return `${shown} (${type})`;
}

function integerIn(options: Record<string, unknown>, name: string, min: number, max: number): void {
  const value = options[name];
  if (typeof value !== 'number') {
    throw new TypeError(`Expected '${name}' to be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Expected '${name}' to be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
}

function oneOf(options: Record<string, unknown>, name: string, allowed: readonly unknown[]): void {
  const value = options[name];
  if (!allowed.includes(value)) {
    const list = allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ');
    const ErrorType = typeof value === typeof allowed[0] ? RangeError : TypeError;
    throw new ErrorType(`Expected '${name}' to be one of ${list}, got ${describeValue(value)}`);
  }
}

function optionalPath(options: Record<string, unknown>, name: string): void {
  const value = options[name];
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new TypeError(`Expected '${name}' to be a non-empty file path, got ${describeValue(value)}`);
  }
}

/** Requests per window for a tier name or a custom number. */
export function requestsPerWindow(tier: TierName | number): number {
  return typeof tier === 'number' ? tier : TIERS[tier];
}

/**
 * Applies {@link DEFAULT_ACCOUNT_OPTIONS} to `input` and validates every option.
 * Options given as `undefined` take their default.
 *
 * @throws TypeError or RangeError naming the option, the rule and the bad value, e.g.
 *   `Expected 'batchSize' to be an integer from 1 to 10, got 0 (number)`. The access key itself
 *   is never quoted.
 */
export function resolveAccountOptions(input: Partial<AccountOptions> & { accessKey: string }): AccountOptions {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const options = { ...DEFAULT_ACCOUNT_OPTIONS, ...given } as AccountOptions;
  const all = options as unknown as Record<string, unknown>;
  if (typeof options.accessKey !== 'string' || options.accessKey.trim() === '') {
    throw new TypeError(`'accessKey' must be a non-empty string`);
  }
  let url: URL | undefined;
  try {
    url = typeof options.endpoint === 'string' ? new URL(options.endpoint) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`Expected 'endpoint' to be an http or https URL, got ${describeValue(options.endpoint)}`);
  }
  if (typeof options.tier === 'number') integerIn(all, 'tier', 1, 10_000);
  else oneOf(all, 'tier', Object.keys(TIERS));
  integerIn(all, 'batchSize', 1, 10);
  integerIn(all, 'flushInterval', 0, 60_000);
  integerIn(all, 'maxQueue', 1, 10_000_000);
  oneOf(all, 'overflow', ['drop-oldest', 'refuse-newest']);
  oneOf(all, 'persist', ['off', 'file']);
  if (given.memoryWindow === undefined) options.memoryWindow = Math.min(DEFAULT_ACCOUNT_OPTIONS.memoryWindow, options.maxQueue);
  integerIn(all, 'memoryWindow', 1, options.maxQueue);
  optionalPath(all, 'spoolFile');
  if (options.persist === 'file' && options.spoolFile === undefined) {
    throw new TypeError(`Expected 'spoolFile' to be a non-empty file path when 'persist' is 'file', got undefined (undefined)`);
  }
  oneOf(all, 'autoCreate', [true, false]);
  integerIn(all, 'monthlyQuota', 0, Number.MAX_SAFE_INTEGER);
  optionalPath(all, 'quotaFile');
  oneOf(all, 'transport', ['json', 'url']);
  integerIn(all, 'closeTimeout', 0, 14_000);
  integerIn(all, 'requestTimeout', 1, 600_000);
  integerIn(all, 'quotaProbeInterval', 1, 86_400_000);
  integerIn(all, 'backoffBase', 1, 3_600_000);
  integerIn(all, 'backoffCap', options.backoffBase, 3_600_000);
  integerIn(all, 'windowMs', 1, 3_600_000);
  return options;
}

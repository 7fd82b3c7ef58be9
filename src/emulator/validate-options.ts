import { TIERS, type TierName } from '../event';
import { describeValue } from './describe-value';
import type { EmulatorOptions } from './types';

/** Every option of the emulator with its default filled in. */
export interface ResolvedOptions {
  port: number;
  host: string;
  /** Requests per window, the tier name already turned into its number. */
  rateLimit: number;
  windowMs: number;
  maxEventsPerRequest: number;
  monthlyQuota: number;
  /** `undefined` accepts any non-empty key. */
  accessKeys: ReadonlySet<string> | undefined;
  log: (line: string) => void;
  now: () => number;
  maxStoredEvents: number;
  countBuckets: boolean;
  strict: boolean;
}

/** The defaults of {@link EmulatorOptions}. */
export const DEFAULT_OPTIONS: Readonly<Omit<ResolvedOptions, 'accessKeys'>> = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  rateLimit: TIERS.individual,
  windowMs: 10_000,
  maxEventsPerRequest: 10,
  monthlyQuota: 0,
  log: () => {},
  now: Date.now,
  maxStoredEvents: 1_000_000,
  countBuckets: false,
  strict: false,
});

function fail(name: string, rule: string, value: unknown): never {
  throw new TypeError(`Expected \`${name}\` to be ${rule}, got ${describeValue(value)}`);
}

function integer(name: string, value: unknown, min: number, max: number, rule: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(name, rule, value);
  return value;
}

function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

function func<T>(name: string, value: unknown): T {
  if (typeof value !== 'function') fail(name, 'a function', value);
  return value as T;
}

/** Turns a tier name or a request count into requests per window; throws naming `name` otherwise. */
export function resolveRateLimit(value: unknown, name = 'rateLimit'): number {
  if (typeof value === 'string' && Object.hasOwn(TIERS, value)) return TIERS[value as TierName];
  return integer(name, value, 1, 1_000_000, `one of ${Object.keys(TIERS).join(', ')} or an integer from 1 to 1000000`);
}

function accessKeySet(value: unknown): ReadonlySet<string> {
  if (!Array.isArray(value)) fail('accessKeys', 'an array of non-empty strings', value);
  value.forEach((key: unknown, i) => {
    // A wrong key is a secret too: name its position and type, never its text.
    if (typeof key !== 'string' || key === '') fail(`accessKeys[${i}]`, 'a non-empty string', typeof key === 'string' ? key : typeof key);
  });
  return new Set(value as string[]);
}

/** The options `configure()` may change, checked; fields left out stay undefined. */
export function validateRuntimeOptions(options: Omit<EmulatorOptions, 'port' | 'host' | 'log'>): Partial<ResolvedOptions> {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  const out: Partial<ResolvedOptions> = {};
  if (options.rateLimit !== undefined) out.rateLimit = resolveRateLimit(options.rateLimit);
  if (options.windowMs !== undefined) out.windowMs = integer('windowMs', options.windowMs, 1, 86_400_000, 'an integer from 1 to 86400000 (ms)');
  if (options.maxEventsPerRequest !== undefined) {
    out.maxEventsPerRequest = integer('maxEventsPerRequest', options.maxEventsPerRequest, 0, 1_000_000, 'an integer from 0 (no limit) to 1000000');
  }
  if (options.monthlyQuota !== undefined) {
    out.monthlyQuota = integer('monthlyQuota', options.monthlyQuota, 0, Number.MAX_SAFE_INTEGER, 'an integer from 0 (unlimited) and up');
  }
  if (options.accessKeys !== undefined) out.accessKeys = accessKeySet(options.accessKeys);
  if (options.now !== undefined) out.now = func('now', options.now);
  if (options.maxStoredEvents !== undefined) {
    out.maxStoredEvents = integer('maxStoredEvents', options.maxStoredEvents, 1, Number.MAX_SAFE_INTEGER, 'an integer from 1 and up');
  }
  if (options.countBuckets !== undefined) out.countBuckets = boolean('countBuckets', options.countBuckets);
  if (options.strict !== undefined) out.strict = boolean('strict', options.strict);
  return out;
}

/** Checks every option and fills in the defaults; throws a `TypeError` naming the bad option. */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const runtime = validateRuntimeOptions(options);
  return {
    ...DEFAULT_OPTIONS,
    accessKeys: undefined,
    ...runtime,
    port: options.port === undefined ? DEFAULT_OPTIONS.port : integer('port', options.port, 0, 65_535, 'an integer from 0 to 65535'),
    host: options.host === undefined ? DEFAULT_OPTIONS.host : nonEmpty('host', options.host),
    log: options.log === undefined ? DEFAULT_OPTIONS.log : func('log', options.log),
  };
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(name, 'a non-empty string', value);
  return value;
}

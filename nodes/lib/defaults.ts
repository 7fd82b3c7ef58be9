/**
 * The editor's defaults (the `defaults` of each node's `.html`), as the runtime applies them to
 * settings a flow leaves out: a flow written by hand, generated, deployed through the admin API
 * or saved by an older version runs as the editor would have saved it.
 * `test/nodes/defaults.test.ts` compares these with the `.html` files, so the two cannot drift.
 */
import { TIERS } from '../../src/event';
import { DEFAULT_ACCOUNT_OPTIONS } from '../../src/engine/options';
import { FILTER_DEFAULTS } from '../../src/filter/options';

/** `initialstate-stream`'s defaults. */
export const STREAM_DEFAULTS = Object.freeze({
  name: '',
  account: '',
  key: 'topic',
  keyType: 'msg',
  bucketKey: '',
  bucketKeyType: 'str',
  keyPrefix: '',
  separator: '_',
  timestamp: 'message',
  outputs: 0,
  nullValues: 'skip',
  // The filters (src/filter): off unless set.
  ...FILTER_DEFAULTS,
  latestOnly: false,
  sendEvery: false,
} as const);

/**
 * Key of a bare value (a number, string, … payload) when neither msg.topic nor the stream node's
 * Key gives one and the node has no name to lend it.
 */
export const FALLBACK_KEY = 'value';

/** `initialstate-bucket`'s defaults: key and name from the message, else the account's. */
export const BUCKET_DEFAULTS = Object.freeze({
  name: '',
  account: '',
  bucketKey: 'bucketKey',
  bucketKeyType: 'msg',
  bucketName: 'bucketName',
  bucketNameType: 'msg',
} as const);

/**
 * `initialstate-account`'s defaults. The engine applies its own ({@link DEFAULT_ACCOUNT_OPTIONS})
 * to every option the node leaves out, so these are derived from them, not copied.
 */
export const ACCOUNT_DEFAULTS = Object.freeze({
  name: '',
  endpoint: DEFAULT_ACCOUNT_OPTIONS.endpoint,
  bucketKey: '',
  bucketName: '',
  tier: DEFAULT_ACCOUNT_OPTIONS.tier as string,
  rateLimit: TIERS[DEFAULT_ACCOUNT_OPTIONS.tier as keyof typeof TIERS],
  batchSize: DEFAULT_ACCOUNT_OPTIONS.batchSize,
  flushInterval: DEFAULT_ACCOUNT_OPTIONS.flushInterval,
  maxQueue: DEFAULT_ACCOUNT_OPTIONS.maxQueue,
  overflow: DEFAULT_ACCOUNT_OPTIONS.overflow,
  persist: DEFAULT_ACCOUNT_OPTIONS.persist,
  autoCreate: DEFAULT_ACCOUNT_OPTIONS.autoCreate,
  monthlyQuota: DEFAULT_ACCOUNT_OPTIONS.monthlyQuota,
  transport: DEFAULT_ACCOUNT_OPTIONS.transport,
  closeTimeout: DEFAULT_ACCOUNT_OPTIONS.closeTimeout,
  // Settings the account node reads itself (not engine options), as agreed in the brief.
  stayWithinQuota: false,
  rateShare: 'local',
  redisPrefix: '',
});

/**
 * `saved` with each of `defaults` filled in where it is missing (`undefined` or `null`; a JSON
 * flow cannot hold `undefined`, a generated one may hold `null`). Other values are kept as saved.
 */
export function withDefaults<D extends object, S extends object>(defaults: D, saved: S): Omit<S, keyof D> & { [K in keyof D]: K extends keyof S ? Exclude<S[K], null | undefined> | D[K] : D[K] } {
  const out: Record<string, unknown> = { ...(saved as Record<string, unknown>) };
  for (const [name, value] of Object.entries(defaults)) if (out[name] === undefined || out[name] === null) out[name] = value;
  return out as never;
}

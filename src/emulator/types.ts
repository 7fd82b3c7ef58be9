/**
 * The emulator's public contract (implemented in `server.ts` beside this file, started with
 * `startEmulator()` from `index.ts`). Tests, `npm start` and the bench all use it.
 */
import type { EventValue, TierName } from '../event';

/** Options of the emulator. Every one has a default. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default `'127.0.0.1'`. */
  host?: string;
  /** Requests per window per access key: tier name or number. Default `'individual'` (30). */
  rateLimit?: TierName | number;
  /** Window length in ms (fixed window opened by the first request). Default 10 000. */
  windowMs?: number;
  /** Events allowed in one request; more answers 400. 0 = no limit. Default 10. */
  maxEventsPerRequest?: number;
  /** Events per access key before 402 answers. 0 = unlimited. Default 0. */
  monthlyQuota?: number;
  /** Access keys accepted; others get 401. Default: any non-empty key. */
  accessKeys?: string[];
  /** Where request log lines go (never containing an access key). Default: nowhere. */
  log?: (line: string) => void;
  /**
   * The clock, in ms since 1970, behind rate windows, fault durations, arrival times and the
   * 10-year rule. Tests pass a controllable one to drive the window without sleeping.
   * Default `Date.now`.
   */
  now?: () => number;
  /** Events kept in memory; beyond it the oldest are forgotten (quota counts are kept). Default 1 000 000. */
  maxStoredEvents?: number;
  /**
   * Whether `POST /buckets` counts against the rate window like an `/events` request. When false,
   * bucket creation neither takes a slot nor is refused with 429, and its answer carries no
   * `X-RateLimit-*` headers. Default false.
   */
  countBuckets?: boolean;
  /**
   * Types events exactly as the Blueprint does: `epoch` must be a JSON number. When false, a
   * numeric string such as `"1796297611.25"` (what Initial State's Node SDK sends, and the
   * service accepts) is read as that number. Default false.
   */
  strict?: boolean;
}

/** One stored event as the emulator keeps it. */
export interface StoredEvent {
  bucketKey: string;
  key: string;
  value: EventValue;
  /** Seconds since 1970 as stored (client-given, or the server's arrival time). */
  epoch: number;
  /** True when the server stamped it (no timestamp, or one 10+ years old). */
  serverStamped: boolean;
  /** ms since 1970 when the request arrived. */
  receivedAt: number;
}

/** One received request, as the emulator logged it. */
export interface RequestRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  /** Events in the request body / query (0 for buckets). */
  events: number;
  bucketKey?: string;
  at: number;
  /** True when the request took a slot of its access key's rate window. */
  counted: boolean;
}

/** A fault the emulator injects into the next requests to `/api/*`. */
export type Fault =
  | { kind: 'status'; status: number; count?: number; durationMs?: number; retryAfter?: number; body?: string }
  | { kind: 'reset'; count?: number; durationMs?: number }
  | { kind: 'hang'; count?: number; durationMs?: number }
  | { kind: 'slow'; delayMs: number; count?: number; durationMs?: number };

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` (the dashboard). */
  readonly url: string;
  /** `url + '/api'`: the endpoint to give the account node. */
  readonly apiUrl: string;
  readonly port: number;
  /** Events stored, optionally for one access key and/or bucket, in arrival order. */
  events(filter?: { accessKey?: string; bucketKey?: string }): StoredEvent[];
  /** Buckets created (explicitly or by their first event). */
  buckets(filter?: { accessKey?: string }): { bucketKey: string; bucketName?: string; createdAt: number }[];
  /** Every request received, in order. */
  requests(): RequestRecord[];
  /** Counts by status code and totals. */
  stats(): { requests: number; byStatus: Record<number, number>; eventsAccepted: number };
  /** Change the behaviour of the running emulator. */
  configure(options: Omit<EmulatorOptions, 'port' | 'host' | 'log'>): void;
  /** Queue a fault; faults apply in the order given. */
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Forget all events, buckets, requests, windows and quotas. */
  reset(): void;
  /** Stop listening and end open connections. */
  close(): Promise<void>;
}

/**
 * The engine's public contract: what the Node-RED nodes (and the bench) use.
 * Implementation lives beside this file; nothing here imports Node-RED.
 */
import type { IsEvent, TierName } from '../event';
import type { Sharing, WindowView } from './limiter';
import type { QueueHandOver } from './queue-hand-over';

/** What to do with a new event when the queue already holds `maxQueue` events. */
export type OverflowPolicy = 'drop-oldest' | 'refuse-newest';

/** How events travel: JSON `POST /events` (with timestamps) or `GET /events?k=v` (no timestamps). */
export type Transport = 'json' | 'url';

/** Options of one account engine. Every option has a default; see {@link DEFAULT_ACCOUNT_OPTIONS}. */
export interface AccountOptions {
  /** The access key (`ist_…`). Required. Never logged: at most its last 4 characters are shown. */
  accessKey: string;
  /** API base URL. Default `https://groker.init.st/api`. */
  endpoint: string;
  /** Requests per 10 s window: a tier name or a number 1-10000. Default `'individual'` (30). */
  tier: TierName | number;
  /** Events per request, 1-10. Default 10. */
  batchSize: number;
  /** Milliseconds after its oldest event that a partial batch is sent, 0-60000. Default 1000. */
  flushInterval: number;
  /** Events the queue holds at most, 1-10 000 000. Default 100 000. */
  maxQueue: number;
  /** Policy when the queue is full. Default `'drop-oldest'`. */
  overflow: OverflowPolicy;
  /** `'file'` keeps queued events in a spool file so restarts and crashes lose nothing. Default `'off'`. */
  persist: 'off' | 'file';
  /** The spool file's path; required when `persist` is `'file'`. Default none. */
  spoolFile?: string;
  /**
   * With `persist: 'file'`: events of the queue held in memory at most, 1 to `maxQueue`; the rest
   * live only in the spool file and are read back in order as the queue drains, so memory stays
   * flat as the backlog grows. A batch read back for sending may exceed it by up to `batchSize`
   * events until it leaves the queue. While any event is spilled the spool file is not compacted
   * (it is about as big as the backlog then anyway); it is once all are in memory again.
   * Ignored with `persist: 'off'` (all of the queue is in memory).
   * Default 10 000, or `maxQueue` when that is smaller.
   */
  memoryWindow: number;
  /** Create each bucket with `POST /buckets` before its first batch. Default true. */
  autoCreate: boolean;
  /** Events a calendar month the account may send; warns at 80 %, 0 = unlimited. Default 3 000 000. */
  monthlyQuota: number;
  /** File in which the monthly count survives restarts. Default none (kept in memory only). */
  quotaFile?: string;
  /** Transport. Default `'json'`. */
  transport: Transport;
  /** Milliseconds `close()` drains before spooling or reporting the rest, 0-14000. Default 5000. */
  closeTimeout: number;
  /** Milliseconds one HTTP request may take. Default 10 000. */
  requestTimeout: number;
  /** Milliseconds between probes while the monthly quota is used up (402). Default 300 000. */
  quotaProbeInterval: number;
  /** First back-off step in ms for 5xx and network errors (full jitter). Default 1000. */
  backoffBase: number;
  /** Longest back-off in ms. Default 60 000. */
  backoffCap: number;
  /** Length of the service's rate-limit window in ms. Default 10 000 (only the emulator changes it). */
  windowMs: number;
}

/** Why events were not delivered. */
export type DropReason =
  | 'rejected'        // 400: the service said the event is invalid
  | 'overflow'        // the queue was full
  | 'closed'          // not delivered before close (persist off)
  | 'too-large';      // a single event bigger than the body limit

/** An event that was not delivered, with the reason and the service's message where there was one. */
export interface FailedEvent {
  bucketKey: string;
  event: IsEvent;
  reason: DropReason;
  message: string;
}

/** The outcome of one `submit()`: every event is in `delivered` or in `failed`. */
export interface DeliveryResult {
  bucketKey: string;
  /** Events the API acknowledged. */
  delivered: number;
  /** Events not delivered, each with its reason. */
  failed: FailedEvent[];
  /** HTTP attempts the events needed (the most of any of its batches). */
  attempts: number;
  /** Milliseconds from submit to the last acknowledgement. */
  latencyMs: number;
  /** HTTP status of the last response that settled these events (204 on success). */
  status: number;
  /**
   * Events that were still queued at close and are durable in the spool file (`persist: 'file'`):
   * neither delivered nor failed, they are sent after the restart. Unset otherwise.
   */
  spooled?: number;
}

/** The account's state as shown in node status. */
export type AccountState =
  | 'idle'            // nothing queued
  | 'sending'         // queue draining normally
  | 'rate-limited'    // waiting for the rate-limit window
  | 'retrying'        // backing off after 5xx / network errors
  | 'key-rejected'    // 401/403: sending stopped until reconfigured
  | 'quota-exceeded'  // 402: paused, probing every quotaProbeInterval
  | 'spool-unreadable' // the spool file was changed under the engine: sending stopped, restart to recover it
  | 'closed';

/** Counters for status, tests and the bench. */
export interface Counters {
  queued: number;
  inFlight: number;
  delivered: number;
  requests: number;
  retries: number;
  rateLimited: number;   // 429 answers
  dropped: number;
  monthEvents: number;   // events delivered this calendar month
  /** The last error an answer (or the spool) gave: when (ms since 1970) and its cause, the key never in it. */
  lastError?: { at: number; cause: string };
  state: AccountState;
  /** How the key's rate limit is shared (see {@link Sharing}). */
  sharing: Sharing;
  /** The limiter's current window. */
  window: WindowView;
}

/** How many queued events are in memory (see `AccountEngine.memoryStats`). */
export interface MemoryStats {
  /** Queued events held in memory now (not counting those in flight, at most `batchSize` a bucket). */
  resident: number;
  /** The most `resident` has been since the engine started. */
  peakResident: number;
  /** Queued events that live only in the spool file now. */
  spilled: number;
}

/** What `close()` did with what was left. */
export interface CloseReport {
  delivered: number;
  spooled: number;
  undelivered: number;
  /** Events handed over (`close({handOver: true})` without a spool): see {@link CloseReport.handOver}. */
  handedOver: number;
  /** The queue handed over, for the next engine's `adopt()`; set when `handedOver` > 0. */
  handOver?: QueueHandOver;
}

/** Options of `close()`. */
export interface CloseOptions {
  /**
   * Hand the queue to the next configuration instead of reporting it not delivered (persist
   * 'off'; with a spool the spool file keeps it). Close then waits only for the requests in
   * flight, not for the backlog to drain. Default false.
   */
  handOver?: boolean;
}

/** Result of creating a bucket: 201 → created true, 204 → false. */
export interface BucketResult {
  bucketKey: string;
  bucketName?: string;
  created: boolean;
}

/** Events an engine emits (it is an EventEmitter). */
export interface AccountEngineEvents {
  /** The state changed. */
  state: (state: AccountState, detail: string) => void;
  /** Events were dropped (overflow, rejected, closed): never silent. */
  dropped: (failed: FailedEvent[]) => void;
  /**
   * The endpoint could not be reached or failed (network error, DNS, TLS, timeout, 5xx): `cause`
   * short (e.g. `ECONNREFUSED 127.0.0.1:8890`), on every such answer; `undefined` once a request
   * succeeds again after one.
   */
  outage: (cause: string | undefined) => void;
  /** Something a user should see (monthly quota at 80 %, plain http endpoint, spool recovery). */
  warning: (message: string) => void;
}

import { EventEmitter } from 'node:events';
import type { IsEvent } from '../event';
import { accountState, stateReason } from './account-state';
import { BucketError } from './bucket-error';
import { BucketRequests } from './bucket-requests';
import { ticketOf, ticketSlot, type TicketSlot } from './delivery-ticket';
import { DurableQueue, type MemoryStats } from './durable-queue';
import { engineLimiter, plainHttpWarning, type AccountEngineDeps } from './engine-deps';
import { createHttpClient, type HttpClient, type HttpResult } from './http-client';
import type { Limiter } from './limiter';
import { maskKey, redactKey } from './mask-key';
import { MonthCounter } from './month-counter';
import { resolveAccountOptions } from './options';
import { shortCause } from './outage-log';
import { QueueHandOver } from './queue-hand-over';
import { QuotaProbe } from './quota-probe';
import { readyAt } from './ready';
import { classifyResponse, responseMessage, type ResponseKind } from './response';
import { SendLoop } from './send-loop';
import type { AccountEngineEvents, AccountOptions, AccountState, BucketResult, CloseOptions, CloseReport, Counters, DeliveryResult, DropReason, FailedEvent } from './types';

export { CREATE_BUCKET_ATTEMPTS } from './bucket-requests';
export { REFILL_CHUNK, type MemoryStats } from './durable-queue';
export type { AccountEngineDeps } from './engine-deps';
/** ms close waits, after aborting the requests in flight, for their outcome to be known. */
const ABORT_GRACE_MS = 100;

/**
 * Where the engine is in its life: sending ('open', then 'draining' in close), stopped by an
 * answer or the spool until reconfigured, 'handing-over' (close waits for the requests in flight
 * only), 'stopping' once close's deadline passed (no request starts, answers other than success
 * are ignored), then 'closed'.
 */
type Mode = 'open' | 'draining' | 'key-rejected' | 'spool-unreadable' | 'handing-over' | 'stopping' | 'closed';

/**
 * The shared, rate-limited batcher of one account (access key): queues events per bucket and
 * delivers them in batches through one send loop paced by the key's limiter, handling every
 * answer of the Events API (see `initial-state-api.md`). Typed events: {@link AccountEngineEvents}.
 */
export class AccountEngine extends EventEmitter {
  /** The resolved options. */
  readonly options: Readonly<AccountOptions>;
  readonly #http: HttpClient;
  readonly #now: () => number;
  readonly #limiter: Limiter;
  /** Lets go of the limiter, and of the HTTP client when it is the engine's own (close). */
  readonly #release: () => void;
  /** Aborted at close's deadline: ends the send loop and tears down the requests in flight. */
  readonly #abort = new AbortController();
  readonly #loop: SendLoop<HttpResult>;
  readonly #queue: DurableQueue;
  readonly #requests: BucketRequests;
  readonly #month: MonthCounter;
  readonly #quota: QuotaProbe;
  readonly #count = { delivered: 0, rateLimited: 0, dropped: 0 };
  #lastError: { at: number; cause: string } | undefined;
  /** The cause of the failures since the last success (network, 5xx); undefined when the last answer was fine. */
  #outage: string | undefined;
  /** The last error reported by a warning, so a lasting one is not repeated. */
  #warned: string | undefined;
  #state: AccountState = 'idle';
  #mode: Mode = 'open';
  /** Events queued at or before this time are sent without waiting for `flushInterval`. */
  #flushBefore = -Infinity;
  #closing: Promise<CloseReport> | undefined;
  #drained: (() => void) | undefined;

  /**
   * @param options account options; see {@link resolveAccountOptions} (throws on bad ones)
   * @param deps replacements for the HTTP client, clock, randomness and limiter
   */
  constructor(options: Partial<AccountOptions> & { accessKey: string }, deps: AccountEngineDeps = {}) {
    super();
    this.options = Object.freeze(resolveAccountOptions(options));
    const { endpoint, accessKey, requestTimeout } = this.options;
    this.#now = deps.now ?? Date.now;
    this.#quota = new QuotaProbe(this.options.quotaProbeInterval);
    this.#http = deps.http ?? createHttpClient({ endpoint, accessKey, requestTimeout });
    const { limiter, release } = engineLimiter(this.options, deps, this.#now);
    this.#limiter = limiter;
    this.#release = deps.http ? release : () => (release(), this.#http.close());
    const warning = (message: string): boolean => this.emit('warning', message);
    this.#month = new MonthCounter({ file: this.options.quotaFile, quota: this.options.monthlyQuota, now: this.#now, warn: warning });
    const fail = this.#fail.bind(this);
    this.#queue = new DurableQueue(this.options, fail, (bucket) => this.#stop('spool-unreadable', `spool file ${this.#queue.spoolFile} no longer holds the queued events of bucket '${bucket.key}': sending stopped; restart to recover what the file still holds`));
    this.#requests = new BucketRequests(this.#queue, this.#http, this.options, deps.random ?? Math.random, this.#now, {
      phase: () => (this.#mode === 'closed' ? 'closed' : this.#mode === 'stopping' ? 'stopping' : 'open'),
      learn: (kind, message, result) => this.#learn(kind, message, result),
      delivered: (count) => {
        this.#count.delivered += count;
        this.#month.add(count);
      },
      dropped: (failures) => this.emit('dropped', failures),
      warn: warning,
      answered: (detail) => {
        this.#quota.answered();
        this.#refreshState(detail);
        this.#drained?.();
      },
      closedError: (bucketKey) => this.#createError(bucketKey, 'closed'),
    });
    const replayed = this.options.persist === 'file' ? this.#queue.replay(this.#now()) : { failures: [] };
    const loop = { readyAt: (now: number) => this.#readyAt(now), claim: (now: number) => this.#claim(now), waiting: () => this.#refreshState('waiting for the rate-limit window') };
    this.#loop = new SendLoop<HttpResult>(this.#limiter, loop, this.#abort.signal, this.#now);
    void this.#loop.run();
    // Listeners are attached after the constructor returns.
    const warnings = [plainHttpWarning(endpoint), replayed.warning].filter((text): text is string => text !== undefined);
    process.nextTick(() => {
      warnings.forEach(warning);
      if (replayed.failures.length > 0) this.emit('dropped', replayed.failures);
    });
    this.#refreshState('started');
  }

  /** The account's state. */
  get state(): AccountState {
    return this.#state;
  }

  /** A snapshot of the counters. */
  counters(): Counters {
    const { queued, inFlight } = this.#queue;
    const { requests, retries } = this.#requests;
    const lastError = this.#lastError && { ...this.#lastError };
    return { queued, inFlight, ...this.#count, requests, retries, monthEvents: this.#month.count, lastError, state: this.#state, sharing: this.#limiter.sharing, window: this.#limiter.window() };
  }

  /** How many queued events are held in memory, and how many live only in the spool file. */
  memoryStats(): MemoryStats {
    return this.#queue.memoryStats();
  }

  /**
   * Queues events for a bucket (kept by reference: do not change them afterwards).
   * With `persist: 'file'` they are in the spool file before this returns; beyond `memoryWindow`
   * they are only there, and what is sent or reported later is the copy read back from it.
   *
   * @param onSettled called exactly once, when every event is delivered or failed (or, at close,
   *   durable in the spool: `spooled`)
   */
  submit(bucketKey: string, events: IsEvent[], onSettled?: (result: DeliveryResult) => void): void {
    const now = this.#now();
    this.#enqueue(bucketKey, events, ticketSlot(bucketKey, events.length, now, onSettled), now);
  }

  #enqueue(bucketKey: string, events: IsEvent[], slot: TicketSlot | undefined, now: number): void {
    const failures = this.#closing
      ? events.map((event) => this.#fail(bucketKey, event, ticketOf(slot, bucketKey, now), 'closed', 'the account is closing', 1, 0, now))
      : this.#queue.enqueue(bucketKey, events, slot, now);
    if (!this.#closing) {
      this.#loop.wake();
      if (this.#state === 'idle') this.#refreshState('events queued');
    }
    if (failures.length > 0) this.emit('dropped', failures);
    // Only a shared ticket can belong to an empty submit.
    if (typeof slot === 'object') slot.settleIfEmpty(now);
  }

  /** Sends partial batches now instead of waiting for `flushInterval`. */
  flush(): void {
    this.#flushBefore = this.#now();
    this.#loop.wake();
  }

  /**
   * Creates a bucket, as a request of its own through the send loop. 429 answers are waited out
   * and retried; 5xx, network errors, 404 and other unexpected 4xx are retried with back-off, up
   * to `CREATE_BUCKET_ATTEMPTS` (5) attempts in all, or until close.
   * Resolves `{created}`: true for 201, false for 204 (it existed). Rejects with a
   * {@link BucketError} whose `code` is 'key-rejected', 'invalid' (400, 409, 413),
   * 'quota-exceeded', 'http' (attempts used up) or 'closed'.
   */
  createBucket(bucketKey: string, bucketName?: string): Promise<BucketResult> {
    return new Promise((resolve, reject) => {
      if (this.#closing || this.#mode === 'key-rejected' || this.#mode === 'spool-unreadable') return reject(this.#createError(bucketKey));
      this.#queue.bucket(bucketKey).creates.push({ bucketName, resolve, reject, failures: 0 });
      this.#loop.wake();
    });
  }

  /**
   * Drains for up to `closeTimeout`, then keeps what is left in the spool (persist 'file':
   * `spooled`, their submits settle with `spooled`), hands it over (`handOver`, see
   * {@link CloseOptions}) or reports it failed with reason 'closed' (`undelivered`). `delivered`
   * counts the events delivered while closing. Calling it again returns the same promise.
   *
   * Requests still in flight at the deadline are aborted, and close waits up to 100 ms for
   * their outcome: an answer that is already in counts (delivered, with its spool record
   * removed); an aborted request counts as not delivered, so its events are spooled or reported.
   * No request can be answered after close. What remains is inherent to HTTP: a request the
   * server stored but whose answer was lost, or still on its way when aborted, is spooled too
   * and sent again after a restart, so delivery is at-least-once (a duplicate is at most one
   * batch per request in flight at the deadline).
   */
  close(options: CloseOptions = {}): Promise<CloseReport> {
    this.#closing ??= this.#close(options.handOver === true && this.options.persist !== 'file');
    return this.#closing;
  }

  /**
   * Queues the events another engine handed over at its close (see {@link CloseOptions.handOver}),
   * after what this one holds; their submits settle here. Events over `maxQueue` meet the overflow policy.
   */
  adopt(handOver: QueueHandOver): void {
    const now = this.#now();
    const events = handOver.take();
    for (let from = 0, to = 1; from < events.length; from = to++) {
      const { bucketKey, ticket } = events[from]!;
      while (to < events.length && events[to]!.bucketKey === bucketKey && events[to]!.ticket === ticket) to++;
      this.#enqueue(bucketKey, events.slice(from, to).map((handed) => handed.event), ticket, now);
    }
  }

  async #close(handOver: boolean): Promise<CloseReport> {
    const deliveredBefore = this.#count.delivered;
    this.#flushBefore = Infinity;
    this.#loop.wake();
    if (handOver && (this.#mode === 'open' || this.#mode === 'key-rejected')) this.#mode = 'handing-over';
    else if (this.#mode === 'open' && !this.#quota.paused) this.#mode = 'draining';
    const done = (): boolean =>
      this.#mode === 'handing-over' ? this.#loop.sending.size === 0 : this.#mode !== 'draining' || this.#quota.paused || this.#queue.queued + this.#queue.inFlight === 0;
    if (!done()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.closeTimeout);
        this.#drained = () => done() && (clearTimeout(timer), resolve());
      });
    }
    this.#drained = undefined;
    const stoppedBy = this.#mode;
    this.#mode = 'stopping';
    this.#abort.abort();
    if (this.#loop.sending.size > 0) {
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(this.#loop.sending), new Promise((resolve) => (grace = setTimeout(resolve, ABORT_GRACE_MS)))]);
      clearTimeout(grace);
    }
    this.#mode = 'closed';
    for (const bucket of this.#queue.values()) {
      bucket.creates.splice(0).forEach((call) => call.reject(this.#createError(bucket.key, stoppedBy === 'key-rejected' ? 'key-rejected' : 'closed')));
    }
    const { left, failures, handed } = this.#queue.drain(this.#now(), handOver);
    if (failures.length > 0) this.emit('dropped', failures);
    this.#month.close();
    this.#release();
    this.#refreshState('closed');
    const delivered = this.#count.delivered - deliveredBefore;
    if (this.options.persist === 'file') return { delivered, spooled: left, undelivered: 0, handedOver: 0 };
    if (!handOver) return { delivered, spooled: 0, undelivered: left, handedOver: 0 };
    return { delivered, spooled: 0, undelivered: 0, handedOver: left, ...(left > 0 ? { handOver: new QueueHandOver(handed) } : {}) };
  }

  #fail(bucketKey: string, event: IsEvent, ticket: ReturnType<typeof ticketOf>, reason: DropReason, message: string, attempts: number, status: number, now: number): FailedEvent {
    this.#count.dropped += 1;
    return ticket ? ticket.failed(event, reason, message, attempts, status, now) : { bucketKey, event, reason, message };
  }

  #sending(): boolean {
    return this.#mode === 'open' || this.#mode === 'draining';
  }

  /** When the send loop has its next request to make. */
  #readyAt(now: number): number {
    if (!this.#sending()) return Infinity;
    let at = Infinity;
    for (const bucket of this.#queue.values()) at = Math.min(at, readyAt(bucket, this.options, now, this.#flushBefore));
    const { ready, next } = this.#quota.admit(at <= now ? 1 : 0, at, now);
    return ready > 0 ? now : next;
  }

  #claim(now: number): ReturnType<BucketRequests['claim']> {
    if (!this.#sending() || this.#quota.holds(now)) return undefined;
    const job = this.#requests.claim(now, this.#flushBefore);
    if (job) this.#quota.started();
    return job;
  }

  /** Updates the engine-wide state that any answer can change. */
  #learn(kind: ResponseKind, message: string, result: HttpResult): void {
    if (kind === 'ok') {
      this.#warned = undefined;
      if (this.#outage !== undefined) {
        this.#outage = undefined;
        this.emit('outage', undefined);
      }
      if (this.#quota.resume()) this.#refreshState('the service accepts events again');
      return;
    }
    // An outage's cause is the answer itself, without the bucket a creation was for: the endpoint is what fails.
    const cause = shortCause(kind === 'transient' ? redactKey(responseMessage(result), this.options.accessKey) : message);
    this.#lastError = { at: this.#now(), cause };
    if (kind === 'transient') {
      this.#outage = cause;
      this.emit('outage', cause);
    } else if (kind === 'rate-limited') this.#count.rateLimited += 1;
    else if (kind === 'key-rejected') this.#stop('key-rejected');
    else if (kind === 'quota-exceeded') {
      this.#quota.pause(this.#now());
      this.#refreshState('monthly event quota used up');
    } else if ((kind === 'not-found' || kind === 'client-error') && message !== this.#warned) {
      // A setup mistake rather than a passing fault: say so once, not on every retry.
      this.#warned = message;
      this.emit('warning', message);
    }
  }

  /** Sending stops until reconfigured; explicit bucket creations not under way are settled. */
  #stop(mode: 'key-rejected' | 'spool-unreadable', message?: string): void {
    if (this.#mode === 'stopping' || this.#mode === 'closed' || this.#mode === mode) return;
    if (message) this.#lastError = { at: this.#now(), cause: message };
    this.#mode = mode;
    for (const bucket of this.#queue.values()) {
      (bucket.busy ? bucket.creates.splice(1) : bucket.creates.splice(0)).forEach((call) => call.reject(this.#createError(bucket.key)));
    }
    if (message) this.emit('warning', message);
    this.#refreshState(mode === 'key-rejected' ? 'access key rejected' : 'spool unreadable');
  }

  /** Why an explicit bucket creation cannot be made: `code`, else the engine's stop or close. */
  #createError(bucketKey: string, code: 'key-rejected' | 'closed' = this.#mode === 'key-rejected' ? 'key-rejected' : 'closed'): BucketError {
    const why = code === 'key-rejected' ? (this.#lastError?.cause ?? 'access key rejected') : `the account ${this.#closing && this.#mode !== 'closed' && this.#mode !== 'stopping' ? 'is closing' : 'closed'}`;
    return new BucketError(code, `Bucket '${bucketKey}' not created: ${why}`);
  }

  #refreshState(detail: string): void {
    const state = accountState({
      closed: this.#mode === 'closed',
      spoolUnreadable: this.#mode === 'spool-unreadable',
      keyRejected: this.#mode === 'key-rejected',
      quotaPaused: this.#quota.paused,
      pending: this.#queue.queued + this.#queue.inFlight,
      retrying: () => [...this.#queue.values()].some((bucket) => bucket.failures > 0),
      waitingForWindow: this.#limiter.blockedUntil > this.#now(),
    });
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state, `${maskKey(this.options.accessKey)} ${stateReason(state, detail, this.#lastError?.cause)}`);
  }

  // Typed EventEmitter surface.
  declare on: <E extends keyof AccountEngineEvents>(event: E, listener: AccountEngineEvents[E]) => this;
  declare once: <E extends keyof AccountEngineEvents>(event: E, listener: AccountEngineEvents[E]) => this;
  declare off: <E extends keyof AccountEngineEvents>(event: E, listener: AccountEngineEvents[E]) => this;
  declare emit: <E extends keyof AccountEngineEvents>(event: E, ...args: Parameters<AccountEngineEvents[E]>) => boolean;
}

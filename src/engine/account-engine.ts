import { EventEmitter } from 'node:events';
import type { IsEvent } from '../event';
import { accountState, stateReason } from './account-state';
import { AnswerEffects } from './answer-effects';
import { BucketError, describeBucketNotCreated } from './bucket-error';
import { BucketRequests } from './bucket-requests';
import { DeliveryTicket, ticketOf, ticketSlot, type OnSettled, type TicketSlot } from './delivery-ticket';
import { DurableQueue } from './durable-queue';
import { engineLimiter, plainHttpWarning, type AccountEngineDeps } from './engine-deps';
import { createHttpClient, type HttpClient, type HttpResult } from './http-client';
import type { Limiter } from './limiter';
import { describeKeyRejected, maskKey } from './mask-key';
import { MonthCounter } from './month-counter';
import { resolveAccountOptions } from './options';
import { QueueHandOver } from './queue-hand-over';
import { QuotaProbe } from './quota-probe';
import { readyAt } from './ready';
import type { ResponseKind } from './response';
import { SendLoop } from './send-loop';
import type { AccountEngineEvents, AccountOptions, AccountState, BucketResult, CloseOptions, CloseReport, Counters, DeliveryResult, DropReason, FailedEvent, MemoryStats } from './types';

export { CREATE_BUCKET_ATTEMPTS } from './bucket-requests';
export { REFILL_CHUNK } from './durable-queue';
export type { AccountEngineDeps } from './engine-deps';
/** ms close waits, after aborting the requests in flight, for their outcome to be known. */
const ABORT_GRACE_MS = 100;

/**
 * The engine's life: sending ('open'; 'draining' in close), stopped until reconfigured, 'handing-over' (close waits
 * for the requests in flight only), 'stopping' (close's deadline: no request starts, only successes count), 'closed'.
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
  readonly #effects: AnswerEffects;
  readonly #count = { delivered: 0, dropped: 0 };
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
    const http: HttpClient = deps.http ?? createHttpClient({ endpoint, accessKey, requestTimeout });
    const { limiter, release } = engineLimiter(this.options, deps, this.#now);
    this.#limiter = limiter;
    this.#release = deps.http ? release : () => (release(), http.close());
    const warning = (message: string): boolean => this.emit('warning', message);
    this.#effects = new AnswerEffects(accessKey, this.#now, { outage: (cause) => this.emit('outage', cause), warning });
    this.#month = new MonthCounter({ file: this.options.quotaFile, quota: this.options.monthlyQuota, now: this.#now, warn: warning });
    this.#queue = new DurableQueue(this.options, this.#fail.bind(this), (bucket) => this.#stop('spool-unreadable', `spool file ${this.#queue.spoolFile} no longer holds the queued events of bucket '${bucket.key}': sending stopped; restart to recover what the file still holds`));
    this.#requests = new BucketRequests(this.#queue, http, this.options, deps.random ?? Math.random, this.#now, {
      phase: () => (this.#mode === 'closed' ? 'closed' : this.#mode === 'stopping' ? 'stopping' : 'open'),
      learn: (kind, message, result) => this.#learn(kind, message, result),
      delivered: (count) => void ((this.#count.delivered += count), this.#month.add(count)),
      dropped: (failures) => this.emit('dropped', failures),
      warn: warning,
      answered: (detail) => void (this.#quota.answered(), this.#refreshState(detail), this.#drained?.()),
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
    const { lastError, rateLimited } = this.#effects;
    return { queued, inFlight, ...this.#count, rateLimited, requests, retries, monthEvents: this.#month.count, lastError: lastError && { ...lastError }, state: this.#state, sharing: this.#limiter.sharing, window: this.#limiter.window() };
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
   * @param onSettled called exactly once, with `token`, when every event is delivered or failed (or,
   *   at close, durable in the spool: `spooled`); one callback may serve many submits by their tokens
   */
  submit<T>(bucketKey: string, events: IsEvent[], onSettled?: OnSettled<T>, token?: T): void {
    const now = this.#now();
    this.#enqueue(bucketKey, events, ticketSlot(bucketKey, events.length, now, onSettled as OnSettled | undefined, token), now);
  }

  #enqueue(bucketKey: string, events: IsEvent[], slot: TicketSlot | undefined, now: number): void {
    const failures = this.#closing
      ? events.map((event) => this.#fail(bucketKey, event, ticketOf(slot, bucketKey, now), 'closed', 'the account is closing', 1, 0, now))
      : this.#queue.enqueue(bucketKey, events, slot, now);
    if (!this.#closing) this.#loop.wake();
    if (!this.#closing && this.#state === 'idle') this.#refreshState('events queued');
    if (failures.length > 0) this.emit('dropped', failures);
    // Only a shared ticket can belong to an empty submit.
    if (slot instanceof DeliveryTicket) slot.settleIfEmpty(now);
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
   * Requests in flight at the deadline are aborted; close waits up to 100 ms for their outcome.
   * An answer already in counts; an aborted request does not, so its events are spooled or
   * reported. A request the server stored but whose answer was lost is sent again after a
   * restart: delivery is at-least-once (at most one batch per request in flight at the deadline).
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
    for (const { bucketKey, events, ticket } of handOver.takeRuns()) this.#enqueue(bucketKey, events, ticket, now);
  }

  async #close(handOver: boolean): Promise<CloseReport> {
    const deliveredBefore = this.#count.delivered;
    this.#flushBefore = Infinity;
    this.#loop.wake();
    // A runtime stop closes like a redeploy, so drain first unless the key was rejected.
    if (handOver && this.#mode === 'key-rejected') this.#mode = 'handing-over';
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
    await this.#loop.settled(ABORT_GRACE_MS);
    this.#mode = 'closed';
    this.#rejectCreates(stoppedBy === 'key-rejected' ? 'key-rejected' : 'closed', false);
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

  /** Requests may start: not stopped, handing over or closing down. */
  #sending(): boolean {
    return this.#mode === 'open' || this.#mode === 'draining';
  }

  /** When the send loop has its next request to make: a bucket has one, and the quota probe lets it go. */
  #readyAt(now: number): number {
    if (!this.#sending()) return Infinity;
    let at = Infinity;
    for (const bucket of this.#queue.values()) at = Math.min(at, readyAt(bucket, this.options, now, this.#flushBefore));
    return Math.max(at, this.#quota.openAt());
  }

  /** The request {@link #readyAt} says is ready, by its two rules: the quota probe here, the buckets in `claim`. */
  #claim(now: number): ReturnType<BucketRequests['claim']> {
    if (!this.#sending() || this.#quota.openAt() > now) return undefined;
    const job = this.#requests.claim(now, this.#flushBefore);
    if (job) this.#quota.started();
    return job;
  }

  /** What an answer does to the whole account. */
  #learn(kind: ResponseKind, message: string, result: HttpResult): void {
    const effect = this.#effects.learn(kind, message, result);
    if (effect === 'key-rejected') this.#stop('key-rejected');
    else if (effect === 'quota-exceeded') {
      this.#quota.pause(this.#now());
      this.#refreshState('monthly event quota used up');
    } else if (kind === 'ok' && this.#quota.resume()) this.#refreshState('the service accepts events again');
  }

  /** Sending stops until reconfigured; explicit bucket creations not under way are settled. */
  #stop(mode: 'key-rejected' | 'spool-unreadable', message?: string): void {
    if (this.#mode === 'stopping' || this.#mode === 'closed' || this.#mode === mode) return;
    if (message) this.#effects.lastError = { at: this.#now(), cause: message };
    this.#mode = mode;
    this.#rejectCreates(mode === 'key-rejected' ? mode : 'closed', true);
    if (message) this.emit('warning', message);
    this.#refreshState(mode === 'key-rejected' ? 'access key rejected' : 'spool unreadable');
  }

  /** Settles the explicit bucket creations waiting (`underWay`: but those whose request is under way). */
  #rejectCreates(code: 'key-rejected' | 'closed', underWay: boolean): void {
    for (const { key, busy, creates } of this.#queue.values()) creates.splice(underWay && busy ? 1 : 0).forEach((call) => call.reject(this.#createError(key, code)));
  }

  /** Why an explicit bucket creation cannot be made: `code`, else the engine's stop or close. */
  #createError(bucketKey: string, code: 'key-rejected' | 'closed' = this.#mode === 'key-rejected' ? 'key-rejected' : 'closed'): BucketError {
    const why = code === 'key-rejected' ? describeKeyRejected(this.options.accessKey, this.#effects.lastError?.cause ?? '') : `the account ${this.#closing && this.#mode !== 'closed' && this.#mode !== 'stopping' ? 'is closing' : 'closed'}`;
    return new BucketError(code, describeBucketNotCreated(bucketKey, why));
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
    this.emit('state', state, `${maskKey(this.options.accessKey)} ${stateReason(state, detail, this.#effects.lastError?.cause)}`);
  }
  // Typed EventEmitter surface.
  declare on: <E extends keyof AccountEngineEvents>(event: E, listener: AccountEngineEvents[E]) => this;
  declare once: <E extends keyof AccountEngineEvents>(event: E, listener: AccountEngineEvents[E]) => this;
  declare off: <E extends keyof AccountEngineEvents>(event: E, listener: AccountEngineEvents[E]) => this;
  declare emit: <E extends keyof AccountEngineEvents>(event: E, ...args: Parameters<AccountEngineEvents[E]>) => boolean;
}

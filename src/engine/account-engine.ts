import { EventEmitter } from 'node:events';
import { LIMITS, type IsEvent } from '../event';
import { accountState, stateReason } from './account-state';
import { decideCreated, decidePiece, explainAnswer } from './answer';
import type { Bucket, CreateCall, Piece } from './bucket';
import { BucketError } from './bucket-error';
import { BODY_LIMIT, BucketQueues, type MemoryStats } from './bucket-queues';
import { backoffDelay } from './backoff';
import { ticketOf, ticketSlot, type DeliveryTicket, type TicketSlot } from './delivery-ticket';
import { eventBytes } from './event-size';
import { createHttpClient, type HttpClient, type HttpResult } from './http-client';
import type { Limiter } from './limiter';
import { processLimiters, type LimiterRegistry } from './limiter-registry';
import { maskKey, redactKey } from './mask-key';
import { MonthCounter } from './month-counter';
import { requestsPerWindow, resolveAccountOptions } from './options';
import { classifyResponse, responseMessage, type ResponseKind } from './response';
import { QuotaProbe } from './quota-probe';
import { SendLoop, type Job } from './send-loop';
import { shortCause } from './outage-log';
import { QueueHandOver, type HandedEvent } from './queue-hand-over';
import { Spool } from './spool';
import type {
  AccountEngineEvents,
  AccountOptions,
  AccountState,
  BucketResult,
  CloseOptions,
  CloseReport,
  Counters,
  DeliveryResult,
  DropReason,
  FailedEvent,
} from './types';

/** What an engine may be given instead of the real thing (tests, the bench, Redis sharing). */
export interface AccountEngineDeps {
  /** HTTP client. Default: `got` with keep-alive, bound to the options' endpoint and key. */
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
   * it: `close()` closes it. Default: the {@link WindowLimiter} of `limiters` for the key.
   */
  limiter?: Limiter;
}

/** Attempts `createBucket()` makes through 5xx, network errors and unexpected 4xx before it rejects. */
export const CREATE_BUCKET_ATTEMPTS = 5;
/** ms close waits, after aborting the requests in flight, for their outcome to be known. */
const ABORT_GRACE_MS = 100;
export { REFILL_CHUNK, type MemoryStats } from './bucket-queues';

/**
 * Where the engine is in its life: sending ('open', then 'draining' in close), stopped by an
 * answer or the spool until reconfigured, 'handing-over' (close waits for the requests in flight
 * only), 'stopping' once close's deadline passed (no request starts, answers other than success
 * are ignored), then 'closed'.
 */
type Mode = 'open' | 'draining' | 'key-rejected' | 'spool-unreadable' | 'handing-over' | 'stopping' | 'closed';

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]';
}

/**
 * The shared, rate-limited batcher of one account (access key): queues events per bucket and
 * delivers them in batches through one send loop paced by the key's limiter, handling every
 * answer of the Events API (see `initial-state-api.md`). Typed events: {@link AccountEngineEvents}.
 */
export class AccountEngine extends EventEmitter {
  /** The resolved options. */
  readonly options: Readonly<AccountOptions>;
  readonly #http: HttpClient;
  readonly #ownsHttp: boolean;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #limiter: Limiter;
  readonly #releaseLimiter: () => void;
  /** Aborted at close's deadline: ends the send loop and tears down the requests in flight. */
  readonly #abort = new AbortController();
  readonly #loop: SendLoop<HttpResult>;
  readonly #queues: BucketQueues;
  readonly #spool: Spool | undefined;
  readonly #month: MonthCounter;
  readonly #quota: QuotaProbe;
  readonly #count = { delivered: 0, requests: 0, retries: 0, rateLimited: 0, dropped: 0 };
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
    const { endpoint, accessKey } = this.options;
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
    this.#quota = new QuotaProbe(this.options.quotaProbeInterval);
    this.#ownsHttp = deps.http === undefined;
    this.#http = deps.http ?? createHttpClient({ endpoint, accessKey, requestTimeout: this.options.requestTimeout });
    if (deps.limiter) {
      const limiter = deps.limiter;
      this.#limiter = limiter;
      this.#releaseLimiter = () => void limiter.close();
    } else {
      const limiters = deps.limiters ?? processLimiters;
      this.#limiter = limiters.acquire(endpoint, accessKey, { limit: requestsPerWindow(this.options.tier), windowMs: this.options.windowMs, now: this.#now });
      this.#releaseLimiter = () => limiters.release(endpoint, accessKey);
    }
    const warnings: string[] = [];
    const failures: FailedEvent[] = [];
    const url = new URL(endpoint);
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      warnings.push(`Endpoint ${url.origin} is plain http: the access key travels unencrypted`);
    }
    this.#month = new MonthCounter({
      file: this.options.quotaFile,
      quota: this.options.monthlyQuota,
      now: this.#now,
      warn: (message) => this.emit('warning', message),
    });
    if (this.options.persist === 'file') this.#spool = new Spool(this.options.spoolFile!);
    this.#queues = new BucketQueues(this.options, this.#spool, (bucket) => this.#spoolLost(bucket));
    if (this.#spool) failures.push(...this.#replay(warnings));
    this.#loop = new SendLoop<HttpResult>(
      this.#limiter,
      {
        readyAt: (now) => this.#readyAt(now),
        claim: (now) => this.#claim(now),
        waiting: () => this.#refreshState('waiting for the rate-limit window'),
      },
      this.#abort.signal,
      this.#now,
    );
    void this.#loop.run();
    // Listeners are attached after the constructor returns.
    if (warnings.length + failures.length > 0) {
      process.nextTick(() => {
        warnings.forEach((warning) => this.emit('warning', warning));
        if (failures.length > 0) this.emit('dropped', failures);
      });
    }
    this.#refreshState('started');
  }

  /** The account's state. */
  get state(): AccountState {
    return this.#state;
  }

  /** A snapshot of the counters. */
  counters(): Counters {
    return {
      queued: this.#queues.queued,
      inFlight: this.#queues.inFlight,
      ...this.#count,
      monthEvents: this.#month.count,
      lastError: this.#lastError && { ...this.#lastError },
      state: this.#state,
      sharing: this.#limiter.sharing,
      window: this.#limiter.window(),
    };
  }

  /** How many queued events are held in memory, and how many live only in the spool file. */
  memoryStats(): MemoryStats {
    return this.#queues.memoryStats();
  }

  /**
   * Queues events for a bucket (kept by reference: do not change them afterwards).
   * With `persist: 'file'` they are in the spool file before this returns; beyond `memoryWindow`
   * they are only there, and what is sent or reported later is the copy read back from it.
   *
   * @param onSettled called exactly once, when every event is delivered or failed
   */
  submit(bucketKey: string, events: IsEvent[], onSettled?: (result: DeliveryResult) => void): void {
    const now = this.#now();
    this.#enqueue(bucketKey, events, ticketSlot(bucketKey, events.length, now, onSettled), now);
  }

  #enqueue(bucketKey: string, events: IsEvent[], slot: TicketSlot | undefined, now: number): void {
    const failures: FailedEvent[] = [];
    if (this.#closing) {
      for (const event of events) failures.push(this.#fail(bucketKey, event, ticketOf(slot, bucketKey, now), 'closed', 'the account is closing', 1, 0, now));
      return this.#reportDropped(failures, slot, now);
    }
    const bucket = this.#queues.bucket(bucketKey);
    const accepted: IsEvent[] | undefined = this.#spool ? [] : undefined;
    /** The newest `spilled` of `accepted` go to the tail, the first at `phase` in the submit. */
    let spilled = 0;
    let phase = 0;
    const toSpool = (): void => {
      if (!accepted || accepted.length === 0) return;
      const start = bucket.nextIndex - accepted.length;
      const offset = this.#spool!.append(bucket.key, start, accepted);
      if (spilled > 0) bucket.tail!.append(offset, bucket.nextIndex - spilled, spilled, now, slot, phase);
      accepted.length = 0;
      spilled = 0;
    };
    const { maxQueue, overflow, memoryWindow } = this.options;
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      if (eventBytes(event) > BODY_LIMIT) {
        failures.push(this.#fail(bucketKey, event, ticketOf(slot, bucketKey, now), 'too-large', `the event is over the ${LIMITS.bodyBytes}-byte body limit`, 0, 0, now));
        continue;
      }
      if (this.#queues.queued >= maxQueue) {
        if (overflow === 'refuse-newest') {
          failures.push(this.#fail(bucketKey, event, ticketOf(slot, bucketKey, now), 'overflow', `the queue is full (maxQueue ${maxQueue}): refused the newest event`, 0, 0, now));
          continue;
        }
        // The spool must hold the new events before their removal records can refer to them.
        toSpool();
        const dropped = this.#dropOldest(now);
        if (!dropped) {
          failures.push(this.#fail(bucketKey, event, ticketOf(slot, bucketKey, now), 'overflow', `the queue is full (maxQueue ${maxQueue}) and its oldest event could not be read back from the spool: refused the newest event`, 0, 0, now));
          continue;
        }
        failures.push(dropped);
      }
      // A bucket's spilled events are its newest: once it has some, the new ones follow them.
      if (bucket.tail && (spilled > 0 || bucket.tail.length > 0 || this.#queues.resident >= memoryWindow)) {
        if (spilled === 0) phase = index;
        spilled += 1;
      } else this.#queues.keep(bucket, event, now, slot, this.#startsGroup(index));
      bucket.nextIndex += 1;
      accepted?.push(event);
      this.#queues.added(1);
    }
    toSpool();
    this.#loop.wake();
    if (this.#state === 'idle') this.#refreshState('events queued');
    this.#reportDropped(failures, slot, now);
  }

  /** Sends partial batches now instead of waiting for `flushInterval`. */
  flush(): void {
    this.#flushBefore = this.#now();
    this.#loop.wake();
  }

  /**
   * Creates a bucket, as a request of its own through the send loop. 429 answers are waited out
   * and retried; 5xx, network errors, 404 and other unexpected 4xx are retried with back-off, up
   * to {@link CREATE_BUCKET_ATTEMPTS} attempts in all, or until close.
   * Resolves `{created}`: true for 201, false for 204 (it existed). Rejects with a
   * {@link BucketError} whose `code` is 'key-rejected', 'invalid' (400, 409, 413),
   * 'quota-exceeded', 'http' (attempts used up) or 'closed'.
   */
  createBucket(bucketKey: string, bucketName?: string): Promise<BucketResult> {
    return new Promise((resolve, reject) => {
      if (this.#closing) return reject(new BucketError('closed', `Bucket '${bucketKey}' not created: the account is closing`));
      if (this.#mode === 'key-rejected' || this.#mode === 'spool-unreadable') return reject(this.#stoppedError(bucketKey));
      this.#queues.bucket(bucketKey).creates.push({ bucketName, resolve, reject, failures: 0 });
      this.#loop.wake();
    });
  }

  /**
   * Drains for up to `closeTimeout`, then keeps what is left in the spool (persist 'file':
   * `spooled`) or reports it failed with reason 'closed' (`undelivered`). `delivered` counts
   * the events delivered while draining. Calling it again returns the same promise.
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
    this.#closing ??= this.#close(options.handOver === true && !this.#spool);
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
    const waitFor = (): number => (this.#mode === 'handing-over' ? this.#queues.inFlight : this.#pending());
    if ((this.#mode === 'open' || (this.#mode === 'handing-over' && this.#loop.sending.size > 0)) && !this.#quota.paused && waitFor() > 0) {
      if (this.#mode === 'open') this.#mode = 'draining';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.closeTimeout);
        this.#drained = () => {
          const done = this.#mode === 'handing-over' ? this.#loop.sending.size === 0 : this.#mode !== 'draining' || this.#pending() === 0 || this.#quota.paused;
          if (!done) return;
          clearTimeout(timer);
          resolve();
        };
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
    const now = this.#now();
    let left = 0;
    const failures: FailedEvent[] = [];
    const handed: HandedEvent[] = [];
    for (const bucket of this.#queues.values()) {
      const calls = bucket.creates.splice(0);
      calls.forEach((call) => call.reject(stoppedBy === 'key-rejected' ? this.#stoppedError(bucket.key) : this.#closedError(bucket.key)));
    }
    for (const { bucketKey, events, tickets, attempts, spilled } of this.#queues.drain()) {
      left += events.length + spilled.length;
      if (this.#spool) [...tickets, ...spilled].forEach((ticket) => ticket?.spooled(now));
      else if (handOver) events.forEach((event, i) => handed.push({ bucketKey, event, ticket: tickets[i] }));
      else events.forEach((event, i) => failures.push(this.#fail(bucketKey, event, tickets[i], 'closed', 'not delivered before close', attempts, 0, now)));
    }
    if (failures.length > 0) this.emit('dropped', failures);
    this.#queues.clear();
    this.#spool?.close();
    this.#month.close();
    this.#releaseLimiter();
    if (this.#ownsHttp) this.#http.close();
    this.#refreshState('closed');
    const delivered = this.#count.delivered - deliveredBefore;
    if (this.#spool) return { delivered, spooled: left, undelivered: 0, handedOver: 0 };
    if (handOver) return { delivered, spooled: 0, undelivered: 0, handedOver: left, ...(left > 0 ? { handOver: new QueueHandOver(handed) } : {}) };
    return { delivered, spooled: 0, undelivered: left, handedOver: 0 };
  }

  /**
   * Queues what the spool held, at most `maxQueue` events: beyond that the overflow policy drops
   * the events written first ('drop-oldest') or last ('refuse-newest'), and the spool is rewritten
   * without them (see {@link BucketQueues.replay}). Adds what to warn about to `warnings`; returns
   * the dropped events.
   */
  #replay(warnings: string[]): FailedEvent[] {
    const { maxQueue, overflow, spoolFile } = this.options;
    const now = this.#now();
    const loaded = this.#queues.replay(now);
    if (loaded.badLines > 0) {
      warnings.push(`Spool file ${spoolFile}: ${loaded.badLines} line(s) could not be read and were skipped; every intact record was recovered`);
    }
    const what = overflow === 'drop-oldest' ? 'dropped the oldest' : 'refused the newest';
    const message = `the spool held ${loaded.held} events, over maxQueue ${maxQueue}: ${what} ${loaded.overflow.length}`;
    return loaded.overflow.map(({ bucketKey, event }) => this.#fail(bucketKey, event, undefined, 'overflow', message, 0, 0, now));
  }

  /** URL transport: a submit travels in requests of its own, of at most `batchSize` events. */
  #startsGroup(index: number): boolean {
    return this.options.transport === 'url' && index % this.options.batchSize === 0;
  }

  /**
   * Drops the oldest queued (not in-flight) event of all buckets; undefined when it could not be
   * read back from the spool (then the caller refuses the newest instead).
   */
  #dropOldest(now: number): FailedEvent | undefined {
    const oldest = this.#queues.dropOldest();
    if (!oldest) return undefined;
    const message = `the queue is full (maxQueue ${this.options.maxQueue}): dropped the oldest event`;
    return this.#fail(oldest.bucketKey, oldest.event, oldest.ticket, 'overflow', message, 0, 0, now);
  }

  #fail(bucketKey: string, event: IsEvent, ticket: DeliveryTicket | undefined, reason: DropReason, message: string, attempts: number, status: number, now: number): FailedEvent {
    this.#count.dropped += 1;
    return ticket ? ticket.failed(event, reason, message, attempts, status, now) : { bucketKey, event, reason, message };
  }

  #reportDropped(failures: FailedEvent[], slot: TicketSlot | undefined, now: number): void {
    if (failures.length > 0) this.emit('dropped', failures);
    // Only a shared ticket can belong to an empty submit.
    if (typeof slot === 'object') slot.settleIfEmpty(now);
  }

  #pending(): number {
    return this.#queues.queued + this.#queues.inFlight;
  }

  /** When the send loop has its next request to make. */
  #readyAt(now: number): number {
    if (this.#mode !== 'open' && this.#mode !== 'draining') return Infinity;
    let at = Infinity;
    for (const bucket of this.#queues.values()) at = Math.min(at, this.#queues.readyAt(bucket, now, this.#flushBefore));
    const { ready, next } = this.#quota.admit(at <= now ? 1 : 0, at, now);
    return ready > 0 ? now : next;
  }

  /** The request for the ready bucket whose oldest event is oldest (explicit bucket creations first). */
  #claim(now: number): Job<HttpResult> | undefined {
    if ((this.#mode !== 'open' && this.#mode !== 'draining') || this.#quota.holds(now)) return undefined;
    const bucket = this.#queues.oldestReady(now, this.#flushBefore);
    if (!bucket) return undefined;
    const call = bucket.creates[0];
    if (call || !bucket.created) return this.#job(bucket, (signal) => this.#http.createBucket(bucket.key, call?.bucketName, signal), (result) => this.#onCreated(bucket, call, result));
    if (bucket.pieces.length === 0 && !this.#queues.takeBatch(bucket)) return undefined;
    const piece = bucket.pieces[0]!;
    piece.attempts += 1;
    const send = this.options.transport === 'url' ? this.#http.getEvents : this.#http.postEvents;
    return this.#job(bucket, (signal) => send.call(this.#http, bucket.key, piece.events, signal), (result) => this.#onSent(bucket, piece, result));
  }

  #job(bucket: Bucket, send: (signal: AbortSignal) => Promise<HttpResult>, apply: (result: HttpResult) => void): Job<HttpResult> {
    this.#quota.started();
    this.#count.requests += 1;
    bucket.busy = true;
    return {
      send,
      apply: (result) => {
        bucket.busy = false;
        apply(result);
      },
    };
  }

  /** The spool lost spilled events: stop rather than guess. */
  #spoolLost(bucket: Bucket): void {
    if (this.#mode === 'spool-unreadable') return;
    // Only a file changed under the engine gets here. A restart reads back every intact record
    // and says how many lines it could not.
    const message = `spool file ${this.#spool!.file} no longer holds the queued events of bucket '${bucket.key}': sending stopped; restart to recover what the file still holds`;
    this.#lastError = { at: this.#now(), cause: message };
    this.#stopSending('spool-unreadable');
    this.emit('warning', message);
    this.#refreshState('spool unreadable');
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
    const cause = shortCause(kind === 'transient' ? this.#redact(responseMessage(result)) : message);
    this.#lastError = { at: this.#now(), cause };
    if (kind === 'transient') {
      this.#outage = cause;
      this.emit('outage', cause);
    } else if (kind === 'rate-limited') {
      this.#count.rateLimited += 1;
    } else if (kind === 'key-rejected') {
      this.#stopSending('key-rejected');
      this.#refreshState('access key rejected');
    } else if (kind === 'quota-exceeded') {
      this.#quota.pause(this.#now());
      this.#refreshState('monthly event quota used up');
    } else if ((kind === 'not-found' || kind === 'client-error') && message !== this.#warned) {
      // A setup mistake rather than a passing fault: say so once, not on every retry.
      this.#warned = message;
      this.emit('warning', message);
    }
  }

  /** Answers may quote the key back: never pass it on. */
  #redact(text: string): string {
    return redactKey(text, this.options.accessKey);
  }

  /** Sending stops until reconfigured; explicit bucket creations not under way are settled. */
  #stopSending(mode: 'key-rejected' | 'spool-unreadable'): void {
    if (this.#mode === 'stopping' || this.#mode === 'closed') return;
    this.#mode = mode;
    for (const bucket of this.#queues.values()) {
      const calls = bucket.busy ? bucket.creates.splice(1) : bucket.creates.splice(0);
      calls.forEach((call) => call.reject(this.#stoppedError(bucket.key)));
    }
  }

  #stoppedError(bucketKey: string): BucketError {
    if (this.#mode !== 'key-rejected') return this.#closedError(bucketKey);
    return new BucketError('key-rejected', `Bucket '${bucketKey}' not created: ${this.#lastError?.cause ?? 'access key rejected'}`);
  }

  #closedError(bucketKey: string): BucketError {
    return new BucketError('closed', `Bucket '${bucketKey}' not created: the account closed`);
  }

  /** The answer to a bucket creation (an explicit `createBucket()` call's, or one the engine made on its own). */
  #onCreated(bucket: Bucket, call: CreateCall | undefined, result: HttpResult): void {
    const kind = classifyResponse(result);
    const settle = (error?: BucketError): void => {
      bucket.creates.splice(bucket.creates.indexOf(call!), 1);
      if (error) call!.reject(error);
      else call!.resolve({ bucketKey: bucket.key, bucketName: call!.bucketName, created: result.status === 201 });
    };
    if (this.#mode === 'closed' || (this.#mode === 'stopping' && kind !== 'ok')) {
      if (call && this.#mode === 'stopping') settle(this.#closedError(bucket.key));
      return;
    }
    this.#quota.answered();
    const message = kind === 'ok' ? '' : this.#redact(`Bucket '${bucket.key}' not created: ${explainAnswer(kind, result, this.options.endpoint)}`);
    this.#learn(kind, message, result);
    const decision = decideCreated(kind);
    if (decision === 'created') {
      bucket.created = true;
      bucket.failures = 0;
      bucket.retryAt = 0;
      if (call) settle();
    } else if (decision === 'resend') this.#count.retries += 1;
    else if (decision === 'back-off') {
      this.#backOff(bucket);
      if (call && ++call.failures >= CREATE_BUCKET_ATTEMPTS) settle(new BucketError('http', `${message} (attempt ${call.failures})`));
    } else if (call) {
      settle(new BucketError(decision === 'assume-created' ? 'invalid' : (kind as 'key-rejected' | 'quota-exceeded'), message));
    } else if (decision === 'assume-created') {
      bucket.created = true;
      this.emit('warning', message);
    }
    this.#afterAnswer(`bucket ${bucket.key}: ${kind}`);
  }

  #onSent(bucket: Bucket, piece: Piece, result: HttpResult): void {
    const kind = classifyResponse(result);
    if (this.#mode === 'closed' || (this.#mode === 'stopping' && kind !== 'ok')) return;
    this.#quota.answered();
    const message = kind === 'ok' ? '' : this.#redact(explainAnswer(kind, result, this.options.endpoint));
    this.#learn(kind, message, result);
    const now = this.#now();
    const decision = decidePiece(kind, piece);
    switch (decision.action) {
      case 'deliver':
        bucket.failures = 0;
        bucket.retryAt = 0;
        this.#settlePiece(bucket, piece, result.status, now);
        break;
      case 'resend':
        this.#count.retries += 1;
        break;
      case 'split':
        this.#count.retries += 1;
        bucket.pieces.splice(0, 1, ...decision.halves);
        break;
      case 'fail':
        this.#settlePiece(bucket, piece, result.status, now, decision.reason, message);
        break;
      case 'back-off':
        this.#backOff(bucket);
        break;
      case 'hold':
        break;
    }
    this.#afterAnswer(`${kind} (HTTP ${result.status})`);
  }

  /** A transient failure: the same request goes again after a jittered delay. */
  #backOff(bucket: Bucket): void {
    this.#count.retries += 1;
    bucket.failures += 1;
    const { backoffBase, backoffCap } = this.options;
    bucket.retryAt = this.#now() + backoffDelay(bucket.failures, backoffBase, backoffCap, this.#random);
  }

  /** The first piece got its final answer: delivered, or failed for `reason`. */
  #settlePiece(bucket: Bucket, piece: Piece, status: number, now: number, reason?: DropReason, message = ''): void {
    this.#queues.release(bucket, piece);
    const count = piece.events.length;
    if (reason) {
      const failures = piece.events.map((event, i) => this.#fail(bucket.key, event, piece.tickets[i], reason, message, piece.attempts, status, now));
      this.emit('dropped', failures);
    } else {
      this.#count.delivered += count;
      this.#month.add(count);
      piece.tickets.forEach((ticket) => ticket?.delivered(piece.attempts, status, now));
    }
    this.#queues.compactSpool();
  }

  #afterAnswer(detail: string): void {
    this.#refreshState(detail);
    this.#drained?.();
  }

  #refreshState(detail: string): void {
    const state = accountState({
      closed: this.#mode === 'closed',
      spoolUnreadable: this.#mode === 'spool-unreadable',
      keyRejected: this.#mode === 'key-rejected',
      quotaPaused: this.#quota.paused,
      pending: this.#pending(),
      retrying: () => [...this.#queues.values()].some((bucket) => bucket.failures > 0),
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

import { EventEmitter } from 'node:events';
import { LIMITS, type IsEvent } from '../event';
import { accountState, stateReason } from './account-state';
import { Alarm } from './alarm';
import { decideCreated, decidePiece, explainAnswer } from './answer';
import type { Bucket, Piece } from './bucket';
import { BucketError } from './bucket-error';
import { BODY_LIMIT, BucketQueues, type MemoryStats } from './bucket-queues';
import { backoffDelay } from './backoff';
import { ticketOf, ticketSlot, type DeliveryTicket, type TicketSlot } from './delivery-ticket';
import { eventBytes } from './event-size';
import { createHttpClient, type HttpClient, type HttpResult } from './http-client';
import { processLimiters, type LimiterRegistry } from './limiter-registry';
import { maskKey, redactKey } from './mask-key';
import { MonthCounter } from './month-counter';
import { requestsPerWindow, resolveAccountOptions } from './options';
import type { RateLimiter, SlotRequest, SlotTicket } from './rate-limiter';
import { backsOff, classifyResponse, type ResponseKind } from './response';
import { QuotaProbe } from './quota-probe';
import { RetryTimers } from './retry-timers';
import { Spool } from './spool';
import type {
  AccountEngineEvents,
  AccountOptions,
  AccountState,
  BucketResult,
  CloseReport,
  Counters,
  DeliveryResult,
  DropReason,
  FailedEvent,
} from './types';

/** What an engine may be given instead of the real thing (tests, the bench). */
export interface AccountEngineDeps {
  /** HTTP client. Default: `got` with keep-alive, bound to the options' endpoint and key. */
  http?: HttpClient;
  /** The clock, ms since 1970. Default `Date.now`. */
  now?: () => number;
  /** Uniform in [0, 1) for back-off jitter. Default `Math.random`. */
  random?: () => number;
  /**
   * Where the engine gets the rate limiter for its key. Default {@link processLimiters}, shared
   * by every engine of the process; a registry of its own makes the engine behave as if it ran
   * in a process of its own (tests of several processes on one key).
   */
  limiters?: LimiterRegistry;
}

/** Attempts `createBucket()` makes through 5xx, network errors and unexpected 4xx before it rejects. */
export const CREATE_BUCKET_ATTEMPTS = 5;
/** ms close waits, after aborting the requests in flight, for their outcome to be known. */
const ABORT_GRACE_MS = 100;
export { REFILL_CHUNK, type MemoryStats } from './bucket-queues';

/** A slot request that can be told it will never be granted (close). */
interface Grant extends SlotRequest {
  cancel?: () => void;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]';
}

/**
 * The shared, rate-limited batcher of one account (access key): queues events per bucket and
 * delivers them in batches through the process's limiter for the key, handling every answer of
 * the Events API (see `initial-state-api.md`). Typed events: {@link AccountEngineEvents}.
 */
export class AccountEngine extends EventEmitter {
  /** The resolved options. */
  readonly options: Readonly<AccountOptions>;
  readonly #http: HttpClient;
  readonly #ownsHttp: boolean;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #limiter: RateLimiter;
  readonly #limiters: LimiterRegistry;
  /** Aborted at close's deadline: tears down the requests still in flight. */
  readonly #abort = new AbortController();
  /** Requests in flight. */
  readonly #sending = new Set<Promise<HttpResult>>();
  /** `createBucket()` calls waiting out a back-off. */
  readonly #bucketRetries = new RetryTimers();
  /** The last error reported by a warning, so a lasting one is not repeated. */
  #warned: string | undefined;
  readonly #queues: BucketQueues;
  readonly #grants = new Set<Grant>();
  readonly #spool: Spool | undefined;
  readonly #month: MonthCounter;
  #delivered = 0;
  #requests = 0;
  #retries = 0;
  #rateLimited = 0;
  #dropped = 0;
  #lastError: string | undefined;
  #state: AccountState = 'idle';
  #keyRejected = false;
  readonly #quota: QuotaProbe;
  /** The spool lost events spilled to it: see {@link #spoolLost}. */
  #spoolUnreadable = false;
  #waitingForWindow = false;
  /** Events queued at or before this time are sent without waiting for `flushInterval`. */
  #flushBefore = -Infinity;
  #pumpQueued = false;
  readonly #alarm: Alarm;
  #closing: Promise<CloseReport> | undefined;
  /** Close's deadline passed: no request starts any more, answers other than success are ignored. */
  #stopping = false;
  #closed = false;
  #drained: (() => void) | undefined;

  /**
   * @param options account options; see {@link resolveAccountOptions} (throws on bad ones)
   * @param deps replacements for the HTTP client, clock and randomness
   */
  constructor(options: Partial<AccountOptions> & { accessKey: string }, deps: AccountEngineDeps = {}) {
    super();
    this.options = Object.freeze(resolveAccountOptions(options));
    const { endpoint, accessKey } = this.options;
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
    this.#alarm = new Alarm(() => this.#pump(), this.#now);
    this.#quota = new QuotaProbe(this.options.quotaProbeInterval);
    this.#ownsHttp = deps.http === undefined;
    this.#http = deps.http ?? createHttpClient({ endpoint, accessKey, requestTimeout: this.options.requestTimeout });
    this.#limiters = deps.limiters ?? processLimiters;
    this.#limiter = this.#limiters.acquire(endpoint, accessKey, {
      limit: requestsPerWindow(this.options.tier),
      windowMs: this.options.windowMs,
      now: this.#now,
    });
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
    if (this.#spool) {
      failures.push(...this.#replay(warnings));
      if (this.#queues.queued > 0) this.#schedulePump();
    }
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
      delivered: this.#delivered,
      requests: this.#requests,
      retries: this.#retries,
      rateLimited: this.#rateLimited,
      dropped: this.#dropped,
      monthEvents: this.#month.count,
      lastError: this.#lastError,
      state: this.#state,
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
    const slot = ticketSlot(bucketKey, events.length, now, onSettled);
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
    this.#schedulePump();
    if (this.#state === 'idle') this.#refreshState('events queued');
    this.#reportDropped(failures, slot, now);
  }

  /** Sends partial batches now instead of waiting for `flushInterval`. */
  flush(): void {
    this.#flushBefore = this.#now();
    this.#schedulePump();
  }

  /**
   * Creates a bucket through the limiter. 429 answers are waited out and retried; 5xx, network
   * errors, 404 and other unexpected 4xx are retried with back-off, up to
   * {@link CREATE_BUCKET_ATTEMPTS} attempts in all, or until close.
   * Resolves `{created}`: true for 201, false for 204 (it existed). Rejects with a
   * {@link BucketError} whose `code` is 'key-rejected', 'invalid' (400, 409, 413),
   * 'quota-exceeded', 'http' (attempts used up) or 'closed'.
   */
  createBucket(bucketKey: string, bucketName?: string): Promise<BucketResult> {
    return new Promise((resolve, reject) => {
      const closed = (why: string): void => reject(new BucketError('closed', `Bucket '${bucketKey}' not created: the account ${why}`));
      if (this.#closing) return closed('is closing');
      let failures = 0;
      const request: Grant = {
        grant: (slot) => {
          this.#grants.delete(request);
          void this.#send(slot, (signal) => this.#http.createBucket(bucketKey, bucketName, signal)).then((result) => {
            if (this.#stopping) return closed('closed');
            const kind = classifyResponse(result);
            if (kind === 'rate-limited') return this.#acquire(request);
            const message = kind === 'ok' ? '' : this.#redact(`Bucket '${bucketKey}' not created: ${explainAnswer(kind, result, this.options.endpoint)}`);
            this.#learn(kind, message);
            if (kind === 'ok') {
              this.#queues.bucket(bucketKey).created = true;
              resolve({ bucketKey, bucketName, created: result.status === 201 });
            } else if (kind === 'invalid' || kind === 'too-large') reject(new BucketError('invalid', message));
            else if (kind === 'key-rejected' || kind === 'quota-exceeded') reject(new BucketError(kind, message));
            else if (backsOff(kind) && ++failures < CREATE_BUCKET_ATTEMPTS) this.#retryLater(failures, () => this.#acquire(request), () => closed('closed'));
            else reject(new BucketError('http', `${message} (attempt ${failures})`));
            this.#schedulePump();
          });
        },
        // Sending stopped before a slot came: a rejected key says so, anything else is a close.
        cancel: () =>
          this.#keyRejected ? reject(new BucketError('key-rejected', `Bucket '${bucketKey}' not created: ${this.#lastError ?? 'access key rejected'}`)) : closed('closed'),
      };
      this.#acquire(request);
    });
  }

  /** Runs `retry` after a back-off for `failures` failures, unless close comes first (then `cancel`). */
  #retryLater(failures: number, retry: () => void, cancel: () => void): void {
    this.#retries += 1;
    this.#bucketRetries.later(backoffDelay(failures, this.options.backoffBase, this.options.backoffCap, this.#random), retry, cancel);
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
  close(): Promise<CloseReport> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<CloseReport> {
    const deliveredBefore = this.#delivered;
    this.#flushBefore = Infinity;
    this.#schedulePump();
    if (!this.#keyRejected && !this.#quota.paused && this.#queues.queued + this.#queues.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.closeTimeout);
        this.#drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.#drained = undefined;
    this.#stopping = true;
    this.#alarm.clear();
    if (this.#sending.size > 0) {
      this.#abort.abort();
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(this.#sending), new Promise((resolve) => (grace = setTimeout(resolve, ABORT_GRACE_MS)))]);
      clearTimeout(grace);
    }
    this.#closed = true;
    this.#bucketRetries.abandonAll();
    this.#cancelGrants();
    const now = this.#now();
    let left = 0;
    const failures: FailedEvent[] = [];
    for (const { bucketKey, events, tickets, attempts, spilled } of this.#queues.drain()) {
      left += events.length + spilled;
      if (!this.#spool) {
        events.forEach((event, i) => failures.push(this.#fail(bucketKey, event, tickets[i], 'closed', 'not delivered before close', attempts, 0, now)));
      }
    }
    if (failures.length > 0) this.emit('dropped', failures);
    this.#queues.clear();
    this.#spool?.close();
    this.#month.close();
    this.#limiters.release(this.options.endpoint, this.options.accessKey);
    if (this.#ownsHttp) this.#http.close();
    this.#refreshState('closed');
    const delivered = this.#delivered - deliveredBefore;
    return this.#spool ? { delivered, spooled: left, undelivered: 0 } : { delivered, spooled: 0, undelivered: left };
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
    this.#dropped += 1;
    return ticket ? ticket.failed(event, reason, message, attempts, status, now) : { bucketKey, event, reason, message };
  }

  #reportDropped(failures: FailedEvent[], slot: TicketSlot | undefined, now: number): void {
    if (failures.length > 0) this.emit('dropped', failures);
    // Only a shared ticket can belong to an empty submit.
    if (typeof slot === 'object') slot.settleIfEmpty(now);
  }

  #schedulePump(): void {
    if (this.#pumpQueued || this.#stopping) return;
    this.#pumpQueued = true;
    // A promise job rather than queueMicrotask, which fake timers may hold back.
    void Promise.resolve().then(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /** Asks the limiter for as many slots as there are buckets ready, and wakes up for the next. */
  #pump(): void {
    if (this.#stopping || this.#keyRejected || this.#spoolUnreadable) return;
    const now = this.#now();
    let ready = 0;
    let next = Infinity;
    for (const bucket of this.#queues.values()) {
      const at = this.#queues.readyAt(bucket, now, this.#flushBefore);
      if (at <= now) ready += 1;
      else next = Math.min(next, at);
    }
    ({ ready, next } = this.#quota.admit(ready, next, now));
    for (let wanted = ready - this.#grants.size; wanted > 0; wanted--) {
      const request: SlotRequest = { grant: (slot) => this.#onGrant(request, slot) };
      this.#acquire(request);
    }
    this.#waitingForWindow = this.#grants.size > 0 && this.#limiter.blockedUntil > now;
    this.#alarm.set(next);
  }

  #acquire(request: SlotRequest): void {
    this.#grants.add(request);
    this.#limiter.acquire(request);
  }

  /** A slot is ours: spend it on the ready bucket whose oldest event is oldest. */
  #onGrant(request: SlotRequest, slot: SlotTicket): void {
    this.#grants.delete(request);
    const now = this.#now();
    const paused = this.#stopping || this.#keyRejected || this.#quota.holds(now);
    const chosen = paused ? undefined : this.#queues.oldestReady(now, this.#flushBefore);
    if (!chosen) return this.#limiter.giveBack(slot);
    this.#quota.started();
    chosen.busy = true;
    if (!chosen.created) {
      const bucket = chosen;
      void this.#send(slot, (signal) => this.#http.createBucket(bucket.key, undefined, signal)).then((result) => this.#onCreated(bucket, result));
      return;
    }
    if (chosen.pieces.length === 0 && !this.#queues.takeBatch(chosen)) {
      chosen.busy = false;
      return this.#limiter.giveBack(slot);
    }
    const bucket = chosen;
    const piece = chosen.pieces[0]!;
    piece.attempts += 1;
    const send = this.options.transport === 'url' ? this.#http.getEvents : this.#http.postEvents;
    void this.#send(slot, (signal) => send.call(this.#http, bucket.key, piece.events, signal)).then((result) => this.#onSent(bucket, piece, result));
  }

  /** The spool lost spilled events: stop rather than guess. */
  #spoolLost(bucket: Bucket): void {
    if (this.#spoolUnreadable) return;
    // Only a file changed under the engine gets here. A restart reads back every intact record
    // and says how many lines it could not.
    this.#spoolUnreadable = true;
    this.#lastError = `spool file ${this.#spool!.file} no longer holds the queued events of bucket '${bucket.key}': sending stopped; restart to recover what the file still holds`;
    this.#stopSending();
    this.emit('warning', this.#lastError);
    this.#refreshState('spool unreadable');
  }

  /** Makes one request on a granted slot and feeds the limiter its answer. */
  async #send(slot: SlotTicket, request: (signal: AbortSignal) => Promise<HttpResult>): Promise<HttpResult> {
    this.#requests += 1;
    const sending = request(this.#abort.signal);
    this.#sending.add(sending);
    let result: HttpResult;
    try {
      result = await sending;
    } finally {
      this.#sending.delete(sending);
    }
    this.#limiter.observe(slot, result);
    return result;
  }

  /** Updates the engine-wide state that any answer can change. */
  #learn(kind: ResponseKind, message: string): void {
    if (kind === 'ok') {
      this.#waitingForWindow = false;
      this.#warned = undefined;
      if (this.#quota.resume()) {
        this.#refreshState('the service accepts events again');
      }
      return;
    }
    this.#lastError = message;
    if (kind === 'rate-limited') {
      this.#rateLimited += 1;
      this.#waitingForWindow = true;
    } else if (kind === 'key-rejected') {
      this.#keyRejected = true;
      this.#stopSending();
      // Announce at once: an explicit createBucket() answer has no #afterAnswer() to do it.
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

  #stopSending(): void {
    this.#cancelGrants();
    this.#alarm.clear();
  }

  /** Withdraws every slot request; an explicit createBucket() among them is settled. */
  #cancelGrants(): void {
    for (const request of this.#grants) {
      this.#limiter.cancel(request);
      request.cancel?.();
    }
    this.#grants.clear();
  }

  #onCreated(bucket: Bucket, result: HttpResult): void {
    bucket.busy = false;
    const kind = classifyResponse(result);
    if (this.#closed || (this.#stopping && kind !== 'ok')) return;
    this.#quota.answered();
    const message = kind === 'ok' ? '' : this.#redact(`Bucket '${bucket.key}' not created: ${explainAnswer(kind, result, this.options.endpoint)}`);
    this.#learn(kind, message);
    const decision = decideCreated(kind);
    if (decision === 'created') bucket.created = true;
    else if (decision === 'resend') this.#retries += 1;
    else if (decision === 'back-off') this.#backOff(bucket);
    else if (decision === 'assume-created') {
      bucket.created = true;
      this.emit('warning', this.#lastError!);
    }
    this.#afterAnswer(`bucket ${bucket.key}: ${kind}`);
  }

  #onSent(bucket: Bucket, piece: Piece, result: HttpResult): void {
    bucket.busy = false;
    const kind = classifyResponse(result);
    if (this.#closed || (this.#stopping && kind !== 'ok')) return;
    this.#quota.answered();
    const message = kind === 'ok' ? '' : this.#redact(explainAnswer(kind, result, this.options.endpoint));
    this.#learn(kind, message);
    const now = this.#now();
    const decision = decidePiece(kind, piece);
    switch (decision.action) {
      case 'deliver':
        bucket.failures = 0;
        bucket.retryAt = 0;
        this.#settlePiece(bucket, piece, result.status, now);
        break;
      case 'resend':
        this.#retries += 1;
        break;
      case 'split':
        this.#retries += 1;
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
    this.#retries += 1;
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
      this.#delivered += count;
      this.#month.add(count);
      piece.tickets.forEach((ticket) => ticket?.delivered(piece.attempts, status, now));
    }
    this.#queues.compactSpool();
  }

  #afterAnswer(detail: string): void {
    this.#refreshState(detail);
    if (this.#drained && this.#queues.queued + this.#queues.inFlight === 0) this.#drained();
    if (this.#drained && (this.#keyRejected || this.#quota.paused)) this.#drained();
    this.#pump();
  }

  #refreshState(detail: string): void {
    const state = accountState({
      closed: this.#closed,
      spoolUnreadable: this.#spoolUnreadable,
      keyRejected: this.#keyRejected,
      quotaPaused: this.#quota.paused,
      pending: this.#queues.queued + this.#queues.inFlight,
      retrying: () => [...this.#queues.values()].some((bucket) => bucket.failures > 0),
      waitingForWindow: this.#waitingForWindow,
    });
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state, `${maskKey(this.options.accessKey)} ${stateReason(state, detail, this.#lastError)}`);
  }

  // Typed EventEmitter surface.
  declare on: <E extends keyof AccountEngineEvents>(event: E, listener: AccountEngineEvents[E]) => this;
  declare once: <E extends keyof AccountEngineEvents>(event: E, listener: AccountEngineEvents[E]) => this;
  declare off: <E extends keyof AccountEngineEvents>(event: E, listener: AccountEngineEvents[E]) => this;
  declare emit: <E extends keyof AccountEngineEvents>(event: E, ...args: Parameters<AccountEngineEvents[E]>) => boolean;
}

import { decideCreated, decidePiece, explainAnswer } from './answer';
import { backoffDelay } from './backoff';
import type { Bucket, CreateCall, Piece } from './bucket';
import { BucketError, describeBucketNotCreated } from './bucket-error';
import type { DurableQueue } from './durable-queue';
import type { HttpClient, HttpResult } from './http-client';
import { describeKeyRejected, redactKey } from './mask-key';
import { oldestReady, unsentPiece } from './ready';
import { classifyResponse, type ResponseKind } from './response';
import type { Job } from './send-loop';
import type { AccountOptions, FailedEvent } from './types';

/** Attempts `createBucket()` makes through 5xx, network errors and unexpected 4xx before it rejects. */
export const CREATE_BUCKET_ATTEMPTS = 5;

/** What the requests of an account ask of its engine. */
export interface RequestHost {
  /** 'open' applies answers; 'stopping' (close's deadline passed) only successes; 'closed' none. */
  phase(): 'open' | 'stopping' | 'closed';
  /** Any answer but a stale one, first: what it means for the whole account. */
  learn(kind: ResponseKind, message: string, result: HttpResult): void;
  /** `count` events were delivered. */
  delivered(count: number): void;
  /** Events failed (never silently). */
  dropped(failures: FailedEvent[]): void;
  /** Something a user should see. */
  warn(message: string): void;
  /** An answer was applied (`detail` says which). */
  answered(detail: string): void;
  /** The error an explicit creation gets when the account closes before it is answered. */
  closedError(bucketKey: string): BucketError;
}

/**
 * The requests of one account's buckets and the one place their answers are applied: an explicit
 * `createBucket()` call, a creation the engine makes on its own (`autoCreate`), or a piece
 * of a bucket's batch, each through the decision table of `answer.ts`.
 */
export class BucketRequests {
  /** Requests made. */
  requests = 0;
  /** Requests that will be (or were) made again: 429s, splits and back-offs. */
  retries = 0;

  constructor(
    private readonly queue: DurableQueue,
    private readonly http: HttpClient,
    private readonly options: Readonly<AccountOptions>,
    private readonly random: () => number,
    private readonly now: () => number,
    private readonly host: RequestHost,
  ) {}

  /** The request for the ready bucket whose oldest event is oldest (explicit creations first). */
  claim(now: number, flushBefore: number): Job<HttpResult> | undefined {
    const bucket = oldestReady(this.queue.values(), this.options, now, flushBefore);
    if (!bucket) return undefined;
    const call = bucket.creates[0];
    if (call || !bucket.created) {
      bucket.busy = true;
      return this.#job(() => (bucket.busy = false), (signal) => this.http.createBucket(bucket.key, call?.bucketName, signal), (result) => this.#onCreated(bucket, call, result));
    }
    let piece = unsentPiece(bucket);
    if (!piece) {
      if (!this.queue.takeBatch(bucket)) return undefined;
      piece = bucket.pieces[bucket.pieces.length - 1]!;
    }
    const sent = piece;
    sent.attempts += 1;
    sent.sending = true;
    bucket.sending += 1;
    const alone = this.options.transport === 'url' || !sent.timed;
    if (alone) bucket.busy = true;
    const send = this.options.transport === 'url' ? this.http.getEvents : this.http.postEvents;
    const done = (): void => {
      sent.sending = false;
      bucket.sending -= 1;
      if (alone) bucket.busy = false;
    };
    return this.#job(done, (signal) => send.call(this.http, bucket.key, sent.events, signal), (result) => this.#onSent(bucket, sent, result));
  }

  /** A request: `done` marks it no longer under way before its answer is applied. */
  #job(done: () => void, send: (signal: AbortSignal) => Promise<HttpResult>, apply: (result: HttpResult) => void): Job<HttpResult> {
    this.requests += 1;
    return {
      send,
      apply: (result) => {
        done();
        apply(result);
      },
    };
  }

  /** What an answer of `kind` is reported with, the key never in it; '' for a success. */
  #explain(kind: ResponseKind, result: HttpResult): string {
    if (kind === 'ok') return '';
    // The body loses the key before it is shortened, so no part of it can be left at the cut.
    const { accessKey } = this.options;
    return redactKey(explainAnswer(kind, { ...result, body: redactKey(result.body, accessKey) }, this.options.endpoint), accessKey);
  }

  #onCreated(bucket: Bucket, call: CreateCall | undefined, result: HttpResult): void {
    const kind = classifyResponse(result);
    const settle = (error?: BucketError): void => {
      bucket.creates.splice(bucket.creates.indexOf(call!), 1);
      if (error) call!.reject(error);
      else call!.resolve({ bucketKey: bucket.key, bucketName: call!.bucketName, created: result.status === 201 });
    };
    const phase = this.host.phase();
    if (phase === 'closed' || (phase === 'stopping' && kind !== 'ok')) {
      if (call && phase === 'stopping') settle(this.host.closedError(bucket.key));
      return;
    }
    // The account learns the answer alone; the caller's error names the bucket and, for a refused key, the key.
    const answer = this.#explain(kind, result);
    this.host.learn(kind, answer, result);
    const message = describeBucketNotCreated(bucket.key, kind === 'key-rejected' ? describeKeyRejected(this.options.accessKey, answer) : answer);
    const decision = decideCreated(kind);
    if (decision === 'created') {
      bucket.created = true;
      bucket.failures = 0;
      bucket.retryAt = 0;
      if (call) settle();
    } else if (decision === 'resend') this.retries += 1;
    else if (decision === 'back-off') {
      this.#backOff(bucket);
      if (call && ++call.failures >= CREATE_BUCKET_ATTEMPTS) settle(new BucketError('http', `${message} (attempt ${call.failures})`));
    } else if (call) {
      // An explicit call is told what is wrong; a creation of the engine's own lets the events' answers tell.
      settle(new BucketError(decision === 'assume-created' ? 'invalid' : (kind as 'key-rejected' | 'quota-exceeded'), message));
    } else if (decision === 'assume-created') {
      bucket.created = true;
      this.host.warn(message);
    }
    this.host.answered(`bucket ${bucket.key}: ${kind}`);
  }

  #onSent(bucket: Bucket, piece: Piece, result: HttpResult): void {
    const kind = classifyResponse(result);
    const phase = this.host.phase();
    if (phase === 'closed' || (phase === 'stopping' && kind !== 'ok')) return;
    const message = this.#explain(kind, result);
    this.host.learn(kind, message, result);
    const now = this.now();
    const decision = decidePiece(kind, piece);
    switch (decision.action) {
      case 'deliver':
        bucket.failures = 0;
        bucket.retryAt = 0;
        this.host.delivered(piece.events.length);
        this.queue.settle(bucket, piece, result.status, now);
        break;
      case 'resend':
        this.retries += 1;
        break;
      case 'split':
        this.retries += 1;
        bucket.pieces.splice(bucket.pieces.indexOf(piece), 1, ...decision.halves);
        break;
      case 'fail':
        this.host.dropped(this.queue.settle(bucket, piece, result.status, now, decision.reason, message));
        break;
      case 'back-off':
        this.#backOff(bucket);
        break;
      case 'hold':
        break;
    }
    this.host.answered(`${kind} (HTTP ${result.status})`);
  }

  /** A transient failure: the same request goes again after a jittered delay. */
  #backOff(bucket: Bucket): void {
    this.retries += 1;
    bucket.failures += 1;
    const { backoffBase, backoffCap } = this.options;
    bucket.retryAt = this.now() + backoffDelay(bucket.failures, backoffBase, backoffCap, this.random);
  }
}

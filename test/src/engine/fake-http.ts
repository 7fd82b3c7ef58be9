import type { IsEvent } from '../../../src/event';
import type { HttpClient, HttpResult } from '../../../src/engine/http-client';

/** One call the engine made. */
export interface FakeCall {
  method: 'postEvents' | 'getEvents' | 'createBucket';
  bucketKey: string;
  events: IsEvent[];
  bucketName?: string;
  /** The engine's abort signal for the call. */
  signal?: AbortSignal;
}

/** What an aborted call resolves with, as the real client's does. */
export const ABORTED: HttpResult = { status: 0, body: '', error: 'ERR_ABORTED: This operation was aborted' };

/** Answers a call; return a promise to hold the answer back. */
export type Responder = (call: FakeCall) => HttpResult | Promise<HttpResult>;

/** 204 with no rate-limit headers. */
export const OK: HttpResult = { status: 204, body: '' };

/**
 * An in-memory {@link HttpClient} for unit tests: records calls and answers with `respond`.
 * Like the real client it answers {@link ABORTED} at once when the call's signal aborts, and
 * then ignores the responder's late answer (events count as delivered only when answered 204).
 */
export class FakeHttp implements HttpClient {
  readonly calls: FakeCall[] = [];
  respond: Responder = () => OK;
  closed = false;

  /** Event calls only (bucket creation left out). */
  get eventCalls(): FakeCall[] {
    return this.calls.filter((call) => call.method !== 'createBucket');
  }

  /** Values of the events acknowledged so far, in order, for one bucket. */
  delivered: { bucketKey: string; value: IsEvent['value'] }[] = [];

  #answer(call: FakeCall): Promise<HttpResult> {
    this.calls.push(call);
    const answered = Promise.resolve(this.respond(call)).then((result) => {
      if (call.signal?.aborted) return ABORTED;
      if (call.method !== 'createBucket' && result.status === 204) {
        for (const event of call.events) this.delivered.push({ bucketKey: call.bucketKey, value: event.value });
      }
      return result;
    });
    const { signal } = call;
    if (!signal) return answered;
    return new Promise<HttpResult>((resolve) => {
      const onAbort = (): void => resolve(ABORTED);
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void answered.then((result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      });
    });
  }

  postEvents(bucketKey: string, events: readonly IsEvent[], signal?: AbortSignal): Promise<HttpResult> {
    return this.#answer({ method: 'postEvents', bucketKey, events: [...events], signal });
  }

  getEvents(bucketKey: string, events: readonly IsEvent[], signal?: AbortSignal): Promise<HttpResult> {
    return this.#answer({ method: 'getEvents', bucketKey, events: [...events], signal });
  }

  createBucket(bucketKey: string, bucketName?: string, signal?: AbortSignal): Promise<HttpResult> {
    return this.#answer({ method: 'createBucket', bucketKey, bucketName, events: [], signal });
  }

  close(): void {
    this.closed = true;
  }
}

let keys = 0;
/** A fresh access key per test, so engines never share a limiter across tests. */
export function freshKey(): string {
  keys += 1;
  return `ist_unit${String(keys).padStart(6, '0')}abcdefghijklmnopqrstuv`;
}

/** `n` events `{key, value: 0..n-1}`. */
export function events(n: number, key = 'temp', from = 0): IsEvent[] {
  return Array.from({ length: n }, (_, i) => ({ key, value: from + i }));
}

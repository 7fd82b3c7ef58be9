import type { IsEvent } from '../../../src/event';
import type { HttpClient, HttpResult } from '../../../src/engine/http-client';

/** One call the engine made. */
export interface FakeCall {
  method: 'postEvents' | 'getEvents' | 'createBucket';
  bucketKey: string;
  events: IsEvent[];
  bucketName?: string;
}

/** Answers a call; return a promise to hold the answer back. */
export type Responder = (call: FakeCall) => HttpResult | Promise<HttpResult>;

/** 204 with no rate-limit headers. */
export const OK: HttpResult = { status: 204, body: '' };

/** An in-memory {@link HttpClient} for unit tests: records calls and answers with `respond`. */
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
    return Promise.resolve(this.respond(call)).then((result) => {
      if (call.method !== 'createBucket' && result.status === 204) {
        for (const event of call.events) this.delivered.push({ bucketKey: call.bucketKey, value: event.value });
      }
      return result;
    });
  }

  postEvents(bucketKey: string, events: readonly IsEvent[]): Promise<HttpResult> {
    return this.#answer({ method: 'postEvents', bucketKey, events: [...events] });
  }

  getEvents(bucketKey: string, events: readonly IsEvent[]): Promise<HttpResult> {
    return this.#answer({ method: 'getEvents', bucketKey, events: [...events] });
  }

  createBucket(bucketKey: string, bucketName?: string): Promise<HttpResult> {
    return this.#answer({ method: 'createBucket', bucketKey, bucketName, events: [] });
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

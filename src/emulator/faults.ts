import { describeValue } from './describe-value';
import type { Fault } from './types';

interface Entry {
  fault: Fault;
  /** Requests the fault still applies to. */
  left: number;
  /** ms since 1970 the fault became the head of the queue; its `durationMs` counts from there. */
  startedAt?: number;
}

function check(ok: boolean, field: string, rule: string, value: unknown): void {
  if (!ok) throw new TypeError(`Expected fault \`${field}\` to be ${rule}, got ${describeValue(value)}`);
}

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const isMs = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Throws a `TypeError` naming the field when `fault` is not a {@link Fault}. */
export function validateFault(fault: Fault): void {
  check(typeof fault === 'object' && fault !== null, 'fault', 'an object', fault);
  check(['status', 'reset', 'hang', 'slow'].includes(fault.kind), 'kind', "one of 'status', 'reset', 'hang', 'slow'", fault.kind);
  if (fault.count !== undefined) check(isCount(fault.count), 'count', 'an integer from 1 and up', fault.count);
  if (fault.durationMs !== undefined) check(isCount(fault.durationMs), 'durationMs', 'an integer from 1 and up (ms)', fault.durationMs);
  if (fault.kind === 'status') {
    const { status, retryAfter, body } = fault;
    check(typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599, 'status', 'an HTTP status from 200 to 599', status);
    if (retryAfter !== undefined) check(isMs(retryAfter), 'retryAfter', 'an integer from 0 and up (seconds)', retryAfter);
    if (body !== undefined) check(typeof body === 'string', 'body', 'a string', body);
  }
  if (fault.kind === 'slow') check(isMs(fault.delayMs), 'delayMs', 'an integer from 0 and up (ms)', fault.delayMs);
}

/**
 * The queue of injected faults, applied in order to the next requests to `/api/*`.
 *
 * A fault applies to `count` requests, or to every request during `durationMs`, whichever ends
 * first; with neither it applies to one request. Its duration counts from when it becomes the head
 * of the queue: at injection when the queue was empty, else when the fault before it ended.
 */
export class FaultQueue {
  #queue: Entry[] = [];

  /** @param now the clock, ms since 1970 */
  constructor(private readonly now: () => number) {}

  /** Validates and queues `fault`. */
  push(fault: Fault): void {
    validateFault(fault);
    const left = fault.count ?? (fault.durationMs === undefined ? 1 : Infinity);
    this.#queue.push({ fault: { ...fault }, left, startedAt: this.#queue.length === 0 ? this.now() : undefined });
  }

  /** The fault for the request arriving now, if any; it uses up one of the fault's requests. */
  next(): Fault | undefined {
    const at = this.now();
    for (let head = this.#queue[0]; head; head = this.#queue[0]) {
      const start = head.startedAt ?? at;
      const duration = head.fault.durationMs;
      if (duration !== undefined && at >= start + duration) {
        this.#advance(start + duration);
        continue;
      }
      head.left -= 1;
      if (head.left <= 0) this.#advance(at);
      return head.fault;
    }
    return undefined;
  }

  /** Forgets every queued fault. */
  clear(): void {
    this.#queue = [];
  }

  #advance(endedAt: number): void {
    this.#queue.shift();
    const next = this.#queue[0];
    if (next) next.startedAt = endedAt;
  }
}

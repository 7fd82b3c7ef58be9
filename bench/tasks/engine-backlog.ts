/**
 * Child task: an account engine with a backlog of `count` events (values 0..count-1, key `seq`),
 * started in step with other processes sharing the access key; reports when it was all settled.
 */
import { AccountEngine } from '../../src/engine';
import type { Counters, DeliveryResult } from '../../src/engine/types';
import type { TaskContext } from '../protocol';

/** What the parent asks for. */
export interface EngineBacklogInput {
  endpoint: string;
  accessKey: string;
  bucketKey: string;
  count: number;
  /** Requests per window the account is told. */
  rateLimit: number;
  windowMs: number;
  /** ms after the start that the task stops waiting and reports. */
  deadlineMs: number;
}

/** What became of the backlog. */
export interface EngineBacklogOutput {
  /** `Date.now()` when the backlog was submitted and when its last event settled (or the deadline). */
  startedAt: number;
  endedAt: number;
  delivered: number;
  failed: number;
  counters: Counters;
}

export async function engineBacklog(input: EngineBacklogInput, context: TaskContext): Promise<EngineBacklogOutput> {
  const engine = new AccountEngine({
    accessKey: input.accessKey,
    endpoint: input.endpoint,
    tier: input.rateLimit,
    windowMs: input.windowMs,
    maxQueue: Math.max(100_000, input.count),
  });
  await context.ready();
  const startedAt = Date.now();
  let delivered = 0;
  let failed = 0;
  let endedAt = startedAt;
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(() => {
      endedAt = Date.now();
      resolve();
    }, input.deadlineMs);
    const settled = (result: DeliveryResult) => {
      delivered += result.delivered;
      failed += result.failed.length;
      if (delivered + failed >= input.count) {
        endedAt = Date.now();
        clearTimeout(deadline);
        resolve();
      }
    };
    // One event per submit, as a stream node submits a number payload.
    for (let i = 0; i < input.count; i++) engine.submit(input.bucketKey, [{ key: 'seq', value: i }], settled);
  });
  return { startedAt, endedAt, delivered, failed, counters: engine.counters() };
}

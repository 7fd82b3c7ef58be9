/**
 * Child task (run with `--expose-gc`): queues `count` events in an account engine whose access key
 * the endpoint rejects, so nothing drains, and measures the heap and RSS they take.
 */
import * as fs from 'node:fs';
import { AccountEngine } from '../../src/engine';
import type { IsEvent } from '../../src/event';
import { waitUntil } from './wait';

/** What the parent asks for. */
export interface EngineMemoryInput {
  /** An endpoint that answers 401 to `accessKey`. */
  endpoint: string;
  accessKey: string;
  count: number;
  persist: 'off' | 'file';
  /** Required with persist 'file'; must not exist yet. */
  spoolFile?: string;
}

/** Memory before and after queueing (bytes), and the spool file's growth. */
export interface EngineMemoryOutput {
  heapBefore: number;
  heapAfter: number;
  rssBefore: number;
  rssAfter: number;
  /** Peak RSS of the process. */
  maxRss: number;
  /** Heap the same events take held in a plain array, per event: what the engine cannot save. */
  eventBytes: number;
  /** Events queued between the two measurements. */
  queued: number;
  /** ms the submits took (with persist 'file', each is written to the spool before it returns). */
  submitMs: number;
  /** Bytes of the spool file at the end (0 with persist 'off'). */
  spoolBytes: number;
  /** The engine's state while queueing: 'key-rejected' keeps the queue. */
  state: string;
}

const BUCKET = 'bench-memory';
/** ms the endpoint has to reject the key. */
const REJECT_TIMEOUT_MS = 30_000;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory task needs node --expose-gc');
  // Twice: the first pass can leave finalised objects for the second.
  gc();
  gc();
}

export async function engineMemory(input: EngineMemoryInput): Promise<EngineMemoryOutput> {
  const engine = new AccountEngine({
    accessKey: input.accessKey,
    endpoint: input.endpoint,
    maxQueue: input.count + 1,
    persist: input.persist,
    spoolFile: input.spoolFile,
    closeTimeout: 0,
  });
  // The stream node always asks to be told; one shared callback keeps the bench's own cost out.
  const settled = (): void => {};
  const epoch = Date.now() / 1000;
  const event = (i: number): IsEvent => ({ key: 'temperature', value: 20 + (i % 1000) / 10, epoch: epoch + i / 1000 });
  // What the events themselves take, measured apart so the engine's own share can be told.
  collect();
  const bare = process.memoryUsage().heapUsed;
  let held: IsEvent[] | undefined = Array.from({ length: input.count }, (_, i) => event(i));
  collect();
  const eventBytes = (process.memoryUsage().heapUsed - bare) / held.length;
  held = undefined;
  engine.submit(BUCKET, [event(0)], settled);
  await waitUntil(() => engine.state === 'key-rejected', REJECT_TIMEOUT_MS, `the endpoint rejecting the access key (state ${engine.state})`);
  collect();
  const before = process.memoryUsage();
  const start = performance.now();
  for (let i = 1; i < input.count; i++) engine.submit(BUCKET, [event(i)], settled);
  const submitMs = performance.now() - start;
  collect();
  const after = process.memoryUsage();
  const counters = engine.counters();
  return {
    heapBefore: before.heapUsed,
    heapAfter: after.heapUsed,
    rssBefore: before.rss,
    rssAfter: after.rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    eventBytes,
    queued: input.count - 1,
    submitMs,
    spoolBytes: input.spoolFile ? fs.statSync(input.spoolFile).size : 0,
    state: `${engine.state}, ${counters.queued} queued, ${counters.dropped} dropped`,
  };
}

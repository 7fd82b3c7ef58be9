/**
 * Child task (run with `--expose-gc`): one Node-RED runtime, one flow, four paths fed the same
 * number messages `{payload: i}` by identical feeder nodes:
 * - feeder → no-op node (a node type whose input handler only counts and calls `done()`);
 * - feeder → keep-done no-op node (keeps each `done`, calls them all once the round's last
 *   message arrived): what keeping messages alive until later costs, as a held stream node does;
 * - feeder → stream node → an account that keeps up (the engine sends while the round runs);
 * - feeder → stream node → an account held at its rate limit (the engine sends nothing meanwhile),
 *   so the figure is the stream node's own path from input to queue.
 * Every round starts from the same quiet state: nothing queued or in flight, garbage collected.
 * Each round is timed by the wall clock and by this process's CPU time: on a loaded machine the
 * latter does not count the time other processes took the cores.
 */
import type { Feeder, Keeper, Sink } from '../red/bench-node-types';
import { accountEngine, accountNodes, flowNode, streamNode } from '../red/flows';
import { startNodeRed } from '../red/runtime';
import { waitUntil } from './wait';

/** What the parent asks for. */
export interface RedOverheadInput {
  /** An emulator that answers at once with a huge rate limit. */
  endpoint: string;
  /** An emulator that lets through {@link HELD_RATE_LIMIT} request per {@link HELD_WINDOW_MS}. */
  heldEndpoint: string;
  accessKey: string;
  /** Messages per measured round. */
  messages: number;
  /** Measured rounds of each path, taken in turn. */
  rounds: number;
}

/** The paths measured. */
export const PATHS = ['noop', 'keep', 'stream', 'held'] as const;
export type OverheadPath = (typeof PATHS)[number];

/** A round's messages per second of wall-clock time, and per second of this process's CPU time (user + system, all its threads: GC included). */
export interface RoundRate {
  wall: number;
  cpu: number;
}

/** Each measured round's rates, by path. */
export type RedOverheadOutput = Record<OverheadPath, RoundRate[]>;

/** Requests the held account and its emulator allow per window. */
export const HELD_RATE_LIMIT = 1;
/** The held account's window, in ms: longer than the whole task. */
export const HELD_WINDOW_MS = 3_600_000;
/** The highest custom tier the account node takes: 10 000 requests per 10 s. */
const HUGE_RATE_LIMIT = 10_000;
/** A round slower than this (ms) is broken, not slow. */
const ROUND_TIMEOUT_MS = 120_000;
/** ms the keeping-up account may take to drain a round before the next starts. */
const DRAIN_TIMEOUT_MS = 120_000;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the overhead task needs node --expose-gc');
  gc();
  gc();
}

export async function redOverhead(input: RedOverheadInput): Promise<RedOverheadOutput> {
  const maxQueue = 10_000_000;
  const held = accountNodes('acc-held', { endpoint: input.heldEndpoint, bucketKey: 'bench-overhead', rateLimit: HELD_RATE_LIMIT, flushInterval: 1000, maxQueue, windowMs: HELD_WINDOW_MS });
  const red = await startNodeRed(
    [
      ...accountNodes('acc', { endpoint: input.endpoint, bucketKey: 'bench-overhead', rateLimit: HUGE_RATE_LIMIT, flushInterval: 1000, maxQueue }),
      // accountNodes gives the tab too; the flow needs it once.
      ...held.filter((node) => node.type !== 'tab'),
      flowNode('feed-noop', 'bench-feeder', ['noop']),
      flowNode('noop', 'bench-noop', []),
      flowNode('feed-keep', 'bench-feeder', ['keep']),
      flowNode('keep', 'bench-keep-done', []),
      flowNode('feed-stream', 'bench-feeder', ['stream']),
      streamNode('stream', 'acc', 0, []),
      flowNode('feed-held', 'bench-feeder', ['held']),
      streamNode('held', 'acc-held', 0, []),
    ],
    { acc: { accessKey: input.accessKey }, 'acc-held': { accessKey: input.accessKey } },
  );
  const noop = red.node<Sink>('noop');
  const keep = red.node<Keeper>('keep');
  const engines = { stream: accountEngine(red, 'acc'), held: accountEngine(red, 'acc-held') };
  // A message has gone through a stream node once its event is in the engine, whatever became of it since.
  const queued = (path: 'stream' | 'held') => () => {
    const c = engines[path].counters();
    return c.queued + c.inFlight + c.delivered + c.dropped;
  };
  const paths: Record<OverheadPath, { feeder: Feeder; processed: () => number }> = {
    noop: { feeder: red.node<Feeder>('feed-noop'), processed: () => noop.count },
    keep: { feeder: red.node<Feeder>('feed-keep'), processed: () => keep.count },
    stream: { feeder: red.node<Feeder>('feed-stream'), processed: queued('stream') },
    held: { feeder: red.node<Feeder>('feed-held'), processed: queued('held') },
  };
  const drained = () => {
    const c = engines.stream.counters();
    return c.queued + c.inFlight === 0;
  };

  async function rate(path: OverheadPath, count: number): Promise<RoundRate> {
    await waitUntil(drained, DRAIN_TIMEOUT_MS, 'the keeping-up account draining the previous round');
    collect();
    const { feeder, processed } = paths[path];
    const base = processed();
    if (path === 'keep') keep.releaseAt = base + count;
    const cpu = process.cpuUsage();
    const start = performance.now();
    await feeder.feed(count, (i) => ({ payload: i }));
    await waitUntil(() => processed() - base >= count, ROUND_TIMEOUT_MS, `${count} messages through the ${path} node`);
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { wall: count / (wallMs / 1000), cpu: count / ((used.user + used.system) / 1e6) };
  }

  // Warm-up: let the JIT settle on every path before anything counts.
  for (const path of PATHS) await rate(path, Math.ceil(input.messages / 5));
  const out: RedOverheadOutput = { noop: [], keep: [], stream: [], held: [] };
  for (let round = 0; round < input.rounds; round++) {
    for (const path of PATHS) out[path].push(await rate(path, input.messages));
  }
  return out;
}

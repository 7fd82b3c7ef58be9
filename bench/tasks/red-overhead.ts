/**
 * Child task: one Node-RED runtime with feeder → no-op node and feeder → stream node, fed rounds
 * of number messages; reports each path's rate.
 */
import type { Feeder, Sink } from '../red/bench-node-types';
import { accountEngine, accountNodes, flowNode, streamNode } from '../red/flows';
import { startNodeRed } from '../red/runtime';
import { waitUntil } from './wait';

/** What the parent asks for. */
export interface RedOverheadInput {
  /** An emulator that answers at once with a huge rate limit. */
  endpoint: string;
  accessKey: string;
  /** Messages per measured round. */
  messages: number;
  /** Measured rounds of each path, alternating no-op and stream. */
  rounds: number;
}

/** Messages per second of each measured round. */
export interface RedOverheadOutput {
  noopRates: number[];
  streamRates: number[];
}

const ACCOUNT = 'acc';
/** The highest custom tier the account node takes: 10 000 requests per 10 s. */
const HUGE_RATE_LIMIT = 10_000;
/** A round slower than this (ms) is broken, not slow. */
const ROUND_TIMEOUT_MS = 120_000;

export async function redOverhead(input: RedOverheadInput): Promise<RedOverheadOutput> {
  const red = await startNodeRed(
    [
      ...accountNodes(ACCOUNT, { endpoint: input.endpoint, bucketKey: 'bench-overhead', rateLimit: HUGE_RATE_LIMIT, flushInterval: 1000, maxQueue: 10_000_000 }),
      flowNode('feed-noop', 'bench-feeder', ['noop']),
      flowNode('noop', 'bench-noop', []),
      flowNode('feed-stream', 'bench-feeder', ['stream']),
      streamNode('stream', ACCOUNT, 0, []),
    ],
    { [ACCOUNT]: { accessKey: input.accessKey } },
  );
  const noop = red.node<Sink>('noop');
  const engine = accountEngine(red, ACCOUNT);
  // A message has gone through the stream node once its event is in the engine, whatever became of it since.
  const streamed = () => {
    const c = engine.counters();
    return c.queued + c.inFlight + c.delivered + c.dropped;
  };
  const paths = {
    noop: { feeder: red.node<Feeder>('feed-noop'), processed: () => noop.count },
    stream: { feeder: red.node<Feeder>('feed-stream'), processed: streamed },
  };

  async function rate(path: keyof typeof paths, count: number): Promise<number> {
    const { feeder, processed } = paths[path];
    const base = processed();
    const start = performance.now();
    await feeder.feed(count, (i) => ({ payload: i }));
    await waitUntil(() => processed() - base >= count, ROUND_TIMEOUT_MS, `${count} messages through the ${path} node`);
    return count / ((performance.now() - start) / 1000);
  }

  // Warm-up: let the JIT settle on both paths before anything counts.
  await rate('noop', Math.ceil(input.messages / 5));
  await rate('stream', Math.ceil(input.messages / 5));
  const out: RedOverheadOutput = { noopRates: [], streamRates: [] };
  for (let round = 0; round < input.rounds; round++) {
    out.noopRates.push(await rate('noop', input.messages));
    out.streamRates.push(await rate('stream', input.messages));
  }
  return out;
}

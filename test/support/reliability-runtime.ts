/**
 * A stream node and its account inside the test helper's Node-RED runtime, with everything the
 * reliability tests watch: what Complete and Catch nodes saw, every status of the stream node,
 * and what the nodes logged.
 */
import type { Emulator } from '../../src/emulator/types';
import { OUR_NODES, helper } from './flows';
import { SECRET_KEY, TAB, accountNode, flowNode, streamNode } from './reliability-flows';
import { waitFor } from './poll';
import type { FlowNode } from './red-process';

/** Id of the account config node in {@link streamFlow}. */
export const ACCOUNT_ID = 'rel-acc';
/** Id of the stream node in {@link streamFlow}. */
export const STREAM_ID = 'stream';

/** What the runtime around a stream node saw. */
export interface Observed {
  /** Messages the stream node finished without error (Complete node). */
  completed: Record<string, any>[];
  /** Messages the stream node finished with an error (Catch node), with `msg.error`. */
  caught: Record<string, any>[];
  /** Every status the stream node showed, in order (Status node). */
  statuses: { fill?: string; shape?: string; text?: string }[];
}

/** The flow: tab, account (see {@link accountNode}), stream node keyed by `msg.topic`, watchers. */
export function streamFlow(emulator: Emulator, account: Record<string, unknown> = {}, stream: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: TAB, type: 'tab', label: 'Reliability' },
    accountNode(ACCOUNT_ID, emulator.apiUrl, account),
    streamNode(STREAM_ID, ACCOUNT_ID, [], { key: 'topic', keyType: 'msg', ...stream }),
    flowNode('rel-complete', 'complete', { scope: [STREAM_ID], uncaught: false, wires: [['completed']] }),
    flowNode('completed', 'helper'),
    flowNode('rel-catch', 'catch', { scope: [STREAM_ID], uncaught: false, wires: [['caught']] }),
    flowNode('caught', 'helper'),
    flowNode('rel-status', 'status', { scope: [STREAM_ID], wires: [['statuses']] }),
    flowNode('statuses', 'helper'),
  ];
}

/** Loads `flow` with the access key `accessKey` and starts recording what its watchers see. */
export async function loadStreamFlow(flow: FlowNode[], accessKey = SECRET_KEY): Promise<Observed> {
  await helper.load(OUR_NODES, flow, { [ACCOUNT_ID]: { accessKey } });
  return observe();
}

/** Records what the watcher nodes of the loaded flow see from now on. */
export function observe(): Observed {
  const seen: Observed = { completed: [], caught: [], statuses: [] };
  helper.getNode('completed').on('input', (msg: Record<string, any>) => seen.completed.push(msg));
  helper.getNode('caught').on('input', (msg: Record<string, any>) => seen.caught.push(msg));
  helper.getNode('statuses').on('input', (msg: Record<string, any>) => seen.statuses.push(msg.status));
  return seen;
}

/** Waits until `count` messages were finished (completed or caught). */
export function allSettled(seen: Observed, count: number, timeoutMs = 15_000): Promise<true> {
  return waitFor(`${count} messages finished`, () => seen.completed.length + seen.caught.length >= count, {
    timeoutMs,
    describe: () => `${seen.completed.length} completed, ${seen.caught.length} caught`,
  });
}

/** `msg.topic` of message `n` of a test spread over `streams` streams. */
export const topicOf = (n: number, streams: number): string => `s${n % streams}`;

/** Sends messages `from … to-1` (`{topic: s<n % streams>, payload: n}`) into the stream node. */
export function send(from: number, to: number, streams: number): void {
  const node = helper.getNode(STREAM_ID);
  for (let n = from; n < to; n++) node.receive({ topic: topicOf(n, streams), payload: n });
}

/**
 * The numbers the emulator stored for each stream key, in the order the service shows them: by
 * timestamp (events of one bucket may arrive out of order with the JSON transport, each carrying
 * its own time), those of the same timestamp by their number, the message order. Compared with
 * {@link expectedPerStream}, this asserts that each message's timestamp is no earlier than the
 * one before it.
 */
export function perStream(emulator: Emulator, bucketKey: string): Map<string, number[]> {
  const streams = new Map<string, number[]>();
  const events = emulator.events({ bucketKey }).map((e) => ({ key: e.key, epoch: e.epoch, n: Number(e.value) }));
  events.sort((a, b) => a.epoch - b.epoch || a.n - b.n);
  for (const e of events) streams.set(e.key, [...(streams.get(e.key) ?? []), e.n]);
  return streams;
}

/** What each stream should hold when messages `0 … count-1` were each delivered once, in order. */
export function expectedPerStream(count: number, streams: number): Map<string, number[]> {
  const expected = new Map<string, number[]>();
  for (let n = 0; n < count; n++) expected.set(topicOf(n, streams), [...(expected.get(topicOf(n, streams)) ?? []), n]);
  return expected;
}

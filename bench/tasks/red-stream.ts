/**
 * Child task: a Node-RED runtime with feeder → stream node → sink (and a Catch node on the stream
 * node → sink), fed `count` messages with payloads 0..count-1; reports when each came out.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { NodeMessage } from 'node-red';
import type { Counters } from '../../src/engine/types';
import type { Feeder, Sink } from '../red/bench-node-types';
import { accountEngine, accountNodes, flowNode, streamNode } from '../red/flows';
import { startNodeRed } from '../red/runtime';

/** What the parent asks for. */
export interface RedStreamInput {
  endpoint: string;
  accessKey: string;
  bucketKey: string;
  /** Requests per window. */
  rateLimit: number;
  /** The emulator's window in ms, given to the account node. */
  windowMs: number;
  flushInterval: number;
  count: number;
  /** 0: all messages at once (a backlog); else one every `intervalMs` ms. */
  intervalMs: number;
  /** ms after the first message that the task stops waiting and reports what came out. */
  deadlineMs: number;
}

/** What came out. */
export interface RedStreamOutput {
  /** ms from the first message sent to the last one out (or to the deadline). */
  spanMs: number;
  /** Messages the stream node passed on (their events were accepted). */
  delivered: number;
  /** Messages that reached the Catch node. */
  failed: number;
  /** For each message by its number, ms from its sending to its coming out; null when it failed or never came. */
  latenciesMs: (number | null)[];
  /** The first few error texts. */
  errors: string[];
  /** The account engine's counters at the end. */
  counters: Counters;
  /** `Date.now()` when each request to the endpoint left the engine (Node's `http.client.request.start`), in order. */
  departedAt: number[];
}

/** Messages in flight carry when they were sent. */
type BenchMessage = NodeMessage & { benchSentAt: number; error?: { message?: string } };

const ACCOUNT = 'acc';
const SHOWN_ERRORS = 5;

export async function redStream(input: RedStreamInput): Promise<RedStreamOutput> {
  const departedAt: number[] = [];
  const endpoint = new URL(input.endpoint);
  const departed = (message: unknown): void => {
    const request = (message as { request: ClientRequest }).request;
    if (request.host === endpoint.hostname && request.path.startsWith(endpoint.pathname)) departedAt.push(Date.now());
  };
  diagnosticsChannel.subscribe('http.client.request.start', departed);
  const red = await startNodeRed(
    [
      ...accountNodes(ACCOUNT, { endpoint: input.endpoint, bucketKey: input.bucketKey, rateLimit: input.rateLimit, flushInterval: input.flushInterval, maxQueue: Math.max(100_000, input.count), windowMs: input.windowMs }),
      flowNode('feed', 'bench-feeder', ['stream']),
      streamNode('stream', ACCOUNT, 1, ['sink']),
      flowNode('catch', 'catch', ['sink'], { scope: ['stream'], uncaught: false }),
      flowNode('sink', 'bench-sink', []),
    ],
    { [ACCOUNT]: { accessKey: input.accessKey } },
  );
  const sink = red.node<Sink>('sink');
  const out: Omit<RedStreamOutput, 'spanMs' | 'counters' | 'departedAt'> = { delivered: 0, failed: 0, latenciesMs: new Array<number | null>(input.count).fill(null), errors: [] };
  const start = performance.now();
  let last = start;
  const finished = new Promise<void>((resolve) => {
    const deadline = setTimeout(resolve, input.deadlineMs);
    sink.onMessage = (message) => {
      const msg = message as BenchMessage;
      last = performance.now();
      if (msg.error) {
        out.failed++;
        if (out.errors.length < SHOWN_ERRORS) out.errors.push(String(msg.error.message));
      } else {
        out.delivered++;
        out.latenciesMs[msg.payload as number] = last - msg.benchSentAt;
      }
      if (out.delivered + out.failed >= input.count) {
        clearTimeout(deadline);
        resolve();
      }
    };
  });
  await red.node<Feeder>('feed').feed(input.count, (i) => ({ payload: i, benchSentAt: performance.now() }) as BenchMessage, input.intervalMs);
  await finished;
  const counters = accountEngine(red, ACCOUNT).counters();
  diagnosticsChannel.unsubscribe('http.client.request.start', departed);
  return { ...out, spanMs: (out.delivered + out.failed >= input.count ? last : performance.now()) - start, counters, departedAt };
}

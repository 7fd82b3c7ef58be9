/**
 * Part 2, node overhead: number messages per second through the stream node (mapping, validation,
 * queueing) beside a no-op node and a keep-done no-op node, in one flow of one Node-RED runtime in
 * one child process.
 */
import { startEmulator } from '../../src/emulator';
import { runTask } from '../child';
import type { Figure } from '../figures';
import { median } from '../stats';
import { HELD_RATE_LIMIT, HELD_WINDOW_MS, PATHS, type OverheadPath, type RedOverheadOutput, type RoundRate } from '../tasks/red-overhead';
import { benchKey, share, type Part } from './part';

/** Child processes, each measuring one round of every path after its warm-up. */
const ROUNDS = 5;
/** The emulator's highest limit: the network side never says 429. */
const EMULATOR_LIMIT = 1_000_000;

export const runOverhead: Part = async (options, progress) => {
  const { messages } = options;
  progress(`overhead: ${ROUNDS} rounds of ${messages} messages through a no-op node, a keep-done no-op node, a stream node whose account keeps up and one whose account is held at its limit`);
  const emulator = await startEmulator({ rateLimit: EMULATOR_LIMIT });
  const heldEmulator = await startEmulator({ rateLimit: HELD_RATE_LIMIT, windowMs: HELD_WINDOW_MS });
  try {
    const out: RedOverheadOutput = { noop: [], keep: [], stream: [], held: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // A fresh rate window: the held account's one request is this child's.
      heldEmulator.reset();
      const child = await runTask(
        'red-overhead',
        { endpoint: emulator.apiUrl, heldEndpoint: heldEmulator.apiUrl, accessKey: benchKey('Overhead'), messages, rounds: 1 },
        { execArgv: ['--expose-gc'], timeoutMs: 300_000 },
      );
      for (const path of PATHS) out[path].push(...child[path]);
    }
    const rates = (path: OverheadPath, clock: keyof RoundRate) => out[path].map((r) => r[clock]);
    const ratios = (path: 'stream' | 'held', clock: keyof RoundRate, base: 'noop' | 'keep' = 'noop') => out[path].map((r, i) => r[clock] / out[base][i][clock]);
    const noop = median(rates('noop', 'cpu'));
    const keep = median(rates('keep', 'cpu'));
    const stream = median(rates('stream', 'cpu'));
    const held = median(rates('held', 'cpu'));
    const list = (values: number[]) => values.map((r) => r.toFixed(2)).join(', ');
    const how = `median of ${ROUNDS} child processes, each measuring one round of ${messages} messages {payload: i} per path after a warm-up of every path, the paths taken in turn, each round from a drained queue after a gc; a message counts once its event is in the account's queue; rates are messages per second of the child's CPU time (user + system, GC threads included), so other processes' load on the machine does not count`;
    const figures: Figure[] = [
      {
        part: 'overhead',
        name: 'stream node rate, account held',
        value: Math.round(held),
        unit: 'msg/s',
        target: { op: '>=', value: 100_000 },
        note: `${how}; the account's limit (${HELD_RATE_LIMIT} request per ${HELD_WINDOW_MS / 60_000} min) is reached, so its engine queues and sends nothing meanwhile: the stream node's own path from input to queue`,
      },
      { part: 'overhead', name: 'stream node rate, account keeping up', value: Math.round(stream), unit: 'msg/s', note: 'the same with an account at 10 000 requests per 10 s, whose engine sends to the emulator (another process) while the round runs: its HTTP work is in the CPU time' },
      { part: 'overhead', name: 'no-op node rate', value: Math.round(noop), unit: 'msg/s', note: 'a node whose input handler only counts the message and calls done(), fed by an identical feeder in the same flow' },
      {
        part: 'overhead',
        name: 'stream / no-op, account held',
        value: median(ratios('held', 'cpu')),
        unit: 'ratio',
        target: { op: '>=', value: 0.8 },
        note: `median of the ${ROUNDS} processes' ratios (CPU time): ${list(ratios('held', 'cpu'))}; ratio of the median rates ${share(held, noop).toFixed(3)}; by the wall clock ${list(ratios('held', 'wall'))} (median rates ${Math.round(median(rates('held', 'wall')))} and ${Math.round(median(rates('noop', 'wall')))} msg/s)`,
      },
      { part: 'overhead', name: 'keep-done no-op node rate', value: Math.round(keep), unit: 'msg/s', note: "a node whose input handler only counts the message and keeps its done(), calling all it kept when the round's last message has arrived" },
      {
        part: 'overhead',
        name: 'stream / keep-done no-op, account held',
        value: median(ratios('held', 'cpu', 'keep')),
        unit: 'ratio',
        note: `the held stream node over a no-op node that keeps every message alive until the round's end, as the held stream node does until delivery (Node-RED's done closure holds the msg): what the stream node's own work costs, without the garbage collection of messages waiting for delivery, which any node finishing a message only on delivery pays. Median of the ${ROUNDS} processes' ratios (CPU time): ${list(ratios('held', 'cpu', 'keep'))}; ratio of the median rates ${share(held, keep).toFixed(3)}; keep-done / no-op ${list(out.keep.map((r, i) => r.cpu / out.noop[i].cpu))}; by the wall clock ${list(ratios('held', 'wall', 'keep'))}`,
      },
      { part: 'overhead', name: 'stream / no-op, account keeping up', value: median(ratios('stream', 'cpu')), unit: 'ratio', note: `CPU time ${list(ratios('stream', 'cpu'))}; wall clock ${list(ratios('stream', 'wall'))}` },
    ];
    return { figures, details: { messages, rounds: ROUNDS, ...out } };
  } finally {
    await Promise.all([emulator.close(), heldEmulator.close()]);
  }
};

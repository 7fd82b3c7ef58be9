/**
 * Part 2, node overhead: number messages per second through the stream node (mapping, validation,
 * queueing) beside a no-op node, in one Node-RED runtime in one child process.
 */
import { startEmulator } from '../../src/emulator';
import { runTask } from '../child';
import { median } from '../stats';
import { benchKey, share, type Part } from './part';

const ROUNDS = 3;
/** The emulator's highest limit: the network side never says 429. */
const EMULATOR_LIMIT = 1_000_000;

export const runOverhead: Part = async (options, progress) => {
  const { messages } = options;
  progress(`overhead: ${ROUNDS} rounds of ${messages} messages through a no-op node and through the stream node`);
  const emulator = await startEmulator({ rateLimit: EMULATOR_LIMIT });
  try {
    const out = await runTask('red-overhead', { endpoint: emulator.apiUrl, accessKey: benchKey('Overhead'), messages, rounds: ROUNDS }, { timeoutMs: 600_000 });
    const stream = median(out.streamRates);
    const noop = median(out.noopRates);
    const how = `median of ${ROUNDS} rounds of ${messages} messages after a warm-up; a message counts once its event is in the account's queue`;
    return {
      figures: [
        { part: 'overhead', name: 'stream node rate', value: Math.round(stream), unit: 'msg/s', target: { op: '>=', value: 100_000 }, note: `${how}; the engine drains to the emulator (another process) meanwhile, at most 1000 requests/s` },
        { part: 'overhead', name: 'no-op node rate', value: Math.round(noop), unit: 'msg/s', note: `${how.split(';')[0]}; a node that only calls done()` },
        { part: 'overhead', name: 'stream / no-op', value: share(stream, noop), unit: 'ratio' },
      ],
      details: { messages, rounds: ROUNDS, ...out },
    };
  } finally {
    await emulator.close();
  }
};

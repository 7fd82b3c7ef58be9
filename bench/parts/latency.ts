/**
 * Part 4, latency: messages at a steady rate under the account's limit through Node-RED, from each
 * message's sending to its coming out of the stream node after the API's 204, at two flushIntervals.
 */
import { startEmulator } from '../../src/emulator';
import { LIMITS, TIERS } from '../../src/event';
import { runTask } from '../child';
import type { Figure } from '../figures';
import { median, percentile } from '../stats';
import { benchKey, type Part } from './part';

/** flushInterval settings compared, in ms. */
const FLUSH_INTERVALS = [1000, 100];
/** One message every 200 ms: at most 5 requests/s even when each is flushed alone. */
const INTERVAL_MS = 200;
/** Requests per 10 s allowed: the Enterprise tier's 60, above those 5 per second. */
const RATE_LIMIT = TIERS.enterprise;
/** The target's allowance above flushInterval for the round trip and Node-RED's hops, in ms. */
const ALLOWANCE_MS = 100;

export const runLatency: Part = async (options, progress) => {
  const count = options.latencyMessages;
  const emulator = await startEmulator({ rateLimit: RATE_LIMIT });
  try {
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    for (const flushInterval of FLUSH_INTERVALS) {
      progress(`latency: ${count} messages, one every ${INTERVAL_MS} ms, flushInterval ${flushInterval} ms`);
      // A fresh rate window for each run: the previous run's requests are not this one's.
      emulator.reset();
      const out = await runTask(
        'red-stream',
        { endpoint: emulator.apiUrl, accessKey: benchKey('Latency'), bucketKey: 'bench-latency', rateLimit: RATE_LIMIT, windowMs: LIMITS.windowMs, flushInterval, count, intervalMs: INTERVAL_MS, deadlineMs: count * INTERVAL_MS + 60_000 },
        { timeoutMs: count * INTERVAL_MS + 120_000 },
      );
      const limited = emulator.stats().byStatus[429] ?? 0;
      details[`flush-${flushInterval}`] = { ...out, status429: limited };
      const target = { op: '<=' as const, value: flushInterval + ALLOWANCE_MS };
      // The first message also waits for what happens once: the HTTP client loads, the bucket is created, the connection opens.
      const [first, ...rest] = out.latenciesMs;
      const latencies = rest.filter((ms): ms is number => ms !== null);
      const how = `${out.delivered} of ${count} messages delivered, ${limited} 429s; ${RATE_LIMIT} requests per 10 s allowed; the first message (${first === null ? 'not delivered' : `${Math.round(first ?? NaN)} ms`}) is left out: it alone pays for loading the HTTP client, creating the bucket and opening the connection`;
      figures.push(
        { part: 'latency', name: `median, flushInterval ${flushInterval} ms`, value: Math.round(median(latencies)), unit: 'ms', target, note: how },
        { part: 'latency', name: `p99, flushInterval ${flushInterval} ms`, value: Math.round(percentile(latencies, 99)), unit: 'ms', target },
      );
    }
    return { figures, details };
  } finally {
    await emulator.close();
  }
};

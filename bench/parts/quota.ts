/**
 * Part 1, quota utilisation: a backlog through a real Node-RED runtime (feeder → stream node →
 * account) to the emulator at a tier's limit, against the fastest schedule the limit allows.
 */
import { startEmulator } from '../../src/emulator';
import { LIMITS } from '../../src/event';
import { runTask } from '../child';
import { fastestScheduleMs, requestsNeeded } from '../schedule';
import { benchKey, checkDelivery, deadlineMs, deliveryFigures, share, windowTimeline, type Part } from './part';

const BUCKET = 'bench-quota';
const BATCH = LIMITS.eventsPerRequest;

export const runQuota: Part = async (options, progress) => {
  const { events, rateLimit, windowMs } = options;
  const accessKey = benchKey('Quota');
  const requests = requestsNeeded(events, BATCH, 1);
  const idealMs = fastestScheduleMs(requests, rateLimit, windowMs);
  progress(`quota: ${events} events (${requests} requests) at ${rateLimit} requests per ${windowMs} ms window; fastest schedule ${idealMs} ms`);
  const emulator = await startEmulator({ rateLimit, windowMs, maxEventsPerRequest: BATCH });
  try {
    const started = Date.now();
    const out = await runTask(
      'red-stream',
      { endpoint: emulator.apiUrl, accessKey, bucketKey: BUCKET, rateLimit, windowMs, flushInterval: 1000, count: events, intervalMs: 0, deadlineMs: deadlineMs(idealMs) },
      { timeoutMs: deadlineMs(idealMs) + 60_000 },
    );
    const stats = emulator.stats();
    const limited = stats.byStatus[429] ?? 0;
    const check = checkDelivery(emulator.events({ accessKey }), BUCKET, events);
    const stillQueued = out.counters.queued + out.counters.inFlight;
    const schedule = `${events} events in batches of ${BATCH} + 1 bucket creation = ${requests} requests; ${rateLimit} per ${windowMs} ms window → fastest (ceil(${requests}/${rateLimit}) - 1) × ${windowMs} = ${idealMs} ms`;
    return {
      figures: [
        {
          part: 'quota',
          name: `utilisation (window ${windowMs} ms)`,
          value: share(idealMs, out.spanMs),
          unit: 'ratio',
          target: { op: '>=', value: 0.95 },
          note: `${schedule}; measured ${Math.round(out.spanMs)} ms from the first message into the stream node to the last one out (its 204 received); the account node is given windowMs ${windowMs}${stillQueued ? `; the run ended at its deadline with ${stillQueued} events queued, so the true ratio is lower still` : ''}`,
        },
        { part: 'quota', name: '429 answers', value: limited, unit: 'count', target: { op: '==', value: 0 } },
        ...deliveryFigures('quota', check, stillQueued),
      ],
      details: {
        events,
        rateLimit,
        windowMs,
        requestsNeeded: requests,
        idealMs,
        ...out,
        latenciesMs: undefined,
        emulator: stats,
        windows: windowTimeline(emulator.requests(), windowMs, started),
      },
    };
  } finally {
    await emulator.close();
  }
};

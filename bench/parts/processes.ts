/**
 * Part 5, several processes, one account: three child processes, each an account engine with its
 * own backlog, share one access key on one emulator.
 */
import { startEmulator } from '../../src/emulator';
import { LIMITS } from '../../src/event';
import { ChildTask } from '../child';
import { countedWindows } from '../counted';
import { fastestScheduleMs, requestsNeeded } from '../schedule';
import { backloggedWindows, benchKey, checkDelivery, deadlineMs, deliveryFigures, share, type Part } from './part';

const PROCESSES = 3;
const BATCH = LIMITS.eventsPerRequest;

export const runProcesses: Part = async (options, progress) => {
  const { processEvents: events, rateLimit, windowMs } = options;
  const accessKey = benchKey('Processes');
  // The emulator does not count bucket creation (as the service limits only /events): the ideal counts what it counts.
  const requests = PROCESSES * requestsNeeded(events, BATCH, 0);
  const idealMs = fastestScheduleMs(requests, rateLimit, windowMs);
  progress(`processes: ${PROCESSES} processes × ${events} events (${requests} requests) at ${rateLimit} per ${windowMs} ms window; fastest schedule ${idealMs} ms`);
  const emulator = await startEmulator({ rateLimit, windowMs, maxEventsPerRequest: BATCH });
  try {
    const buckets = Array.from({ length: PROCESSES }, (_, i) => `bench-process-${i + 1}`);
    const children = buckets.map(
      (bucketKey) =>
        new ChildTask('engine-backlog', { endpoint: emulator.apiUrl, accessKey, bucketKey, count: events, rateLimit, windowMs, deadlineMs: deadlineMs(idealMs) }, { timeoutMs: deadlineMs(idealMs) + 60_000 }),
    );
    await Promise.all(children.map((child) => child.ready()));
    children.forEach((child) => child.go());
    const outs = await Promise.all(children.map((child) => child.result()));
    const spanMs = Math.max(...outs.map((o) => o.endedAt)) - Math.min(...outs.map((o) => o.startedAt));
    const stats = emulator.stats();
    const stored = emulator.events({ accessKey });
    const checks = buckets.map((bucketKey) => checkDelivery(stored, bucketKey, events));
    const limited = stats.byStatus[429] ?? 0;
    const stillQueued = outs.reduce((n, o) => n + o.counters.queued + o.counters.inFlight, 0);
    const windows = countedWindows(emulator.requests(), windowMs);
    const backlogged = backloggedWindows(windows, windowMs, Math.min(...outs.map((o) => o.endedAt)), rateLimit);
    return {
      figures: [
        {
          part: 'processes',
          name: `aggregate utilisation (window ${windowMs} ms)`,
          value: share(idealMs, spanMs),
          unit: 'ratio',
          target: { op: '>=', value: 0.9 },
          note: `${PROCESSES} × ${events} events / ${BATCH} = ${requests} requests counted by the server (bucket creation is not) at ${rateLimit} per ${windowMs} ms → fastest ${idealMs} ms; measured ${spanMs} ms from the first start to the last event settled${stillQueued ? `; the run ended at its deadline with ${stillQueued} events queued, so the true ratio is lower still` : ''}`,
        },
        {
          part: 'processes',
          name: 'slots used while all had a backlog',
          value: backlogged.used,
          unit: 'ratio',
          note: `${backlogged.passed} of ${backlogged.windows} × ${rateLimit} slots in the windows that ended before the first process was done (each process follows the server's headers alone: no Redis)`,
        },
        { part: 'processes', name: '429 answers / requests', value: 100 * share(limited, stats.requests), unit: '%', target: { op: '<', value: 1 }, note: `${limited} of ${stats.requests} requests` },
        ...deliveryFigures(
          'processes',
          { missing: checks.reduce((n, c) => n + c.missing, 0), duplicated: checks.reduce((n, c) => n + c.duplicated, 0) },
          stillQueued,
        ),
      ],
      details: {
        processes: PROCESSES,
        events,
        rateLimit,
        windowMs,
        requestsNeeded: requests,
        idealMs,
        spanMs,
        children: outs,
        emulator: stats,
        windows,
      },
    };
  } finally {
    await emulator.close();
  }
};

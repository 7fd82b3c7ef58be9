/**
 * Part 1, backlog utilisation: backlogs sent at once through a real Node-RED runtime (feeder →
 * stream node → account) to the emulator at a tier's limit, each against the fastest schedule the
 * requests the server counts allow.
 */
import { startEmulator } from '../../src/emulator';
import { LIMITS } from '../../src/event';
import type { Backlog } from '../args';
import { runTask } from '../child';
import { countedWindows, lastRequest } from '../counted';
import type { Figure } from '../figures';
import { fastestScheduleMs } from '../schedule';
import { benchKey, checkDelivery, deadlineMs, share, type Part } from './part';

const BUCKET = 'bench-backlog';
const BATCH = LIMITS.eventsPerRequest;
/** The target of the last request's lag after its window could open, in ms (issue #13). */
const LAST_REQUEST_MS = 50;

/** One backlog's outcome: a row of bench/README.md's utilisation table. */
export interface BacklogRow extends Backlog {
  /** Requests the server counted: event requests, and bucket creation when it counts it. */
  countedRequests: number;
  /** Of those, bucket creations. */
  countedBuckets: number;
  /** Requests the emulator received, counted or not. */
  requests: number;
  /** Fastest schedule of the least requests the server must count: `ceil(events / 10)` + counted bucket creations. */
  fastestMs: number;
  /** First message into the stream node to the last one out (its 204 received). */
  measuredMs: number;
  utilisation: number;
  limited: number;
  lost: number;
  stillQueued: number;
  duplicated: number;
  /** ms from the last window's earliest opening (the previous window's end) to the last request leaving the engine; absent from runs made before it was recorded. */
  lastDepartureMs?: number;
  /** ms from the last window's earliest opening (the previous window's end) to the last request's arrival. */
  lastRequestMs: number;
  /** Of that, ms until the window's first request. */
  openingMs: number;
  windows: number;
}

/** What a backlog's figures are named after, e.g. `1150 events at 30/10 s, buckets counted`. */
function label(backlog: Backlog, windowMs: number): string {
  return `${backlog.events} events at ${backlog.rateLimit}/${windowMs / 1000} s${backlog.countBuckets ? ', buckets counted' : ''}`;
}

async function runOne(backlog: Backlog, windowMs: number): Promise<{ row: BacklogRow; windows: unknown }> {
  const { events, rateLimit, countBuckets } = backlog;
  const accessKey = benchKey('Backlog');
  const emulator = await startEmulator({ rateLimit, windowMs, maxEventsPerRequest: BATCH, countBuckets });
  try {
    // The deadline before the bucket is known to count: the slower of the two.
    const worstMs = fastestScheduleMs(Math.ceil(events / BATCH) + 1, rateLimit, windowMs);
    const out = await runTask(
      'red-stream',
      { endpoint: emulator.apiUrl, accessKey, bucketKey: BUCKET, rateLimit, windowMs, flushInterval: 1000, count: events, intervalMs: 0, deadlineMs: deadlineMs(worstMs) },
      { timeoutMs: deadlineMs(worstMs) + 60_000 },
    );
    const requests = emulator.requests();
    const counted = requests.filter((r) => r.counted);
    const countedBuckets = counted.filter((r) => r.path === '/api/buckets').length;
    const fastestMs = fastestScheduleMs(Math.ceil(events / BATCH) + countedBuckets, rateLimit, windowMs);
    const check = checkDelivery(emulator.events({ accessKey }), BUCKET, events);
    const stillQueued = out.counters.queued + out.counters.inFlight;
    const last = lastRequest(requests, windowMs);
    const row: BacklogRow = {
      ...backlog,
      countedRequests: counted.length,
      countedBuckets,
      requests: requests.length,
      fastestMs,
      measuredMs: Math.round(out.spanMs),
      utilisation: share(fastestMs, out.spanMs),
      limited: requests.filter((r) => r.status === 429).length,
      lost: check.missing - stillQueued,
      stillQueued,
      duplicated: check.duplicated,
      lastDepartureMs: Math.max(...out.departedAt) - last.earliestOpening,
      lastRequestMs: last.sinceOpening,
      openingMs: last.opening,
      windows: last.windows,
    };
    const since = requests[0]?.at ?? 0;
    const windows = countedWindows(requests, windowMs).map((w) => ({ ...w, openedAt: w.openedAt - since, earliest: w.earliest - since, lastAt: w.lastAt - since }));
    return { row, windows };
  } finally {
    await emulator.close();
  }
}

function figures(row: BacklogRow, windowMs: number): Figure[] {
  const name = label(row, windowMs);
  const part = 'backlog' as const;
  const zero = { op: '==' as const, value: 0 };
  return [
    {
      part,
      name: `utilisation, ${name}`,
      value: row.utilisation,
      unit: 'ratio',
      target: { op: '>=', value: 0.98 },
      note: `${row.countedRequests} of ${row.requests} requests counted by the emulator (${row.countedBuckets} bucket creation); fastest (ceil(${Math.ceil(row.events / BATCH) + row.countedBuckets}/${row.rateLimit}) - 1) × ${windowMs} = ${row.fastestMs} ms; measured ${row.measuredMs} ms from the first message into the stream node to the last one out${row.stillQueued ? `; the run ended at its deadline with ${row.stillQueued} events queued, so the true ratio is lower still` : ''}`,
    },
    { part, name: `429 answers, ${name}`, value: row.limited, unit: 'count', target: zero },
    { part, name: `events lost, ${name}`, value: row.lost, unit: 'count', target: zero, note: row.stillQueued ? `${row.stillQueued} more still queued at the deadline` : undefined },
    ...(row.stillQueued ? [{ part, name: `events still queued at the deadline, ${name}`, value: row.stillQueued, unit: 'count', target: zero }] : []),
    { part, name: `events duplicated, ${name}`, value: row.duplicated, unit: 'count', target: zero },
    {
      part,
      name: `last request left after its window opened, ${name}`,
      value: Math.round(row.lastDepartureMs ?? NaN),
      unit: 'ms',
      target: { op: '<=', value: LAST_REQUEST_MS },
      note: `from the earliest the server would open the last of ${row.windows} windows (the previous one's end, by the emulator's log) to the last request leaving the engine (Node's http.client.request.start in the Node-RED process; same machine, same clock)`,
    },
    {
      part,
      name: `last request arrived after its window opened, ${name}`,
      value: Math.round(row.lastRequestMs),
      unit: 'ms',
      note: `the same to the last request's arrival at the emulator; ${Math.round(row.openingMs)} ms of it before the window's first request arrived`,
    },
  ];
}

export const runBacklog: Part = async (options, progress) => {
  const rows: BacklogRow[] = [];
  const windows: Record<string, unknown> = {};
  for (const backlog of options.backlogs) {
    const name = label(backlog, options.windowMs);
    progress(`backlog: ${name}; fastest schedule ${fastestScheduleMs(Math.ceil(backlog.events / BATCH) + (backlog.countBuckets ? 1 : 0), backlog.rateLimit, options.windowMs)} ms`);
    const result = await runOne(backlog, options.windowMs);
    rows.push(result.row);
    windows[name] = result.windows;
  }
  return { figures: rows.flatMap((row) => figures(row, options.windowMs)), details: { windowMs: options.windowMs, rows, windows } };
};

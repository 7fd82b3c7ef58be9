/**
 * Part `quota-fit`: a simulated 30-day month on a fake clock (no real waiting). Ten streams each
 * report every 5 s (2 events/s together, 5.18 M a month), through the stream filter with
 * "stay within quota" on: every minute the mode updates its factor from the events sent, as the
 * account node does, and widens the filter's intervals by it. The same month without any filter
 * gives the total it would have reached and the day the quota would have run out.
 */
import { StreamFilter, filterOptions, type FilterStep } from '../../src/filter';
import { DEFAULT_MONTHLY_QUOTA, StayWithinQuota } from '../../src/quota';
import type { Part } from './part';

const MONTH_START = Date.UTC(2026, 3, 1); // April: 30 days
const MONTH_MS = 30 * 86_400_000;
const STREAMS = 10;
const EVERY_MS = 5000;
const UPDATE_MS = 60_000;

/** Runs the month with the mode on: what was sent, suppressed, and how the factor moved. */
function monthWithMode(quota: number) {
  const filter = new StreamFilter(filterOptions({ aggregate: 'last' }));
  const mode = new StayWithinQuota({ quota });
  const end = MONTH_START + MONTH_MS;
  let sent = 0;
  let suppressed = 0;
  let nextOffer = MONTH_START;
  let stream = 0;
  let nextUpdate = MONTH_START + UPDATE_MS;
  let startedAt: number | undefined;
  let maxFactor = 1;
  const factors: { day: number; factor: number; projected: number }[] = [];
  const take = (step: FilterStep, now: number) => {
    sent += step.send.length;
    suppressed += step.suppressed;
    if (step.send.length) mode.record(step.send.length, now);
  };
  for (;;) {
    const due = filter.nextDue() ?? Infinity;
    const now = Math.min(nextOffer, due, nextUpdate);
    if (now >= end) break;
    if (now === due) take(filter.due(now), now);
    if (now === nextOffer) {
      take(filter.offer({ key: `sensor${stream}`, value: Math.sin(now / 3.6e6 + stream) * 20 + 20, epoch: now / 1000 }, now), now);
      // The streams take turns, half a second apart: each reports every 5 s.
      stream = (stream + 1) % STREAMS;
      nextOffer += EVERY_MS / STREAMS;
    }
    if (now === nextUpdate) {
      const update = mode.update(now, sent);
      if (update.change === 'started') startedAt ??= now;
      filter.widen(update.factor);
      maxFactor = Math.max(maxFactor, update.factor);
      if ((now - MONTH_START) % 86_400_000 === 0) factors.push({ day: (now - MONTH_START) / 86_400_000, factor: update.factor, projected: update.forecast.projected });
      nextUpdate += UPDATE_MS;
    }
  }
  return { sent, suppressed, held: filter.totals.held, offered: filter.totals.offered, startedAt, maxFactor, factor: mode.factor, factors };
}

/** The same month unfiltered: its total and when the quota ran out. */
function monthWithoutFilter(quota: number) {
  let total = 0;
  let ranOutAt: number | undefined;
  for (let t = MONTH_START; t < MONTH_START + MONTH_MS; t += EVERY_MS / STREAMS) {
    total++;
    if (total === quota) ranOutAt = t;
  }
  return { total, ranOutAt };
}

export const runQuotaFit: Part = async (_options, progress) => {
  const quota = DEFAULT_MONTHLY_QUOTA;
  progress(`quota-fit: ${STREAMS} streams every ${EVERY_MS / 1000} s for a simulated 30-day month, quota ${quota}`);
  const started = Date.now();
  const withMode = monthWithMode(quota);
  const without = monthWithoutFilter(quota);
  const simulatedMs = Date.now() - started;
  const ranOutDay = without.ranOutAt === undefined ? NaN : new Date(without.ranOutAt).getUTCDate();
  const part = 'quota-fit' as const;
  return {
    figures: [
      {
        part,
        name: 'month total, stay within quota',
        value: withMode.sent,
        unit: 'count',
        target: { op: '<=', value: quota },
        note: `events sent in the month with the mode on (it started ${withMode.startedAt === undefined ? 'never' : `${Math.round((withMode.startedAt - MONTH_START) / 60_000)} min in`}; factor ${withMode.factor.toFixed(2)} at the end)`,
      },
      { part, name: 'month total, no filter', value: without.total, unit: 'count', note: `${STREAMS} streams × one event per ${EVERY_MS / 1000} s × 30 days` },
      { part, name: 'events suppressed', value: withMode.suppressed, unit: 'count', note: `conflated to each stream's latest value; ${withMode.held} still held at the month's end` },
      {
        part,
        name: 'day the quota would have run out without the mode',
        value: ranOutDay,
        unit: 'day',
        note: without.ranOutAt === undefined ? 'it would not have' : `${new Date(without.ranOutAt).toISOString()}: 402 for the rest of the month`,
      },
      { part, name: 'share of the quota used, stay within quota', value: withMode.sent / quota, unit: 'ratio', note: 'the mode steers to 0.98' },
    ],
    details: { quota, streams: STREAMS, everyMs: EVERY_MS, withMode, without, simulatedMs },
  };
};

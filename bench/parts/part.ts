/** What every part of the bench shares: its result shape, made-up access keys, delivery checks. */
import type { StoredEvent } from '../../src/emulator';
import type { BenchOptions, PartName } from '../args';
import type { CountedWindow } from '../counted';
import type { Figure } from '../figures';

/** What a part measured: table rows and the raw numbers behind them (for the JSON). */
export interface PartResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

/** A part of the bench. */
export type Part = (options: BenchOptions, progress: (line: string) => void) => Promise<PartResult>;

/** A made-up access key for the local emulator: `ist_` and 32 characters. */
export function benchKey(name: string): string {
  return `ist_${`bench${name}`.padEnd(32, '0').slice(0, 32)}`;
}

/**
 * Events of `bucketKey` with key `seq` the emulator stored, checked against the values 0..count-1
 * sent: `missing` were never stored (lost, or still queued when the run ended), `duplicated` were
 * stored more than once or were never sent.
 */
export function checkDelivery(stored: readonly StoredEvent[], bucketKey: string, count: number): { missing: number; duplicated: number } {
  const seen = new Uint32Array(count);
  let duplicated = 0;
  for (const event of stored) {
    if (event.bucketKey !== bucketKey || event.key !== 'seq') continue;
    const value = Number(event.value);
    // Anything that is not one of the values sent counts as a duplicate of something.
    if (!Number.isInteger(value) || value < 0 || value >= count) duplicated++;
    else if (seen[value]++ > 0) duplicated++;
  }
  return { missing: seen.reduce((n, times) => n + (times === 0 ? 1 : 0), 0), duplicated };
}

/** Figures of what became of the events sent: lost, still queued at the deadline, duplicated. */
export function deliveryFigures(part: PartName, check: { missing: number; duplicated: number }, stillQueued: number): Figure[] {
  return [
    { part, name: 'events lost', value: check.missing - stillQueued, unit: 'count', target: { op: '==', value: 0 }, note: 'never stored by the emulator and no longer queued in the engine' },
    { part, name: 'events still queued at the deadline', value: stillQueued, unit: 'count', target: { op: '==', value: 0 } },
    { part, name: 'events duplicated', value: check.duplicated, unit: 'count', target: { op: '==', value: 0 } },
  ];
}

/** ms a backlog run may take before it reports what it has: twice the fastest schedule and 30 s. */
export function deadlineMs(idealMs: number): number {
  return 2 * idealMs + 30_000;
}

/** `part / whole` as a fraction, NaN when `whole` is 0. */
export function share(part: number, whole: number): number {
  return whole === 0 ? NaN : part / whole;
}

/**
 * The server's windows (from {@link countedWindows}) that ended by `untilAt` (ms since 1970): those
 * in which every process still had a backlog when `untilAt` is the first process's end. `used` is
 * the share of their slots (`limit` each) that the server counted.
 */
export function backloggedWindows(windows: readonly CountedWindow[], windowMs: number, untilAt: number, limit: number): { windows: number; passed: number; used: number } {
  const full = windows.filter((w) => w.openedAt + windowMs <= untilAt);
  const passed = full.reduce((n, w) => n + w.counted, 0);
  return { windows: full.length, passed, used: share(passed, full.length * limit) };
}

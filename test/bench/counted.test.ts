import assert from 'node:assert/strict';
import type { RequestRecord } from '../../src/emulator';
import { countedWindows, lastRequest } from '../../bench/counted';

const events = (at: number, status = 204): RequestRecord => ({ method: 'POST', path: '/api/events', status, events: 10, at, counted: status !== 429 });
const bucket = (at: number, counted = false): RequestRecord => ({ method: 'POST', path: '/api/buckets', status: 201, events: 0, at, counted });

describe('bench counted requests', () => {
  it('rebuilds the windows from counted requests only, each opening at or after the previous end', () => {
    const log = [bucket(1000), events(1005), events(1010), events(1020, 429), events(11_005), events(11_050), events(21_100)];
    assert.deepEqual(countedWindows(log, 10_000), [
      { openedAt: 1005, earliest: 1005, counted: 2, limited: 1, lastAt: 1020 },
      { openedAt: 11_005, earliest: 11_005, counted: 2, limited: 0, lastAt: 11_050 },
      { openedAt: 21_100, earliest: 21_005, counted: 1, limited: 0, lastAt: 21_100 },
    ]);
  });

  it("measures the last request from its window's earliest opening, the client's late start included", () => {
    const log = [events(0), events(1), events(10_030), events(10_200)];
    assert.deepEqual(lastRequest(log, 10_000), { sinceOpening: 200, opening: 30, windows: 2, earliestOpening: 10_000 });
  });

  it('a backlog in one window is measured from its first request', () => {
    assert.deepEqual(lastRequest([bucket(0), events(3), events(9)], 10_000), { sinceOpening: 6, opening: 0, windows: 1, earliestOpening: 3 });
  });

  it('has no figure when nothing was counted', () => {
    assert.ok(Number.isNaN(lastRequest([bucket(5)], 10_000).sinceOpening));
  });
});

describe('bench counted windows with bucket creation counted', () => {
  it('lets a counted bucket creation open the first window', () => {
    const windows = countedWindows([bucket(0, true), events(2), events(10_001)], 10_000);
    assert.deepEqual(windows.map((w) => [w.openedAt, w.counted]), [[0, 2], [10_001, 1]]);
  });
});

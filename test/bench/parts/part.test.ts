import assert from 'node:assert/strict';
import type { StoredEvent } from '../../../src/emulator';
import { backloggedWindows, benchKey, checkDelivery, deadlineMs, deliveryFigures, share } from '../../../bench/parts/part';

const stored = (bucketKey: string, value: number | string, key = 'seq'): StoredEvent => ({ bucketKey, key, value, epoch: 0, serverStamped: true, receivedAt: 0 });

describe('bench part helpers', () => {
  it('makes access keys of the service shape', () => {
    assert.match(benchKey('Quota'), /^ist_benchQuota0{22}$/);
    assert.equal(benchKey('AVeryLongNameThatGoesOnAndOnForever').length, 36);
  });

  it('counts values never stored as missing and values stored twice as duplicated', () => {
    const events = [stored('b', 0), stored('b', 2), stored('b', 2), stored('b', 2), stored('other', 1), stored('b', 1, 'noise')];
    assert.deepEqual(checkDelivery(events, 'b', 4), { missing: 2, duplicated: 2 });
  });

  it('counts a value that was never sent as a duplicate', () => {
    assert.deepEqual(checkDelivery([stored('b', 0), stored('b', 7), stored('b', 'x')], 'b', 1), { missing: 0, duplicated: 2 });
  });

  it('shares are NaN over nothing', () => {
    assert.equal(share(1, 4), 0.25);
    assert.ok(Number.isNaN(share(1, 0)));
  });
});

describe('bench backlogged windows', () => {
  const window = (openedAt: number, counted: number, limited = 0) => ({ openedAt, earliest: openedAt, counted, limited, lastAt: openedAt });

  it('counts the slots used in the windows that ended while every process had a backlog', () => {
    const windows = [window(0, 28), window(1010, 29, 1), window(2020, 12)];
    assert.deepEqual(backloggedWindows(windows, 1000, 2500, 30), { windows: 2, passed: 57, used: 57 / 60 });
    assert.deepEqual(backloggedWindows(windows, 1000, 2009, 30), { windows: 1, passed: 28, used: 28 / 30 }, 'the second window ended at 2010');
    assert.ok(Number.isNaN(backloggedWindows(windows, 1000, 500, 30).used), 'no window ended by then');
  });
});

describe('bench delivery figures', () => {
  it('does not count events still queued at the deadline as lost', () => {
    const [lost, queued, duplicated] = deliveryFigures('processes', { missing: 10, duplicated: 1 }, 7);
    assert.deepEqual([lost.name, lost.value], ['events lost', 3]);
    assert.deepEqual([queued.name, queued.value], ['events still queued at the deadline', 7]);
    assert.deepEqual([duplicated.name, duplicated.value], ['events duplicated', 1]);
  });

  it('gives a backlog twice its fastest schedule and 30 s', () => {
    assert.equal(deadlineMs(100_000), 230_000);
  });
});

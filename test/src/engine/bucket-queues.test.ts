import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIMITS, type IsEvent } from '../../../src/event';
import type { Bucket } from '../../../src/engine/bucket';
import { BucketQueues } from '../../../src/engine/bucket-queues';
import { resolveAccountOptions } from '../../../src/engine/options';
import { Spool } from '../../../src/engine/spool';
import type { AccountOptions } from '../../../src/engine/types';

const T0 = 1_700_000_000_000;

function events(count: number, from = 0): IsEvent[] {
  return Array.from({ length: count }, (_, i) => ({ key: 'k', value: from + i }));
}

function queues(options: Partial<AccountOptions> = {}, spool?: Spool, lost: Bucket[] = []): BucketQueues {
  return new BucketQueues(resolveAccountOptions({ accessKey: 'key', batchSize: 3, ...options }), spool, (bucket) => lost.push(bucket));
}

/** Queues `list` in memory as one submit at `time`, as the engine does. */
function keep(q: BucketQueues, bucket: Bucket, list: IsEvent[], time: number, groupStart: (index: number) => boolean = () => false): void {
  list.forEach((event, i) => q.keep(bucket, event, time, undefined, groupStart(i)));
  bucket.nextIndex += list.length;
  q.added(list.length);
}

describe('BucketQueues', () => {
  it('takes batches of at most batchSize into flight, each starting at its spool index, and keeps the counts', () => {
    const q = queues();
    const bucket = q.bucket('a');
    keep(q, bucket, events(5), T0);
    assert.deepEqual(q.memoryStats(), { resident: 5, peakResident: 5, spilled: 0 });
    assert.equal(q.takeBatch(bucket), true);
    assert.deepEqual(bucket.pieces.map((p) => [p.start, p.events.map((e) => e.value)]), [[0, [0, 1, 2]]]);
    assert.equal(q.queued, 2);
    assert.equal(q.inFlight, 3);
    q.release(bucket, bucket.pieces[0]!);
    assert.equal(q.takeBatch(bucket), true);
    assert.deepEqual(bucket.pieces.map((p) => [p.start, p.events.map((e) => e.value)]), [[3, [3, 4]]]);
    assert.equal(q.inFlight, 2);
    assert.deepEqual(q.memoryStats(), { resident: 0, peakResident: 5, spilled: 0 });
    q.release(bucket, bucket.pieces[0]!);
    assert.equal(q.takeBatch(bucket), false);
  });

  it('ends a batch at a group start and before the body limit', () => {
    const q = queues({ batchSize: 10 });
    const bucket = q.bucket('a');
    keep(q, bucket, events(4), T0, (i) => i % 2 === 0);
    q.takeBatch(bucket);
    assert.equal(bucket.pieces[0]!.events.length, 2);

    const big = q.bucket('big');
    const value = 'x'.repeat(Math.floor(LIMITS.bodyBytes / 3));
    keep(q, big, [0, 1, 2].map((i) => ({ key: `k${i}`, value })), T0);
    q.takeBatch(big);
    assert.equal(big.pieces[0]!.events.length, 2);
  });

  it('says when a bucket is ready: a full batch at once, a partial one after flushInterval or a flush, never while busy', () => {
    const q = queues({ flushInterval: 1000 });
    const bucket = q.bucket('a');
    assert.equal(q.readyAt(bucket, T0, -Infinity), Infinity);
    keep(q, bucket, events(2), T0);
    assert.equal(q.readyAt(bucket, T0 + 10, -Infinity), T0 + 1000);
    assert.equal(q.readyAt(bucket, T0 + 10, T0), T0 + 10);
    keep(q, bucket, events(1, 2), T0 + 5);
    assert.equal(q.readyAt(bucket, T0 + 10, -Infinity), T0 + 10);
    bucket.retryAt = T0 + 500;
    assert.equal(q.readyAt(bucket, T0 + 10, -Infinity), T0 + 500);
    bucket.busy = true;
    assert.equal(q.readyAt(bucket, T0 + 10, -Infinity), Infinity);
  });

  it('picks the ready bucket whose oldest event is oldest', () => {
    const q = queues();
    const newer = q.bucket('newer');
    const older = q.bucket('older');
    const waiting = q.bucket('waiting');
    keep(q, newer, events(3), T0 + 20);
    keep(q, older, events(3), T0 + 10);
    keep(q, waiting, events(3), T0);
    waiting.retryAt = T0 + 1000;
    assert.equal(q.oldestReady(T0 + 100, -Infinity), older);
    older.busy = true;
    assert.equal(q.oldestReady(T0 + 100, -Infinity), newer);
    newer.busy = true;
    assert.equal(q.oldestReady(T0 + 100, -Infinity), undefined);
  });

  it('drops the oldest queued event of all buckets', () => {
    const q = queues();
    const a = q.bucket('a');
    const b = q.bucket('b');
    keep(q, a, events(2), T0 + 1);
    keep(q, b, events(2, 10), T0);
    assert.deepEqual(q.dropOldest(), { bucketKey: 'b', event: { key: 'k', value: 10 }, ticket: undefined });
    assert.equal(b.queueStart, 1);
    assert.equal(q.queued, 3);
    assert.equal(q.resident, 3);
  });

  it('drains what is in flight then what is queued, bucket by bucket, with the attempts made', () => {
    const q = queues();
    const a = q.bucket('a');
    keep(q, a, events(4), T0);
    q.takeBatch(a);
    a.pieces[0]!.attempts = 2;
    const b = q.bucket('b');
    keep(q, b, events(1, 10), T0);
    const left = [...q.drain()].map(({ bucketKey, events: list, attempts, spilled }) => [bucketKey, list.map((e) => e.value), attempts, spilled.length]);
    assert.deepEqual(left, [
      ['a', [0, 1, 2, 3], 2, 0],
      ['b', [10], 0, 0],
    ]);
    q.clear();
    assert.deepEqual([q.queued, q.resident, q.inFlight], [0, 0, 0]);
  });

  describe('with a spool', () => {
    let dir: string;
    let spool: Spool;

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'split-queues-'));
      spool = new Spool(path.join(dir, 'q.spool'));
    });

    afterEach(() => {
      spool.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('replays the spool into memory up to memoryWindow, spills the rest, and reads it back batch by batch', () => {
      spool.append('a', 0, events(5));
      spool.close();
      spool = new Spool(path.join(dir, 'q.spool'));
      const q = queues({ persist: 'file', spoolFile: path.join(dir, 'q.spool'), memoryWindow: 2 }, spool);
      const load = q.replay(T0);
      assert.equal(load.held, 5);
      assert.deepEqual(q.memoryStats(), { resident: 2, peakResident: 2, spilled: 3 });
      const bucket = q.bucket('a');
      assert.equal(bucket.nextIndex, 5);
      q.takeBatch(bucket);
      assert.deepEqual(bucket.pieces[0]!.events.map((e) => e.value), [0, 1, 2]);
      q.release(bucket, bucket.pieces[0]!);
      q.takeBatch(bucket);
      assert.deepEqual(bucket.pieces[0]!.events.map((e) => e.value), [3, 4]);
      assert.equal(q.queued, 0);
    });

    it('tells when the spool no longer holds spilled events', () => {
      const lost: Bucket[] = [];
      const q = queues({ persist: 'file', spoolFile: path.join(dir, 'q.spool'), memoryWindow: 1 }, spool, lost);
      const bucket = q.bucket('a');
      const offset = spool.append('a', 0, events(3));
      bucket.tail!.append(offset, 0, 3, T0, undefined, 0);
      bucket.nextIndex = 3;
      q.added(3);
      fs.truncateSync(path.join(dir, 'q.spool'), 0);
      assert.equal(q.takeBatch(bucket), false);
      assert.deepEqual(lost, [bucket]);
    });
  });
});

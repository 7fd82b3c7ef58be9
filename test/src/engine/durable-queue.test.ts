import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIMITS, type IsEvent } from '../../../src/event';
import type { Bucket } from '../../../src/engine/bucket';
import { DeliveryTicket } from '../../../src/engine/delivery-ticket';
import { DurableQueue, type FailEvent } from '../../../src/engine/durable-queue';
import { resolveAccountOptions } from '../../../src/engine/options';
import { oldestReady, readyAt } from '../../../src/engine/ready';
import { Spool } from '../../../src/engine/spool';
import type { AccountOptions, DeliveryResult } from '../../../src/engine/types';

const T0 = 1_700_000_000_000;

function events(count: number, from = 0): IsEvent[] {
  return Array.from({ length: count }, (_, i) => ({ key: 'k', value: from + i }));
}

const fail: FailEvent = (bucketKey, event, ticket, reason, message, attempts, status, now) =>
  ticket ? ticket.failed(event, reason, message, attempts, status, now) : { bucketKey, event, reason, message };

function queue(options: Partial<AccountOptions> = {}, lost: Bucket[] = []): DurableQueue {
  return new DurableQueue(resolveAccountOptions({ accessKey: 'key', batchSize: 3, ...options }), fail, (bucket) => lost.push(bucket));
}

describe('DurableQueue', () => {
  it('takes batches of at most batchSize into flight, each starting at its spool index, and keeps the counts', () => {
    const q = queue();
    const bucket = q.bucket('a');
    assert.deepEqual(q.enqueue('a', events(5), undefined, T0), []);
    assert.deepEqual(q.memoryStats(), { resident: 5, peakResident: 5, spilled: 0 });
    assert.equal(q.takeBatch(bucket), true);
    assert.deepEqual(bucket.pieces.map((p) => [p.start, p.events.map((e) => e.value)]), [[0, [0, 1, 2]]]);
    assert.equal(q.queued, 2);
    assert.equal(q.inFlight, 3);
    q.settle(bucket, bucket.pieces[0]!, 204, T0);
    assert.equal(q.takeBatch(bucket), true);
    assert.deepEqual(bucket.pieces.map((p) => [p.start, p.events.map((e) => e.value)]), [[3, [3, 4]]]);
    assert.equal(q.inFlight, 2);
    assert.deepEqual(q.memoryStats(), { resident: 0, peakResident: 5, spilled: 0 });
    q.settle(bucket, bucket.pieces[0]!, 204, T0);
    assert.equal(q.takeBatch(bucket), false);
  });

  it('ends a batch at a URL group start and before the body limit', () => {
    const q = queue({ batchSize: 2, transport: 'url' });
    q.enqueue('a', events(3), undefined, T0);
    q.enqueue('a', events(1, 3), undefined, T0);
    const bucket = q.bucket('a');
    const sizes: number[] = [];
    while (q.takeBatch(bucket)) {
      sizes.push(bucket.pieces[0]!.events.length);
      q.settle(bucket, bucket.pieces[0]!, 204, T0);
    }
    assert.deepEqual(sizes, [2, 1, 1], 'each submit travels in requests of its own');

    const big = queue({ batchSize: 10 });
    const value = 'x'.repeat(Math.floor(LIMITS.bodyBytes / 3));
    big.enqueue('big', [0, 1, 2].map((i) => ({ key: `k${i}`, value })), undefined, T0);
    big.takeBatch(big.bucket('big'));
    assert.equal(big.bucket('big').pieces[0]!.events.length, 2);
  });

  it('says when a bucket is ready: a full batch at once, a partial one after flushInterval or a flush, never while busy', () => {
    const q = queue({ flushInterval: 1000 });
    const options = resolveAccountOptions({ accessKey: 'key', batchSize: 3, flushInterval: 1000 });
    const bucket = q.bucket('a');
    assert.equal(readyAt(bucket, options, T0, -Infinity), Infinity);
    q.enqueue('a', events(2), undefined, T0);
    assert.equal(readyAt(bucket, options, T0 + 10, -Infinity), T0 + 1000);
    assert.equal(readyAt(bucket, options, T0 + 10, T0), T0 + 10);
    q.enqueue('a', events(1, 2), undefined, T0 + 5);
    assert.equal(readyAt(bucket, options, T0 + 10, -Infinity), T0 + 10);
    bucket.retryAt = T0 + 500;
    assert.equal(readyAt(bucket, options, T0 + 10, -Infinity), T0 + 500);
    bucket.busy = true;
    assert.equal(readyAt(bucket, options, T0 + 10, -Infinity), Infinity);
  });

  it('picks the ready bucket whose oldest event is oldest, an explicit bucket creation first', () => {
    const q = queue();
    const options = resolveAccountOptions({ accessKey: 'key', batchSize: 3 });
    q.enqueue('newer', events(3), undefined, T0 + 20);
    q.enqueue('older', events(3), undefined, T0 + 10);
    q.enqueue('waiting', events(3), undefined, T0);
    const [newer, older, waiting] = ['newer', 'older', 'waiting'].map((key) => q.bucket(key));
    waiting!.retryAt = T0 + 1000;
    assert.equal(oldestReady(q.values(), options, T0 + 100, -Infinity), older);
    q.bucket('made').creates.push({ resolve: () => undefined, reject: () => undefined, failures: 0 });
    assert.equal(oldestReady(q.values(), options, T0 + 100, -Infinity), q.bucket('made'));
    q.bucket('made').creates.length = 0;
    older!.busy = true;
    assert.equal(oldestReady(q.values(), options, T0 + 100, -Infinity), newer);
    newer!.busy = true;
    assert.equal(oldestReady(q.values(), options, T0 + 100, -Infinity), undefined);
  });

  it('drops the oldest queued event of all buckets when full (drop-oldest), or refuses the newest', () => {
    const q = queue({ maxQueue: 3 });
    q.enqueue('a', events(2), undefined, T0 + 1);
    q.enqueue('b', events(1, 10), undefined, T0);
    assert.deepEqual(q.enqueue('a', events(1, 2), undefined, T0 + 2).map((f) => [f.bucketKey, f.event.value, f.reason]), [['b', 10, 'overflow']]);
    assert.equal(q.bucket('b').queueStart, 1);
    assert.equal(q.queued, 3);
    const refusing = queue({ maxQueue: 1, overflow: 'refuse-newest' });
    assert.deepEqual(refusing.enqueue('a', events(2), undefined, T0).map((f) => [f.event.value, f.reason]), [[1, 'overflow']]);
    assert.deepEqual(queue().enqueue('a', [{ key: 'k', value: 'x'.repeat(LIMITS.bodyBytes) }], undefined, T0).map((f) => f.reason), ['too-large']);
  });

  it('at close fails what is in flight then what is queued, bucket by bucket, with the attempts made; or hands it over', () => {
    for (const handOver of [false, true]) {
      const q = queue();
      const results: DeliveryResult[] = [];
      q.enqueue('a', events(4), new DeliveryTicket('a', 4, T0, (r) => results.push(r)), T0);
      const a = q.bucket('a');
      q.takeBatch(a);
      a.pieces[0]!.attempts = 2;
      q.enqueue('b', events(1, 10), undefined, T0);
      const { left, failures, handed } = q.drain(T0, handOver);
      assert.equal(left, 5);
      assert.deepEqual([q.queued, q.inFlight, q.memoryStats().resident], [0, 0, 0]);
      if (handOver) {
        assert.deepEqual(handed.map((h) => [h.bucketKey, h.event.value]), [['a', 0], ['a', 1], ['a', 2], ['a', 3], ['b', 10]]);
        assert.equal(results.length, 0, 'still owed');
      } else {
        assert.deepEqual(failures.map((f) => [f.bucketKey, f.event.value, f.reason]), [['a', 0, 'closed'], ['a', 1, 'closed'], ['a', 2, 'closed'], ['a', 3, 'closed'], ['b', 10, 'closed']]);
        assert.equal(results[0]!.attempts, 2);
      }
    }
  });

  describe('with a spool', () => {
    let dir: string;
    let file: string;

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-queue-'));
      file = path.join(dir, 'q.spool');
    });

    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('replays the spool into memory up to memoryWindow, spills the rest, and reads it back batch by batch', () => {
      const spool = new Spool(file);
      spool.append('a', 0, events(5));
      spool.close();
      const q = queue({ persist: 'file', spoolFile: file, memoryWindow: 2 });
      assert.deepEqual(q.replay(T0), { failures: [] });
      assert.deepEqual(q.memoryStats(), { resident: 2, peakResident: 2, spilled: 3 });
      const bucket = q.bucket('a');
      assert.equal(bucket.nextIndex, 5);
      q.takeBatch(bucket);
      assert.deepEqual(bucket.pieces[0]!.events.map((e) => e.value), [0, 1, 2]);
      q.settle(bucket, bucket.pieces[0]!, 204, T0);
      q.takeBatch(bucket);
      assert.deepEqual(bucket.pieces[0]!.events.map((e) => e.value), [3, 4]);
      assert.equal(q.queued, 0);
      q.drain(T0, false);
    });

    it('settles every submit left at close as spooled, spilled ones too', () => {
      const q = queue({ persist: 'file', spoolFile: file, memoryWindow: 2 });
      const results: DeliveryResult[] = [];
      q.enqueue('a', events(4), new DeliveryTicket('a', 4, T0, (r) => results.push(r)), T0);
      q.enqueue('a', events(1, 4), (r) => results.push(r), T0);
      assert.equal(q.memoryStats().spilled, 3);
      const { left, failures } = q.drain(T0, true);
      assert.equal(left, 5);
      assert.deepEqual(failures, []);
      assert.deepEqual(results.map((r) => [r.delivered, r.failed.length, r.spooled]), [[0, 0, 4], [0, 0, 1]]);
    });

    it('tells when the spool no longer holds spilled events', () => {
      const lost: Bucket[] = [];
      const q = queue({ persist: 'file', spoolFile: file, memoryWindow: 1 }, lost);
      q.enqueue('a', events(3), undefined, T0);
      assert.equal(q.memoryStats().spilled, 2);
      const bucket = q.bucket('a');
      fs.truncateSync(file, 0);
      assert.equal(q.takeBatch(bucket), true);
      assert.deepEqual(bucket.pieces[0]!.events.map((e) => e.value), [0], 'what was in memory goes');
      assert.deepEqual(lost, [bucket]);
      q.drain(T0, false);
    });
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { AccountEngine, type AccountOptions, type DeliveryResult, type FailedEvent, type OverflowPolicy } from '../../../src/engine';
import { REFILL_CHUNK } from '../../../src/engine/account-engine';
import type { HttpResult } from '../../../src/engine/http-client';
import { Spool } from '../../../src/engine/spool';
import { events, FakeHttp, freshKey, OK } from './fake-http';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('memoryWindow (persist file)', () => {
  let dir: string;
  let clock: sinon.SinonFakeTimers;
  let http: FakeHttp;
  let engines: AccountEngine[];
  /** Answers held back by {@link hold}, oldest first. */
  let held: (() => void)[];

  function engine(options: Partial<AccountOptions> = {}, spoolName = 'account.spool'): AccountEngine {
    const created = new AccountEngine(
      { accessKey: freshKey(), autoCreate: false, tier: 10_000, flushInterval: 0, persist: 'file', spoolFile: path.join(dir, spoolName), ...options },
      { http },
    );
    engines.push(created);
    return created;
  }

  /** Holds every answer until {@link release} lets the oldest go. */
  function hold(): void {
    http.respond = () => new Promise<HttpResult>((resolve) => held.push(() => resolve(OK)));
  }

  async function release(): Promise<void> {
    http.respond = () => OK;
    while (held.length > 0) held.shift()!();
    await clock.tickAsync(0);
  }

  const delivered = (bucketKey?: string): unknown[] => http.delivered.filter((d) => bucketKey === undefined || d.bucketKey === bucketKey).map((d) => d.value);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h10-window-'));
    clock = sinon.useFakeTimers({ now: T0 });
    http = new FakeHttp();
    engines = [];
    held = [];
  });
  afterEach(async () => {
    await release();
    const closing = Promise.all(engines.map((e) => e.close()));
    await clock.tickAsync(20_000);
    await closing;
    clock.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers in order across the window edge, with each submit settled', async () => {
    const e = engine({ memoryWindow: 5 });
    const results: DeliveryResult[] = [];
    for (let i = 0; i < 30; i++) e.submit('a', events(1, 'temp', i), (result) => results.push(result));
    e.submit('a', events(7, 'temp', 30), (result) => results.push(result));
    assert.deepEqual(e.memoryStats(), { resident: 5, peakResident: 5, spilled: 32 });
    await clock.tickAsync(0);
    assert.deepEqual(delivered('a'), events(37).map((ev) => ev.value));
    assert.equal(results.length, 31);
    assert.ok(results.every((result) => result.failed.length === 0));
    assert.equal(results.reduce((sum, result) => sum + result.delivered, 0), 37);
    assert.deepEqual(e.memoryStats(), { resident: 0, peakResident: 10, spilled: 0 }, 'the window and the rest of the first batch, read back for it');
  });

  it('keeps the URL transport\'s requests per submit when the submits are read back from the spool', async () => {
    const e = engine({ memoryWindow: 4, transport: 'url', batchSize: 3 });
    e.submit('b', events(5));
    e.submit('b', events(4, 'temp', 5));
    e.submit('b', events(2, 'temp', 9));
    assert.equal(e.memoryStats().spilled, 7);
    await clock.tickAsync(0);
    assert.deepEqual(http.eventCalls.map((call) => call.events.map((ev) => ev.value)), [[0, 1, 2], [3, 4], [5, 6, 7], [8], [9, 10]]);
  });

  it('sends the bucket whose oldest event is oldest first, also when that bucket is wholly spilled', async () => {
    const e = engine({ memoryWindow: 2, tier: 1 });
    e.submit('a', events(4, 'a'));
    clock.tick(1);
    e.submit('b', events(2, 'b'));
    assert.deepEqual(e.memoryStats(), { resident: 2, peakResident: 2, spilled: 4 });
    await clock.tickAsync(0);
    assert.deepEqual(http.eventCalls.map((call) => call.bucketKey), ['a']);
    clock.tick(1);
    e.submit('c', events(1, 'c'));
    assert.deepEqual(e.memoryStats(), { resident: 1, peakResident: 4, spilled: 2 }, 'c is in memory, b only in the spool');
    await clock.tickAsync(60_000);
    assert.deepEqual(http.eventCalls.map((call) => call.bucketKey), ['a', 'b', 'c']);
    assert.deepEqual(delivered('a'), [0, 1, 2, 3]);
  });

  /** Bucket a's oldest events are spilled (its batch in flight) when a full queue takes b's third event. */
  async function overflow(policy: OverflowPolicy): Promise<{ dropped: FailedEvent[]; e: AccountEngine }> {
    const e = engine({ memoryWindow: 2, batchSize: 2, maxQueue: 4, overflow: policy }, `${policy}.spool`);
    const dropped: FailedEvent[] = [];
    e.on('dropped', (failed) => dropped.push(...failed));
    hold();
    e.submit('a', events(4, 'a'));
    await clock.tickAsync(0);
    assert.deepEqual(e.memoryStats(), { resident: 0, peakResident: 2, spilled: 2 }, 'a0 and a1 in flight, a2 and a3 spilled');
    clock.tick(1);
    for (let i = 0; i < 3; i++) e.submit('b', events(1, 'b', i));
    await clock.tickAsync(0);
    await release();
    await clock.tickAsync(0);
    return { dropped, e };
  }

  it('drops the oldest event when it is spilled (drop-oldest)', async () => {
    const { dropped, e } = await overflow('drop-oldest');
    assert.deepEqual(dropped.map((f) => [f.bucketKey, f.event, f.reason]), [['a', { key: 'a', value: 2 }, 'overflow']]);
    assert.deepEqual(delivered('a'), [0, 1, 3]);
    assert.deepEqual(delivered('b'), [0, 1, 2]);
    assert.equal(e.counters().queued, 0);
    await e.close();
    const again = engine({}, 'drop-oldest.spool');
    assert.equal(again.counters().queued, 0, 'the spool holds nothing more');
  });

  it('refuses the newest event when the oldest is spilled (refuse-newest)', async () => {
    const { dropped, e } = await overflow('refuse-newest');
    assert.deepEqual(dropped.map((f) => [f.bucketKey, f.event.value, f.reason]), [['b', 2, 'overflow']]);
    assert.deepEqual(delivered('a'), [0, 1, 2, 3]);
    assert.deepEqual(delivered('b'), [0, 1]);
    await e.close();
    const again = engine({}, 'refuse-newest.spool');
    assert.equal(again.counters().queued, 0, 'the spool holds nothing more');
  });

  it('bisects a batch read back from the spool on 400 and rejects only the bad event', async () => {
    const e = engine({ memoryWindow: 2, batchSize: 4 });
    http.respond = (call) => (call.events.some((ev) => ev.value === 3) ? { status: 400, body: 'bad value' } : OK);
    const dropped: FailedEvent[] = [];
    e.on('dropped', (failed) => dropped.push(...failed));
    let result: DeliveryResult | undefined;
    e.submit('a', events(6), (settled) => (result = settled));
    assert.equal(e.memoryStats().spilled, 4);
    await clock.tickAsync(0);
    assert.deepEqual(dropped.map((f) => [f.event, f.reason]), [[{ key: 'temp', value: 3 }, 'rejected']]);
    assert.deepEqual(delivered('a'), [0, 1, 2, 4, 5]);
    assert.equal(result?.delivered, 5);
    assert.equal(result?.failed.length, 1);
  });

  it('compacts the spool only once the backlog is back in memory, losing and repeating nothing', async () => {
    const spoolFile = path.join(dir, 'compact.spool');
    const e = engine({ memoryWindow: 100 }, 'compact.spool');
    const spilledAtRewrite: number[] = [];
    const rewrite = sinon.stub(Spool.prototype, 'rewrite').callsFake(function (this: Spool, runs) {
      spilledAtRewrite.push(e.memoryStats().spilled);
      return rewrite.wrappedMethod.call(this, runs);
    });
    try {
      for (let i = 0; i < 300; i++) e.submit('b', events(10, 'k', i * 10));
      const before = fs.statSync(spoolFile).size;
      assert.equal(e.memoryStats().spilled, 2900);
      await clock.tickAsync(0);
      assert.deepEqual(delivered('b'), events(3000).map((ev) => ev.value));
      assert.ok(spilledAtRewrite.length > 0, 'compacted');
      assert.ok(spilledAtRewrite.every((spilled) => spilled === 0), `compacted with ${spilledAtRewrite.join(', ')} spilled`);
      const after = fs.statSync(spoolFile).size;
      assert.ok(after < before / 10, `the spool shrank from ${before} to ${after} bytes`);
    } finally {
      rewrite.restore();
    }
  });

  it('spills beyond the window after a restart and delivers everything once, in order', async () => {
    http.respond = () => ({ status: 503, body: '' });
    const first = engine({ closeTimeout: 0 }, 'restart.spool');
    first.submit('a', events(25, 'a'));
    first.submit('b', events(5, 'b'));
    for (let i = 25; i < 40; i++) first.submit('a', events(1, 'a', i));
    const closing = first.close();
    await clock.tickAsync(0);
    assert.deepEqual(await closing, { delivered: 0, spooled: 45, undelivered: 0, handedOver: 0 });

    http.respond = () => OK;
    const second = engine({ memoryWindow: 10 }, 'restart.spool');
    assert.deepEqual(second.memoryStats(), { resident: 10, peakResident: 10, spilled: 35 });
    await clock.tickAsync(0);
    assert.deepEqual(delivered('a'), events(40).map((ev) => ev.value));
    assert.deepEqual(delivered('b'), events(5).map((ev) => ev.value));
    assert.deepEqual(await second.close(), { delivered: 0, spooled: 0, undelivered: 0, handedOver: 0 });
    const third = engine({}, 'restart.spool');
    assert.equal(third.counters().queued, 0, 'nothing is replayed twice');
  });

  it('spools a submit that overflows part-way with the right indices, so a restart delivers exactly what was kept', async () => {
    http.respond = () => ({ status: 503, body: '' });
    const options = { memoryWindow: 1, maxQueue: 2, closeTimeout: 0 };
    const first = engine(options, 'part-way.spool');
    const dropped: FailedEvent[] = [];
    first.on('dropped', (failed) => dropped.push(...failed));
    first.submit('a', events(5));
    assert.deepEqual(first.memoryStats(), { resident: 0, peakResident: 1, spilled: 2 }, 'once a bucket has spilled events, its new ones follow them');
    const closing = first.close();
    await clock.tickAsync(0);
    assert.deepEqual(await closing, { delivered: 0, spooled: 2, undelivered: 0, handedOver: 0 });
    assert.deepEqual(dropped.map((f) => f.event.value), [0, 1, 2]);
    http.respond = () => OK;
    const second = engine(options, 'part-way.spool');
    await clock.tickAsync(0);
    assert.deepEqual(delivered('a'), [3, 4]);
    assert.equal(second.counters().queued, 0);
  });

  it('holds at most memoryWindow plus one chunk in memory while 200 000 events drain', async () => {
    const e = engine({ memoryWindow: 1000, maxQueue: 200_000 });
    for (let i = 0; i < 10_000; i++) {
      e.submit('a', events(10, 'a', i * 10));
      e.submit('b', events(10, 'b', i * 10));
    }
    assert.deepEqual(e.memoryStats(), { resident: 1000, peakResident: 1000, spilled: 199_000 });
    await clock.tickAsync(30_000);
    assert.equal(e.counters().delivered, 200_000);
    assert.ok(e.memoryStats().peakResident <= 1000 + REFILL_CHUNK, `peak ${e.memoryStats().peakResident}`);
    for (const bucketKey of ['a', 'b']) {
      const values = delivered(bucketKey);
      assert.equal(values.length, 100_000);
      assert.ok(values.every((value, i) => value === i), `${bucketKey} in order`);
    }
  });

  it('stops with a clear state and warning when the spool loses spilled events under it, and throws nothing', async () => {
    const e = engine({ memoryWindow: 5 });
    const warnings: string[] = [];
    e.on('warning', (message: string) => warnings.push(message));
    for (let i = 0; i < 30; i++) e.submit('a', events(1, 'temp', i));
    assert.equal(e.memoryStats().spilled, 25);
    fs.truncateSync(path.join(dir, 'account.spool'), 0);
    await clock.tickAsync(0);
    assert.equal(e.state, 'spool-unreadable');
    assert.deepEqual(delivered('a'), events(5).map((ev) => ev.value), 'the events held in memory still go out');
    assert.match(warnings.join('\n'), /no longer holds the queued events of bucket 'a': sending stopped; restart/);
    assert.match(e.counters().lastError?.cause ?? '', /no longer holds/);
    // Nothing more is sent until a restart reads back what the file still holds.
    await clock.tickAsync(5000);
    assert.equal(delivered('a').length, 5);
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { AccountEngine, type AccountOptions, type DeliveryResult, type FailedEvent, type OverflowPolicy } from '../../../src/engine';
import { MonthCounter } from '../../../src/engine/month-counter';
import { Spool, type LoadedRecord } from '../../../src/engine/spool';
import type { HttpResult } from '../../../src/engine/http-client';
import { events, FakeHttp, freshKey } from './fake-http';

const T0 = Date.UTC(2025, 0, 31, 23, 59, 0);

describe('persistence', () => {
  let dir: string;
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h2-engine-'));
    clock = sinon.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    clock.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('spool with the engine', () => {
    it('spools what close could not deliver, and a new engine on the file delivers it in order', async () => {
      const key = freshKey();
      const spoolFile = path.join(dir, 'account.spool');
      const options: Partial<AccountOptions> & { accessKey: string } = { accessKey: key, autoCreate: false, persist: 'file', spoolFile, closeTimeout: 1000, flushInterval: 0 };
      const down = new FakeHttp();
      down.respond = () => ({ status: 503, body: '' });
      const first = new AccountEngine(options, { http: down });
      first.submit('a', events(15, 'a'));
      first.submit('b', events(3, 'b'));
      assert.ok(fs.readFileSync(spoolFile, 'utf8').includes('"b":"a"'), 'written before submit returned');
      const closing = first.close();
      await clock.tickAsync(1000);
      assert.deepEqual(await closing, { delivered: 0, spooled: 18, undelivered: 0, handedOver: 0 });

      const up = new FakeHttp();
      const second = new AccountEngine(options, { http: up });
      assert.equal(second.counters().queued, 18);
      await clock.tickAsync(0);
      assert.deepEqual(up.delivered.filter((d) => d.bucketKey === 'a').map((d) => d.value), events(15).map((e) => e.value));
      assert.equal(up.delivered.length, 18);
      assert.deepEqual(await second.close(), { delivered: 0, spooled: 0, undelivered: 0, handedOver: 0 });
      const third = new AccountEngine(options, { http: up });
      assert.equal(third.counters().queued, 0, 'acknowledged events are not replayed');
      await third.close();
    });

    it('settles the submits it spools at close as spooled (neither delivered nor failed), and delivers them after a restart', async () => {
      const spoolFile = path.join(dir, 'one-event.spool');
      const options: Partial<AccountOptions> & { accessKey: string } = { accessKey: freshKey(), autoCreate: false, persist: 'file', spoolFile, flushInterval: 0 };
      const rejecting = new FakeHttp();
      rejecting.respond = () => ({ status: 401, body: '' });
      const first = new AccountEngine(options, { http: rejecting });
      const settled: DeliveryResult[] = [];
      for (let i = 0; i < 3; i++) first.submit('a', events(1, 'a', i), (result) => settled.push(result));
      first.submit('a', events(2, 'a', 3), (result) => settled.push(result));
      await clock.tickAsync(0);
      assert.equal(first.state, 'key-rejected');
      assert.deepEqual(await first.close(), { delivered: 0, spooled: 5, undelivered: 0, handedOver: 0 });
      assert.deepEqual(settled.map((r) => [r.delivered, r.failed.length, r.spooled]), [[0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 2]]);
      const up = new FakeHttp();
      const second = new AccountEngine(options, { http: up });
      await clock.tickAsync(0);
      assert.deepEqual(up.delivered.map((d) => d.value), [0, 1, 2, 3, 4]);
      await second.close();
    });

    it('compacts the file once most events are acknowledged', async () => {
      const spoolFile = path.join(dir, 'compact.spool');
      const http = new FakeHttp();
      const engine = new AccountEngine({ accessKey: freshKey(), autoCreate: false, persist: 'file', spoolFile, tier: 10_000, flushInterval: 0 }, { http });
      for (let i = 0; i < 300; i++) engine.submit('b', events(10, 'k', i * 10));
      const before = fs.statSync(spoolFile).size;
      await clock.tickAsync(0);
      assert.equal(engine.counters().delivered, 3000);
      const after = fs.statSync(spoolFile).size;
      assert.ok(after < before / 10, `the spool shrank from ${before} to ${after} bytes`);
      await engine.close();
    });

    it('recovers every intact record of a corrupted, truncated spool and warns how many lines it skipped', async () => {
      const spoolFile = path.join(dir, 'broken.spool');
      const key = freshKey();
      fs.writeFileSync(
        spoolFile,
        [
          JSON.stringify({ b: 'a', i: 0, e: events(3) }),
          'garbage{',
          JSON.stringify({ b: 'a', i: 0, n: 1 }),
          JSON.stringify({ b: 'c', i: 0, e: [{ key: 'x', value: 'y' }] }),
          JSON.stringify({ b: 'a', i: 3, e: events(2, 'temp', 3) }).slice(0, 20),
        ].join('\n'),
      );
      const warnings: string[] = [];
      const http = new FakeHttp();
      const engine = new AccountEngine({ accessKey: key, autoCreate: false, persist: 'file', spoolFile, flushInterval: 0 }, { http });
      engine.on('warning', (warning) => warnings.push(warning));
      await clock.tickAsync(0);
      assert.deepEqual(warnings, [`Spool file ${spoolFile}: 2 line(s) could not be read and were skipped; every intact record was recovered`]);
      assert.ok(warnings.every((w) => !w.includes(key)));
      assert.deepEqual(http.delivered.map((d) => `${d.bucketKey}:${String(d.value)}`).sort(), ['a:1', 'a:2', 'c:y']);
      await engine.close();
    });
  });

  describe('replay', () => {
    /** A spool of three submits, oldest first: a 0-4, b 0-2, a 5-8. */
    function writeSpool(spoolFile: string): void {
      fs.writeFileSync(
        spoolFile,
        [
          JSON.stringify({ b: 'a', i: 0, e: events(5) }),
          JSON.stringify({ b: 'b', i: 0, e: events(3, 'b') }),
          JSON.stringify({ b: 'a', i: 5, e: events(4, 'temp', 5) }),
        ].join('\n'),
      );
    }

    /** Replays the spool of {@link writeSpool} with maxQueue 8; returns the drops and what a restart then delivered. */
    async function replay(overflow: OverflowPolicy): Promise<{ dropped: FailedEvent[]; left: string[] }> {
      const spoolFile = path.join(dir, `${overflow}.spool`);
      writeSpool(spoolFile);
      const options = { accessKey: freshKey(), autoCreate: false, persist: 'file' as const, spoolFile, maxQueue: 8, overflow, flushInterval: 0 };
      const http = new FakeHttp();
      http.respond = () => ({ status: 503, body: '' });
      const engine = new AccountEngine(options, { http });
      const dropped: FailedEvent[] = [];
      engine.on('dropped', (failed) => dropped.push(...failed));
      assert.equal(engine.counters().queued, 8);
      await clock.tickAsync(0);
      const closing = engine.close();
      await clock.tickAsync(5000);
      await closing;
      const up = new FakeHttp();
      const again = new AccountEngine(options, { http: up });
      await clock.tickAsync(0);
      await again.close();
      return { dropped, left: up.delivered.map((d) => `${d.bucketKey}:${String(d.value)}`) };
    }

    it('keeps at most maxQueue replayed events, dropping the oldest and reporting them as overflow', async () => {
      const { dropped, left } = await replay('drop-oldest');
      assert.deepEqual(dropped.map((f) => `${f.bucketKey}:${String(f.event.value)}`), ['a:0', 'a:1', 'a:2', 'a:3']);
      assert.ok(dropped.every((f) => f.reason === 'overflow'));
      assert.equal(dropped[0]!.message, 'the spool held 12 events, over maxQueue 8: dropped the oldest 4');
      assert.deepEqual(left.sort(), ['a:4', 'a:5', 'a:6', 'a:7', 'a:8', 'b:0', 'b:1', 'b:2'], 'the dropped events left the spool too');
    });

    it('refuses the newest replayed events with refuse-newest', async () => {
      const { dropped, left } = await replay('refuse-newest');
      assert.deepEqual(dropped.map((f) => `${f.bucketKey}:${String(f.event.value)}`), ['a:5', 'a:6', 'a:7', 'a:8']);
      assert.equal(dropped[0]!.message, 'the spool held 12 events, over maxQueue 8: refused the newest 4');
      assert.deepEqual(left.sort(), ['a:0', 'a:1', 'a:2', 'a:3', 'a:4', 'b:0', 'b:1', 'b:2']);
    });

    it('keeps one request per original submit for the URL transport, also after a compaction', async () => {
      const spoolFile = path.join(dir, 'url.spool');
      const options = { accessKey: freshKey(), autoCreate: false, persist: 'file' as const, spoolFile, transport: 'url' as const, closeTimeout: 0 };
      const down = new FakeHttp();
      down.respond = () => ({ status: 503, body: '' });
      const first = new AccountEngine(options, { http: down });
      first.submit('b', events(3));
      first.submit('b', events(4, 'temp', 3));
      first.submit('b', events(2, 'temp', 7));
      const closing = first.close();
      await clock.tickAsync(0);
      assert.deepEqual(await closing, { delivered: 0, spooled: 9, undelivered: 0, handedOver: 0 });
      // Opening the spool rewrites it (a compaction); open it twice to see the groups survive that.
      const second = new AccountEngine(options, { http: down });
      const closingSecond = second.close();
      await clock.tickAsync(0);
      assert.equal((await closingSecond).spooled, 9);
      const up = new FakeHttp();
      const third = new AccountEngine(options, { http: up });
      await clock.tickAsync(0);
      assert.deepEqual(up.calls.map((call) => [call.method, call.events.length]), [['getEvents', 3], ['getEvents', 4], ['getEvents', 2]]);
      await third.close();
    });
  });

  describe('Spool', () => {
    it('replays events minus removals, numbering each bucket from 0 again', () => {
      const file = path.join(dir, 's.spool');
      const spool = new Spool(file);
      spool.append('a', 0, events(5));
      spool.remove('a', 1, 2);
      spool.close();
      const again = new Spool(file);
      const kept: LoadedRecord[] = [];
      const { badLines, held, overflow } = again.load(10, 'drop-oldest', (record) => kept.push(record));
      again.close();
      assert.deepEqual({ badLines, held, overflow }, { badLines: 0, held: 3, overflow: [] });
      assert.deepEqual(kept, [{ bucketKey: 'a', start: 0, events: [events(5)[0], events(5)[3], events(5)[4]], offset: 0 }]);
      assert.equal(fs.readFileSync(file, 'utf8'), `${JSON.stringify({ b: 'a', i: 0, e: [events(5)[0], events(5)[3], events(5)[4]] })}\n`);
    });
  });

  describe('MonthCounter', () => {
    it('survives a restart, warns at 80 % and 100 % once, and starts again in a new month', () => {
      const file = path.join(dir, 'quota.json');
      const warnings: string[] = [];
      const counter = new MonthCounter({ file, quota: 100, now: Date.now, warn: (w) => warnings.push(w) });
      counter.add(79);
      assert.equal(warnings.length, 0);
      counter.add(1);
      counter.add(5);
      assert.deepEqual(warnings, ['80 of the monthly quota of 100 events delivered in 2025-01 (80 %)']);
      counter.close();
      const restarted = new MonthCounter({ file, quota: 100, now: Date.now, warn: (w) => warnings.push(w) });
      assert.equal(restarted.count, 85);
      restarted.add(15);
      assert.equal(warnings[1], '100 of the monthly quota of 100 events delivered in 2025-01 (100 %): the service may refuse more with 402 until next month');
      restarted.add(1);
      assert.equal(warnings.length, 2);
      clock.tick(60_000); // 2025-02-01
      assert.equal(restarted.count, 0);
      restarted.add(3);
      restarted.close();
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { month: '2025-02', count: 3 });
    });

    it('counts delivered events in the engine (Counters.monthEvents)', async () => {
      const http = new FakeHttp();
      const quotaFile = path.join(dir, 'q.json');
      const engine = new AccountEngine({ accessKey: freshKey(), autoCreate: false, quotaFile, monthlyQuota: 10, flushInterval: 0 }, { http });
      const warnings: string[] = [];
      engine.on('warning', (w) => warnings.push(w));
      http.respond = (): HttpResult => ({ status: 204, body: '' });
      engine.submit('b', events(10));
      await clock.tickAsync(0);
      assert.equal(engine.counters().monthEvents, 10);
      assert.equal(warnings.length, 1, 'one warning: 80 % and 100 % crossed by the same batch');
      await engine.close();
      assert.equal(JSON.parse(fs.readFileSync(quotaFile, 'utf8')).count, 10);
    });
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccountEngine, type AccountOptions } from '../../../src/engine';
import { LimiterRegistry } from '../../../src/engine/limiter-registry';
import { startEmulator, type Emulator } from '../../../src/emulator';
import { events, freshKey } from './fake-http';

/** Resolves once `done()` holds, polling every 20 ms for at most `ms`. */
async function until(done: () => boolean, ms = 8000): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited >= ms) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('AccountEngine against the emulator (loopback HTTP)', function () {
  this.timeout(15_000);
  let emulator: Emulator;
  let engines: AccountEngine[];
  let key: string;
  let dir: string;

  /** @param ownProcess a limiter registry of its own, as if the engine ran in another process */
  function engine(options: Partial<AccountOptions> = {}, ownProcess = false): AccountEngine {
    const deps = ownProcess ? { limiters: new LimiterRegistry() } : {};
    const created = new AccountEngine({ accessKey: key, endpoint: emulator.apiUrl, tier: 20, windowMs: 1000, flushInterval: 50, ...options }, deps);
    engines.push(created);
    return created;
  }

  function stored(bucketKey: string): unknown[] {
    return emulator.events({ accessKey: key, bucketKey }).map((event) => event.value);
  }

  beforeEach(async () => {
    emulator = await startEmulator({ rateLimit: 20, windowMs: 1000, countBuckets: true });
    engines = [];
    key = freshKey();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h2-int-'));
  });
  afterEach(async () => {
    await Promise.all(engines.map((e) => e.close()));
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a backlog at the limit with no 429, every event once and in order per stream', async () => {
    const e = engine();
    e.submit('one', events(200, 'a'));
    e.submit('two', events(100, 'b'));
    await until(() => e.counters().delivered === 300);
    assert.equal(emulator.stats().byStatus[429] ?? 0, 0);
    assert.equal(e.counters().rateLimited, 0);
    assert.deepEqual(stored('one'), events(200).map((ev) => ev.value));
    assert.deepEqual(stored('two'), events(100).map((ev) => ev.value));
  });

  it('delivers to a bucket key that cannot travel in a header (café ☕), creating it first', async () => {
    const e = engine();
    e.submit('café ☕', events(12));
    await until(() => e.counters().delivered === 12);
    assert.deepEqual(stored('café ☕'), events(12).map((ev) => ev.value));
    assert.deepEqual(emulator.buckets({ accessKey: key }).map((b) => b.bucketKey), ['café ☕']);
  });

  it('shares one key among three processes: every event once and in order, each seeing the key shared', async function () {
    const perProcess = 300;
    const all = [engine({}, true), engine({}, true), engine({}, true)];
    const started = Date.now();
    const sawShared = new Set<number>();
    all.forEach((e, p) => e.submit(`p${p}`, events(perProcess, `s${p}`)));
    await until(() => {
      all.forEach((e, p) => e.counters().sharing === 'shared' && sawShared.add(p));
      return all.every((e) => e.counters().delivered === perProcess);
    }, 30_000);
    const seconds = (Date.now() - started) / 1000;
    for (let p = 0; p < all.length; p++) assert.deepEqual(stored(`p${p}`), events(perProcess).map((ev) => ev.value), `process ${p}`);
    const { requests, byStatus } = emulator.stats();
    // Without Redis the processes only follow the server (Remaining, Retry-After): 429s are
    // expected and cost nothing but time. Throughput is the bench's; here it is reported.
    this.test!.title += ` (${requests} requests, ${byStatus[429] ?? 0} answered 429, ${3 * perProcess} events in ${seconds.toFixed(1)} s)`;
    assert.deepEqual([...sawShared].sort(), [0, 1, 2]);
  });

  it('loses nothing through a 429 storm, 503s, resets and hangs', async () => {
    emulator.injectFault({ kind: 'status', status: 429, count: 3, retryAfter: 1 });
    emulator.injectFault({ kind: 'status', status: 503, count: 2 });
    emulator.injectFault({ kind: 'reset', count: 1 });
    emulator.injectFault({ kind: 'hang', count: 1 });
    const e = engine({ requestTimeout: 300, backoffBase: 50, backoffCap: 200 });
    e.submit('b', events(50));
    await until(() => e.counters().delivered === 50);
    const values = stored('b');
    for (const v of events(50).map((ev) => ev.value)) assert.ok(values.includes(v), `event ${String(v)} lost`);
    assert.equal(e.counters().rateLimited, 3);
    assert.ok(e.counters().retries >= 7);
  });

  it('stops after a 401 and keeps the events queued', async () => {
    emulator.configure({ accessKeys: ['ist_someoneelse0000000000000000000'] });
    const e = engine({ autoCreate: false });
    e.submit('b', events(30));
    await until(() => e.state === 'key-rejected');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(emulator.requests().length, 1);
    assert.equal(e.counters().queued + e.counters().inFlight, 30);
    assert.ok(!e.counters().lastError!.cause.includes(key));
  });

  it('pauses on 402 and delivers once the quota is lifted', async () => {
    emulator.configure({ monthlyQuota: 5 });
    const e = engine({ quotaProbeInterval: 200 });
    e.submit('b', events(20));
    await until(() => e.state === 'quota-exceeded');
    emulator.configure({ monthlyQuota: 0 });
    await until(() => e.counters().delivered + 0 >= 15 && stored('b').length === 20);
    assert.deepEqual(stored('b'), events(20).map((ev) => ev.value));
  });

  it('reports a bad event with the emulator\'s message and delivers the rest', async () => {
    const e = engine();
    const batch = events(10);
    batch[6] = { key: 'temp', value: 'x'.repeat(2001) };
    const result = await new Promise<import('../../../src/engine').DeliveryResult>((resolve) => e.submit('b', batch, resolve));
    assert.equal(result.delivered, 9);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]!.reason, 'rejected');
    // The emulator's nested 400 body, read as the status, the type and the message once each.
    assert.match(result.failed[0]!.message, /^HTTP 400 INVALID_EVENT_VALUE: .*at most 2000 characters/);
    assert.equal(result.failed[0]!.message.split('HTTP').length, 2);
    assert.deepEqual(stored('b'), [0, 1, 2, 3, 4, 5, 7, 8, 9]);
  });

  it('delivers after a restart what the first engine spooled', async () => {
    const spoolFile = path.join(dir, 'acc.spool');
    emulator.injectFault({ kind: 'status', status: 503, durationMs: 60_000 });
    const first = engine({ persist: 'file', spoolFile, closeTimeout: 200 });
    first.submit('b', events(40));
    const report = await first.close();
    assert.equal(report.spooled, 40);
    emulator.clearFaults();
    const second = engine({ persist: 'file', spoolFile });
    await until(() => second.counters().delivered === 40);
    assert.deepEqual(stored('b'), events(40).map((ev) => ev.value));
  });
});

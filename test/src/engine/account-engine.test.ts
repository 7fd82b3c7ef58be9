import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AccountEngine, type AccountOptions, type AccountState, type DeliveryResult, type FailedEvent } from '../../../src/engine';
import type { HttpResult } from '../../../src/engine/http-client';
import { CountingLimiter } from './counting-limiter';
import { events, FakeHttp, freshKey, OK, type FakeCall } from './fake-http';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('AccountEngine (fake HTTP, fake timers)', () => {
  let clock: sinon.SinonFakeTimers;
  let http: FakeHttp;
  let engines: AccountEngine[];
  let key: string;

  function engine(options: Partial<AccountOptions> = {}, random = () => 0.5): AccountEngine {
    const created = new AccountEngine({ accessKey: key, autoCreate: false, tier: 1000, ...options }, { http, random });
    engines.push(created);
    return created;
  }

  function values(call: FakeCall): unknown[] {
    return call.events.map((event) => event.value);
  }

  function settled(): { results: DeliveryResult[]; onSettled: (result: DeliveryResult) => void } {
    const results: DeliveryResult[] = [];
    return { results, onSettled: (result) => results.push(result) };
  }

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 });
    http = new FakeHttp();
    engines = [];
    key = freshKey();
  });
  afterEach(async () => {
    http.respond = () => OK;
    const closing = Promise.all(engines.map((e) => e.close()));
    await clock.tickAsync(20_000);
    await closing;
    clock.restore();
  });

  describe('batching', () => {
    it('sends full batches at once and the rest flushInterval after its oldest event', async () => {
      const e = engine();
      e.submit('b', events(25));
      await clock.tickAsync(0);
      assert.deepEqual(http.calls.map((c) => c.events.length), [10, 10]);
      await clock.tickAsync(999);
      assert.equal(http.calls.length, 2);
      await clock.tickAsync(1);
      assert.deepEqual(http.calls.map((c) => c.events.length), [10, 10, 5]);
      assert.deepEqual(http.delivered.map((d) => d.value), events(25).map((ev) => ev.value));
      assert.equal(e.counters().delivered, 25);
      assert.equal(e.counters().requests, 3);
    });

    it('sends a partial batch at once on flush()', async () => {
      const e = engine();
      e.submit('b', events(3));
      await clock.tickAsync(10);
      assert.equal(http.calls.length, 0);
      e.flush();
      await clock.tickAsync(0);
      assert.deepEqual(http.calls.map((c) => c.events.length), [3]);
    });

    it('keeps a batch under 1 MB and fails a single event over it as too-large', async () => {
      const e = engine({ flushInterval: 0 });
      const big = (i: number) => ({ key: 'text', value: `${i}`.padEnd(300_000, 'x') });
      const dropped: FailedEvent[][] = [];
      e.on('dropped', (failed) => dropped.push(failed));
      const { results, onSettled } = settled();
      e.submit('b', [big(0), big(1), big(2), big(3), { key: 'huge', value: 'y'.repeat(1_100_000) }, big(4)], onSettled);
      await clock.tickAsync(0);
      assert.deepEqual(http.calls.map((c) => c.events.length), [3, 2]);
      for (const call of http.calls) assert.ok(Buffer.byteLength(JSON.stringify(call.events)) <= 1_000_000);
      assert.equal(dropped.length, 1);
      assert.equal(dropped[0]![0]!.reason, 'too-large');
      assert.equal(dropped[0]![0]!.event.key, 'huge');
      assert.equal(results[0]!.delivered, 5);
      assert.equal(results[0]!.failed.length, 1);
    });

    it('serves buckets oldest event first', async () => {
      const e = engine({ tier: 1, flushInterval: 0 });
      e.submit('a', events(10, 'a'));
      clock.tick(1);
      e.submit('b', events(10, 'b'));
      clock.tick(1);
      e.submit('a', events(10, 'a', 10));
      await clock.tickAsync(0);
      assert.equal(http.calls.length, 1, 'one request per window (tier 1)');
      await clock.tickAsync(30_000);
      assert.deepEqual(http.calls.map((c) => c.bucketKey), ['a', 'b', 'a']);
      assert.deepEqual(values(http.calls[2]!), events(10, 'a', 10).map((ev) => ev.value));
    });

    it('sends each submit in requests of its own with the URL transport', async () => {
      const e = engine({ transport: 'url', batchSize: 10 });
      e.submit('b', events(3));
      e.submit('b', events(15, 'temp', 3));
      await clock.tickAsync(0);
      assert.deepEqual(http.calls.map((c) => [c.method, c.events.length]), [['getEvents', 3], ['getEvents', 10], ['getEvents', 5]]);
    });

    it('creates each bucket once before its first batch with autoCreate', async () => {
      const e = engine({ autoCreate: true, flushInterval: 0 });
      e.submit('b', events(3));
      await clock.tickAsync(0);
      e.submit('b', events(3));
      e.submit('c', events(1));
      await clock.tickAsync(0);
      assert.deepEqual(http.calls.map((c) => `${c.method} ${c.bucketKey}`), [
        'createBucket b', 'postEvents b', 'postEvents b', 'createBucket c', 'postEvents c',
      ]);
    });
  });

  describe('answers', () => {
    it('resends the same batch after a 429 waits Retry-After, in order', async () => {
      const e = engine({ flushInterval: 0 });
      let first = true;
      http.respond = () => (first ? ((first = false), { status: 429, body: '', retryAfter: 2, remaining: 0, limit: 30 }) : OK);
      const states: AccountState[] = [];
      e.on('state', (state) => states.push(state));
      const { results, onSettled } = settled();
      e.submit('b', events(15), onSettled);
      await clock.tickAsync(1999);
      assert.equal(http.calls.length, 1);
      assert.equal(e.state, 'rate-limited');
      await clock.tickAsync(1);
      assert.deepEqual(http.calls.map(values), [events(10).map((v) => v.value), events(10).map((v) => v.value), events(5, 'temp', 10).map((v) => v.value)]);
      const counters = e.counters();
      assert.equal(counters.rateLimited, 1);
      assert.equal(counters.retries, 1);
      assert.equal(counters.delivered, 15);
      assert.equal(results[0]!.attempts, 2);
      assert.deepEqual(states, ['sending', 'rate-limited', 'sending', 'idle']);
    });

    it('backs off with full jitter after 5xx and network errors and keeps the order', async () => {
      const e = engine({ flushInterval: 0, backoffBase: 1000 }, () => 0.5);
      const answers: HttpResult[] = [{ status: 503, body: 'busy' }, { status: 0, body: '', error: 'ECONNRESET: socket hang up' }];
      http.respond = () => answers.shift() ?? OK;
      e.submit('b', events(10));
      e.submit('b', events(5, 'temp', 10));
      await clock.tickAsync(0);
      assert.equal(http.calls.length, 1);
      assert.equal(e.state, 'retrying');
      assert.equal(e.counters().lastError?.cause, 'HTTP 503: busy');
      await clock.tickAsync(499);
      assert.equal(http.calls.length, 1);
      await clock.tickAsync(1); // 0.5 × 1000
      assert.equal(http.calls.length, 2);
      assert.equal(e.counters().lastError?.cause, 'ECONNRESET: socket hang up');
      await clock.tickAsync(999);
      assert.equal(http.calls.length, 2);
      await clock.tickAsync(1); // 0.5 × 2000
      assert.equal(http.calls.length, 4);
      assert.deepEqual(http.delivered.map((d) => d.value), events(15).map((v) => v.value));
      assert.equal(e.counters().retries, 2);
      assert.equal(e.state, 'idle');
    });

    it('splits a batch on 413 until the pieces fit', async () => {
      const e = engine({ flushInterval: 0 });
      http.respond = (call) => (call.events.length > 3 ? { status: 413, body: 'too large' } : OK);
      e.submit('b', events(10));
      await clock.tickAsync(0);
      assert.deepEqual(http.calls.map((c) => c.events.length), [10, 5, 3, 2, 5, 3, 2]);
      assert.deepEqual(http.delivered.map((d) => d.value), events(10).map((v) => v.value));
      assert.equal(e.counters().delivered, 10);
    });

    it('bisects a 400 to the invalid events, reports each with the server message, delivers the rest', async () => {
      const e = engine({ flushInterval: 0 });
      const bad = new Set([3, 7]);
      http.respond = (call) => {
        const found = call.events.find((ev) => bad.has(ev.value as number));
        return found ? { status: 400, body: JSON.stringify({ message: `invalid value ${String(found.value)}` }) } : OK;
      };
      const dropped: FailedEvent[] = [];
      e.on('dropped', (failed) => dropped.push(...failed));
      const { results, onSettled } = settled();
      e.submit('b', events(10), onSettled);
      await clock.tickAsync(0);
      assert.deepEqual(http.calls.map((c) => c.events.length), [10, 5, 3, 2, 1, 1, 5, 3, 2, 1, 2]);
      assert.deepEqual(http.delivered.map((d) => d.value), [0, 1, 2, 4, 5, 6, 8, 9]);
      assert.deepEqual(dropped.map((f) => [f.event.value, f.reason, f.message]), [
        [3, 'rejected', 'HTTP 400: invalid value 3'],
        [7, 'rejected', 'HTTP 400: invalid value 7'],
      ]);
      assert.equal(results.length, 1);
      assert.equal(results[0]!.delivered, 8);
      assert.equal(results[0]!.failed.length, 2);
      assert.equal(e.counters().dropped, 2);
      assert.equal(e.counters().delivered, 8);
    });

    it('takes a 409 like a 400: bisects, reports the conflicting event as rejected, delivers the rest', async () => {
      const e = engine({ flushInterval: 0 });
      http.respond = (call) => (call.events.some((ev) => ev.value === 2) ? { status: 409, body: '{"message":"conflict on temp"}' } : OK);
      const dropped: FailedEvent[] = [];
      e.on('dropped', (failed) => dropped.push(...failed));
      e.submit('b', events(4));
      await clock.tickAsync(0);
      assert.deepEqual(dropped.map((f) => [f.event.value, f.reason, f.message]), [[2, 'rejected', 'HTTP 409: conflict on temp']]);
      assert.deepEqual(http.delivered.map((d) => d.value), [0, 1, 3]);
      assert.equal(e.counters().requests, 5, '4, then 2 + 2, then 1 + 1: no resending of the whole batch');
    });

    it('reports a 404 as a wrong endpoint once, backs off and keeps the events until it answers', async () => {
      const e = engine({ flushInterval: 0, backoffBase: 1000 }, () => 0.5);
      let wrong = 3;
      http.respond = () => (wrong-- > 0 ? { status: 404, body: '{"message":"No route POST /api/events"}' } : OK);
      const warnings: string[] = [];
      e.on('warning', (warning) => warnings.push(warning));
      e.submit('b', events(10));
      await clock.tickAsync(0);
      const expected = 'endpoint https://groker.init.st/api answered 404: check the endpoint URL (HTTP 404: No route POST /api/events)';
      assert.equal(e.counters().lastError?.cause, expected);
      assert.equal(e.state, 'retrying');
      await clock.tickAsync(499);
      assert.equal(http.calls.length, 1, 'no resend before the back-off');
      await clock.tickAsync(1 + 1000 + 2000);
      assert.equal(http.calls.length, 4);
      assert.deepEqual(warnings, [expected], 'one warning for a lasting 404');
      assert.equal(e.counters().delivered, 10);
      assert.equal(e.counters().dropped, 0);
    });

    it('reports another 4xx with the server message and backs off instead of spinning', async () => {
      const e = engine({ flushInterval: 0, backoffBase: 1000 }, () => 0.5);
      http.respond = () => ({ status: 418, body: "I'm a teapot" });
      const warnings: string[] = [];
      e.on('warning', (warning) => warnings.push(warning));
      e.submit('b', events(3));
      await clock.tickAsync(10_000);
      // Back-offs of 500, 1000, 2000 and 4000 ms fit in 10 s: five requests, not thousands.
      assert.equal(http.calls.length, 5);
      assert.equal(e.counters().lastError?.cause, "HTTP 418: I'm a teapot");
      assert.deepEqual(warnings, ["HTTP 418: I'm a teapot"]);
      assert.equal(e.counters().queued + e.counters().inFlight, 3, 'the events are kept');
    });

    it('stops sending on 401, keeps the queue, and reports it closed at close', async () => {
      const e = engine({ flushInterval: 0 });
      http.respond = () => ({ status: 401, body: `{"message":"ACCESS_DENIED_KEY ${key}"}` });
      const states: [AccountState, string][] = [];
      e.on('state', (state, detail) => states.push([state, detail]));
      const { results, onSettled } = settled();
      e.submit('b', events(10), onSettled);
      e.submit('c', events(10));
      await clock.tickAsync(0);
      const sent = http.calls.length;
      assert.ok(sent >= 1 && sent <= 2);
      e.submit('b', events(5));
      await clock.tickAsync(600_000);
      assert.equal(http.calls.length, sent, 'nothing sent after the 401');
      assert.equal(e.state, 'key-rejected');
      assert.equal(e.counters().queued + e.counters().inFlight, 25);
      assert.ok(!e.counters().lastError!.cause.includes(key), 'the key leaked into lastError');
      assert.match(e.counters().lastError!.cause, /ACCESS_DENIED_KEY …/);
      assert.ok(states.every(([, detail]) => !detail.includes(key)));
      const report = await e.close();
      assert.deepEqual(report, { delivered: 0, spooled: 0, undelivered: 25, handedOver: 0 });
      assert.equal(results[0]!.failed.length, 10);
      assert.equal(results[0]!.failed[0]!.reason, 'closed');
    });

    it('pauses on 402, probes every quotaProbeInterval with one batch, and resumes', async () => {
      const e = engine({ flushInterval: 0, quotaProbeInterval: 60_000 });
      // Refused until the second probe.
      http.respond = () => (Date.now() < T0 + 100_000 ? { status: 402, body: '{"message":"monthly quota exceeded"}' } : OK);
      e.submit('a', events(20));
      e.submit('b', events(10));
      await clock.tickAsync(0);
      assert.equal(e.state, 'quota-exceeded');
      const first = http.calls.length;
      await clock.tickAsync(59_999);
      assert.equal(http.calls.length, first);
      await clock.tickAsync(1);
      assert.equal(http.calls.length, first + 1, 'one probe, refused too');
      assert.equal(e.state, 'quota-exceeded');
      await clock.tickAsync(59_999);
      assert.equal(http.calls.length, first + 1);
      await clock.tickAsync(1);
      assert.equal(e.state, 'idle');
      assert.equal(e.counters().delivered, 30);
    });

    it('takes no slot while the quota probe holds: paused, or its probe under way', async () => {
      const limiter = new CountingLimiter({ limit: 10, windowMs: 10_000 });
      const e = new AccountEngine({ accessKey: key, autoCreate: false, tier: 1000, flushInterval: 0, quotaProbeInterval: 60_000 }, { http, limiter });
      engines.push(e);
      const refused: HttpResult = { status: 402, body: '{"message":"monthly quota exceeded"}' };
      // The probe's answer takes 5 s: other buckets are ready meanwhile.
      http.respond = () => (Date.now() < T0 + 60_000 ? refused : new Promise((resolve) => setTimeout(() => resolve(refused), 5_000)));
      e.submit('a', events(20));
      e.submit('b', events(10));
      await clock.tickAsync(59_999);
      assert.equal(http.calls.length, 1);
      // The 402'd request's slot, and the next one's, granted as the 402 came in (and unused).
      assert.equal(limiter.takes, 2, 'slots taken while paused');
      await clock.tickAsync(4_001);
      assert.equal(http.calls.length, 2, 'the probe');
      assert.equal(limiter.takes, 3, 'slots taken while the probe is under way');
    });
  });

  describe('bounds', () => {
    it('drops the oldest queued events when full (drop-oldest)', async () => {
      const e = engine({ maxQueue: 5, flushInterval: 60_000 });
      const dropped: FailedEvent[] = [];
      e.on('dropped', (failed) => dropped.push(...failed));
      const a = settled();
      e.submit('a', events(3, 'a'), a.onSettled);
      clock.tick(1);
      e.submit('b', events(4, 'b'));
      assert.deepEqual(dropped.map((f) => [f.bucketKey, f.event.value, f.reason]), [['a', 0, 'overflow'], ['a', 1, 'overflow']]);
      assert.equal(e.counters().dropped, 2);
      assert.equal(e.counters().queued, 5);
      e.flush();
      await clock.tickAsync(0);
      assert.equal(a.results[0]!.delivered, 1);
      assert.equal(a.results[0]!.failed.length, 2);
    });

    it('refuses the newest events when full (refuse-newest)', async () => {
      const e = engine({ maxQueue: 5, overflow: 'refuse-newest', flushInterval: 60_000 });
      const dropped: FailedEvent[] = [];
      e.on('dropped', (failed) => dropped.push(...failed));
      const { results, onSettled } = settled();
      e.submit('a', events(7), onSettled);
      assert.deepEqual(dropped.map((f) => [f.event.value, f.reason]), [[5, 'overflow'], [6, 'overflow']]);
      assert.equal(e.counters().dropped, 2);
      e.flush();
      await clock.tickAsync(0);
      assert.equal(results[0]!.delivered, 5);
      assert.deepEqual(results[0]!.failed.map((f) => f.event.value), [5, 6]);
    });

    it('settles a submit once when all its events are refused, and an empty submit at once', () => {
      const e = engine({ maxQueue: 1, overflow: 'refuse-newest', flushInterval: 60_000 });
      e.submit('a', events(1));
      const { results, onSettled } = settled();
      e.submit('a', events(2), onSettled);
      e.submit('a', [], onSettled);
      assert.deepEqual(results.map((r) => [r.delivered, r.failed.length]), [[0, 2], [0, 0]]);
    });
  });

  describe('close', () => {
    it('drains partial batches before closing', async () => {
      const e = engine({ flushInterval: 60_000 });
      e.submit('b', events(5));
      const report = e.close();
      await clock.tickAsync(0);
      assert.deepEqual(await report, { delivered: 5, spooled: 0, undelivered: 0, handedOver: 0 });
      assert.equal(e.state, 'closed');
    });

    it('reports what could not be drained within closeTimeout as closed (persist off)', async () => {
      const e = engine({ flushInterval: 0, closeTimeout: 2000 });
      http.respond = () => new Promise<HttpResult>(() => undefined);
      const { results, onSettled } = settled();
      e.submit('b', events(12), onSettled);
      await clock.tickAsync(0);
      const dropped: FailedEvent[] = [];
      e.on('dropped', (failed) => dropped.push(...failed));
      const report = e.close();
      await clock.tickAsync(1999);
      assert.equal(results.length, 0);
      assert.ok(http.calls.every((call) => call.signal?.aborted === false));
      await clock.tickAsync(1);
      assert.ok(http.calls.every((call) => call.signal?.aborted === true), 'the requests in flight were aborted at the deadline');
      assert.deepEqual(await report, { delivered: 0, spooled: 0, undelivered: 12, handedOver: 0 });
      assert.equal(dropped.length, 12);
      assert.ok(dropped.every((f) => f.reason === 'closed'));
      assert.equal(results[0]!.failed.length, 12);
      const late = settled();
      e.submit('b', events(1), late.onSettled);
      assert.equal(late.results[0]!.failed[0]!.reason, 'closed');
    });
  });

  describe('hand-over (close({handOver: true}), then adopt())', () => {
    it('hands a rejected key\'s queue to the next engine, whose submits settle when it delivers them', async () => {
      http.respond = () => ({ status: 401, body: '' });
      const first = engine({ flushInterval: 0 });
      const { results, onSettled } = settled();
      first.submit('a', events(25), onSettled);
      first.submit('b', events(3, 'b'), onSettled);
      first.submit('a', events(1, 'a', 25));
      await clock.tickAsync(0);
      assert.equal(first.state, 'key-rejected');
      const report = await first.close({ handOver: true });
      assert.deepEqual({ ...report, handOver: undefined }, { delivered: 0, spooled: 0, undelivered: 0, handedOver: 29, handOver: undefined });
      assert.equal(results.length, 0, 'still owed to their submits');
      http.respond = () => OK;
      key = freshKey();
      const second = engine({ flushInterval: 0 });
      second.adopt(report.handOver!);
      await clock.tickAsync(0);
      assert.deepEqual(http.delivered.filter((d) => d.bucketKey === 'a').map((d) => d.value), events(26).map((ev) => ev.value));
      assert.deepEqual(results.map((r) => [r.bucketKey, r.delivered, r.failed.length]), [['a', 25, 0], ['b', 3, 0]]);
      assert.equal(report.handOver!.count, 0, 'adopted once');
    });

    it('drains for up to closeTimeout while it can send, hands over the rest, and reports an unadopted queue as not delivered', async () => {
      let calls = 0;
      // The first request is answered; the next hangs until close aborts it at closeTimeout.
      http.respond = () => (++calls === 1 ? OK : new Promise<HttpResult>(() => undefined));
      const e = engine({ flushInterval: 0, closeTimeout: 1000 });
      const { results, onSettled } = settled();
      e.submit('a', events(30), onSettled);
      const closing = e.close({ handOver: true });
      await clock.tickAsync(999);
      assert.equal(http.calls.length, 2, 'kept sending while closing');
      await clock.tickAsync(200);
      const report = await closing;
      assert.equal(http.calls.length, 2, 'no request started after the deadline');
      assert.equal(report.delivered, 10);
      assert.equal(report.handedOver, 20);
      const failed = report.handOver!.abandon();
      assert.equal(failed.length, 20);
      assert.ok(failed.every((f) => f.reason === 'closed'));
      assert.deepEqual(results.map((r) => [r.delivered, r.failed.length]), [[10, 20]]);
    });

    it('delivers the whole queue at a redeploy when it can within closeTimeout: nothing to hand over', async () => {
      const e = engine({ flushInterval: 0 });
      const { results, onSettled } = settled();
      e.submit('a', events(30), onSettled);
      const report = await e.close({ handOver: true });
      assert.deepEqual({ ...report }, { delivered: 30, spooled: 0, undelivered: 0, handedOver: 0 });
      assert.deepEqual(results.map((r) => [r.delivered, r.failed.length]), [[30, 0]]);
    });
  });

  describe('createBucket', () => {
    it('retries 5xx and network errors with back-off through the limiter, then resolves', async () => {
      const e = engine({ backoffBase: 1000 }, () => 0.5);
      const answers: HttpResult[] = [{ status: 503, body: '' }, { status: 0, body: '', error: 'ECONNRESET: socket hang up' }, { status: 201, body: '' }];
      http.respond = () => answers.shift()!;
      const created = e.createBucket('b1');
      await clock.tickAsync(0);
      assert.equal(http.calls.length, 1);
      await clock.tickAsync(499);
      assert.equal(http.calls.length, 1);
      await clock.tickAsync(1 + 1000);
      assert.deepEqual(await created, { bucketKey: 'b1', bucketName: undefined, created: true });
      assert.equal(http.calls.length, 3);
      assert.equal(e.counters().retries, 2);
    });

    it('rejects with code http after 5 failed attempts, naming the bucket and the last answer', async () => {
      const e = engine({ backoffBase: 10, backoffCap: 10 });
      http.respond = () => ({ status: 500, body: '{"message":"database down"}' });
      const created = e.createBucket('b1');
      const rejected = assert.rejects(created, { code: 'http', message: 'bucket "b1" not created: HTTP 500: database down (attempt 5)' });
      await clock.tickAsync(1000);
      await rejected;
      assert.equal(http.calls.length, 5);
    });

    it('rejects with code closed when close comes during a back-off', async () => {
      const e = engine({ backoffBase: 60_000, backoffCap: 60_000 });
      http.respond = () => ({ status: 503, body: '' });
      const created = e.createBucket('b1');
      await clock.tickAsync(0);
      const rejected = assert.rejects(created, { code: 'closed' });
      await e.close();
      await rejected;
      assert.equal(http.calls.length, 1);
    });

    it('warns with the bucket key and the server message when auto-create gets a 400, and still sends', async () => {
      const e = engine({ autoCreate: true, flushInterval: 0 });
      http.respond = (call) => (call.method === 'createBucket' ? { status: 400, body: '{"message":"bucketName too long"}' } : OK);
      const warnings: string[] = [];
      e.on('warning', (warning) => warnings.push(warning));
      e.submit('my bucket', events(2));
      await clock.tickAsync(0);
      assert.deepEqual(warnings, ['bucket "my bucket" not created: HTTP 400: bucketName too long']);
      assert.equal(e.counters().delivered, 2);
    });

    it('rejects a creation still waiting for a slot with code key-rejected when another answer is 401', async () => {
      const e = engine({ tier: 1 });
      http.respond = () => new Promise<HttpResult>((resolve) => setTimeout(() => resolve({ status: 401, body: '' }), 100));
      const first = assert.rejects(e.createBucket('b1'), { code: 'key-rejected' });
      const second = e.createBucket('b2');
      let outcome = 'pending';
      second.then(
        () => (outcome = 'resolved'),
        (err: { code?: string }) => (outcome = `rejected ${err.code}`),
      );
      await clock.tickAsync(0);
      assert.equal(http.calls.length, 1, 'one request per window: b2 waits for the next');
      await clock.tickAsync(100);
      await first;
      assert.equal(outcome, 'rejected key-rejected');
      assert.equal(http.calls.length, 1, 'b2 was never sent');
    });

    it('rejects a creation refused for its key with one sentence: the bucket, the key masked once, the answer once', async () => {
      const e = engine({ tier: 1 });
      const body = JSON.stringify({ message: { error: { type: 'ACCESS_DENIED_KEY', message: 'this access key is not accepted' } } });
      http.respond = () => ({ status: 401, body });
      const masked = `…${key.slice(-4)}`;
      const answer = 'HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted';
      const first = e.createBucket('trial').catch((err: Error) => err);
      const waiting = e.createBucket('other').catch((err: Error) => err);
      await clock.tickAsync(0);
      assert.equal(String(await first), `bucket "trial" not created: access key ${masked} rejected (${answer})`);
      // The one still waiting for a slot is settled by the stop, from the same answer.
      assert.equal(String(await waiting), `bucket "other" not created: access key ${masked} rejected (${answer})`);
      // What the account learnt is the answer alone: no bucket, no key.
      assert.equal(e.counters().lastError?.cause, answer);
    });

    it('leaves no part of the key in a long answer cut short around it', async () => {
      const e = engine({ flushInterval: 0 });
      for (const [status, at] of [[400, 185], [503, 195], [409, 199]] as const) {
        http.respond = () => ({ status, body: JSON.stringify({ message: `${'x'.repeat(at)}${key} echoed` }) });
        const failed: FailedEvent[] = [];
        e.on('dropped', (f: FailedEvent[]) => failed.push(...f));
        e.submit('b', events(1));
        await clock.tickAsync(0);
        const texts = [e.counters().lastError?.cause ?? '', ...failed.map((f) => f.message)];
        assert.ok(texts[0] !== '', `HTTP ${status}: an error is kept`);
        for (const text of texts) assert.ok(!text.includes(key.slice(0, 8)), `HTTP ${status}: ${text}`);
        http.respond = () => OK;
        await clock.tickAsync(120_000);
      }
    });

    it('rejects a creation made after the account closed, naming the bucket', async () => {
      const e = engine();
      await e.close();
      await assert.rejects(e.createBucket('late'), { code: 'closed', message: 'bucket "late" not created: the account closed' });
    });

    it('resolves created for 201 and not for 204, and rejects with a code', async () => {
      const e = engine();
      const answers: HttpResult[] = [
        { status: 201, body: '' },
        { status: 204, body: '' },
        { status: 400, body: '{"message":"bucketKey invalid"}' },
        { status: 401, body: '' },
      ];
      http.respond = () => answers.shift()!;
      assert.deepEqual(await e.createBucket('b1', 'One'), { bucketKey: 'b1', bucketName: 'One', created: true });
      assert.deepEqual(await e.createBucket('b1'), { bucketKey: 'b1', bucketName: undefined, created: false });
      await assert.rejects(e.createBucket('b:2'), { code: 'invalid', message: 'bucket "b:2" not created: HTTP 400: bucketKey invalid' });
      await assert.rejects(e.createBucket('b3'), { code: 'key-rejected' });
      assert.equal(http.calls[0]!.bucketName, 'One');
    });
  });

  describe('results of one-event submits', () => {
    const outcome = (r: DeliveryResult) => [r.delivered, r.failed.map((f) => f.reason), r.attempts, r.latencyMs, r.status];

    it('settles each once with its own latency, beside a many-event submit in the same batch', async () => {
      const e = engine({ flushInterval: 1000 });
      const { results, onSettled } = settled();
      e.submit('b', events(1), onSettled);
      clock.tick(300);
      e.submit('b', events(1, 'temp', 1), onSettled);
      e.submit('b', events(3, 'temp', 2), onSettled);
      await clock.tickAsync(700);
      assert.deepEqual(http.calls.map(values), [[0, 1, 2, 3, 4]]);
      assert.deepEqual(results.map((r) => r.bucketKey), ['b', 'b', 'b']);
      assert.deepEqual(results.map(outcome), [
        [1, [], 1, 1000, 204],
        [1, [], 1, 700, 204],
        [3, [], 1, 700, 204],
      ]);
      assert.notEqual(results[0]!.failed, results[1]!.failed, 'each result has a failed list of its own');
      await clock.tickAsync(60_000);
      assert.equal(results.length, 3, 'settled once');
    });

    it('counts the attempts its batch needed through a 5xx back-off', async () => {
      const e = engine({ flushInterval: 0, backoffBase: 1000 }, () => 0.5);
      const answers: HttpResult[] = [{ status: 503, body: 'busy' }];
      http.respond = () => answers.shift() ?? OK;
      const { results, onSettled } = settled();
      e.submit('b', events(1), onSettled);
      await clock.tickAsync(0);
      assert.equal(results.length, 0);
      await clock.tickAsync(500);
      assert.deepEqual(results.map(outcome), [[1, [], 2, 500, 204]]);
    });

    it('reports its failure: too large at submit, dropped from a full queue, rejected in flight', async () => {
      const e = engine({ maxQueue: 2, flushInterval: 1000 });
      http.respond = (call) => (call.events.some((ev) => ev.value === 'bad') ? { status: 400, body: '{"message":"invalid value"}' } : OK);
      const dropped: FailedEvent[] = [];
      e.on('dropped', (failed) => dropped.push(...failed));
      const { results, onSettled } = settled();
      e.submit('b', [{ key: 'huge', value: 'y'.repeat(1_100_000) }], onSettled);
      assert.deepEqual(results.map(outcome), [[0, ['too-large'], 0, 0, 0]]);
      e.submit('b', [{ key: 'temp', value: 'first' }], onSettled);
      clock.tick(100);
      e.submit('b', [{ key: 'temp', value: 'bad' }], onSettled);
      e.submit('b', [{ key: 'temp', value: 'good' }], onSettled);
      assert.deepEqual(results.slice(1).map(outcome), [[0, ['overflow'], 0, 100, 0]]);
      assert.equal(results[1]!.failed[0]!.event.value, 'first');
      await clock.tickAsync(1000);
      assert.deepEqual(http.calls.map(values), [['bad', 'good'], ['bad'], ['good']]);
      assert.deepEqual(results.slice(2).map(outcome), [
        [0, ['rejected'], 2, 1000, 400],
        [1, [], 2, 1000, 204],
      ]);
      assert.equal(results[2]!.failed[0]!.message, 'HTTP 400: invalid value');
      assert.deepEqual(dropped, [...results[0]!.failed, ...results[1]!.failed, ...results[2]!.failed], 'the same failures are announced');
      await clock.tickAsync(60_000);
      assert.equal(results.length, 4, 'settled once');
    });

    it('reports those still queued or in flight closed at close, each once, and one submitted while closing', async () => {
      const e = engine({ flushInterval: 0 });
      http.respond = () => ({ status: 401, body: '' });
      const { results, onSettled } = settled();
      e.submit('b', events(1), onSettled);
      await clock.tickAsync(0);
      assert.equal(e.state, 'key-rejected');
      e.submit('b', events(1, 'temp', 1), onSettled);
      e.submit('b', events(1, 'temp', 2), onSettled);
      clock.tick(50);
      assert.deepEqual(await e.close(), { delivered: 0, spooled: 0, undelivered: 3, handedOver: 0 });
      assert.deepEqual(
        results.map((r) => [r.failed[0]!.event.value, r.failed[0]!.reason, r.delivered, r.latencyMs]),
        [
          [0, 'closed', 0, 50],
          [1, 'closed', 0, 50],
          [2, 'closed', 0, 50],
        ],
      );
      e.submit('b', events(1, 'temp', 3), onSettled);
      assert.deepEqual(results.slice(3).map(outcome), [[0, ['closed'], 1, 0, 0]]);
      await clock.tickAsync(20_000);
      assert.equal(results.length, 4, 'settled once');
    });
  });
});

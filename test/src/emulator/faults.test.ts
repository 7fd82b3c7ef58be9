import assert from 'node:assert/strict';
import sinon from 'sinon';
import { FaultQueue, validateFault } from '../../../src/emulator/faults';
import type { Fault } from '../../../src/emulator/types';
import { START_MS, startFixture, type Fixture } from './fixture';

const EVENT = { key: 'k', value: 1 };

/** Waits (bounded, without timers) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(check(), `timed out waiting for ${what}`);
}

describe('FaultQueue', () => {
  it('applies faults in order, each to `count` requests, one by default', () => {
    const queue = new FaultQueue(() => 0);
    queue.push({ kind: 'status', status: 500, count: 2 });
    queue.push({ kind: 'reset' });
    assert.deepEqual(
      [queue.next(), queue.next(), queue.next(), queue.next()].map((f) => f?.kind ?? 'none'),
      ['status', 'status', 'reset', 'none'],
    );
  });

  it('applies a timed fault to every request during durationMs from when it heads the queue', () => {
    let now = 1000;
    const queue = new FaultQueue(() => now);
    queue.push({ kind: 'status', status: 503, durationMs: 500 });
    queue.push({ kind: 'hang', durationMs: 100 });
    queue.push({ kind: 'reset' });
    assert.equal(queue.next()?.kind, 'status');
    now = 1499;
    assert.equal(queue.next()?.kind, 'status');
    now = 1500;
    assert.equal(queue.next()?.kind, 'hang', 'the 503s ended at 1500; the hang runs 1500-1600');
    now = 1700;
    assert.equal(queue.next()?.kind, 'reset');
    assert.equal(queue.next(), undefined);
  });

  it('ends a fault at whichever of count and durationMs comes first', () => {
    let now = 0;
    const queue = new FaultQueue(() => now);
    queue.push({ kind: 'status', status: 500, count: 1, durationMs: 1000 });
    queue.push({ kind: 'status', status: 502, count: 5, durationMs: 1000 });
    assert.equal((queue.next() as { status: number }).status, 500);
    assert.equal((queue.next() as { status: number }).status, 502);
    now = 1000;
    assert.equal(queue.next(), undefined);
  });

  it('clear() forgets every fault', () => {
    const queue = new FaultQueue(() => 0);
    queue.push({ kind: 'reset', count: 3 });
    queue.clear();
    assert.equal(queue.next(), undefined);
  });

  it('rejects bad faults naming the field, the rule and the value', () => {
    const cases: [unknown, RegExp][] = [
      [{ kind: 'boom' }, /Expected fault `kind` to be one of 'status', 'reset', 'hang', 'slow', got `"boom"` \(string\)/],
      [{ kind: 'status', status: 99 }, /`status` to be an HTTP status from 200 to 599, got `99` \(number\)/],
      [{ kind: 'status', status: 500, count: 0 }, /`count` to be an integer from 1 and up, got `0`/],
      [{ kind: 'status', status: 500, retryAfter: -1 }, /`retryAfter` to be an integer from 0 and up \(seconds\)/],
      [{ kind: 'slow' }, /`delayMs` to be an integer from 0 and up \(ms\), got `undefined`/],
      [{ kind: 'hang', durationMs: 1.5 }, /`durationMs` to be an integer from 1 and up \(ms\), got `1.5`/],
    ];
    for (const [fault, message] of cases) assert.throws(() => validateFault(fault as Fault), message);
  });
});

describe('emulator: injected faults', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({ rateLimit: 1000 });
  });
  afterEach(() => f.close());

  it('status: answers the status for `count` requests, storing nothing, then behaves normally', async () => {
    f.emulator.injectFault({ kind: 'status', status: 503, count: 2 });
    assert.equal((await f.postEvents(EVENT)).status, 503);
    const second = await f.postEvents(EVENT);
    assert.equal(second.status, 503);
    assert.match(second.json.message, /503/);
    assert.equal((await f.postEvents(EVENT)).status, 204);
    assert.equal(f.emulator.events().length, 1);
    assert.deepEqual(f.emulator.stats().byStatus, { 503: 2, 204: 1 });
  });

  it('status 429 with and without retryAfter, 413 and a custom body', async () => {
    f.emulator.injectFault({ kind: 'status', status: 429, retryAfter: 3 });
    f.emulator.injectFault({ kind: 'status', status: 429 });
    f.emulator.injectFault({ kind: 'status', status: 413, body: 'too big' });
    const with3 = await f.postEvents(EVENT);
    assert.deepEqual([with3.status, with3.headers.get('retry-after')], [429, '3']);
    const without = await f.postEvents(EVENT);
    assert.deepEqual([without.status, without.headers.get('retry-after')], [429, null]);
    const big = await f.postEvents(EVENT);
    assert.deepEqual([big.status, big.text], [413, 'too big']);
    assert.deepEqual(f.emulator.events(), []);
  });

  it('status for durationMs: every request in that time, on any /api route', async () => {
    f.emulator.injectFault({ kind: 'status', status: 500, durationMs: 1000 });
    assert.equal((await f.postEvents(EVENT)).status, 500);
    f.clock.now += 999;
    assert.equal((await f.request('/api/versions')).status, 500);
    assert.equal((await f.request('/inspect/buckets')).status, 200, 'only /api/* is faulted');
    f.clock.now += 1;
    assert.equal((await f.postEvents(EVENT)).status, 204);
  });

  it('reset: destroys the socket, storing nothing', async () => {
    f.emulator.injectFault({ kind: 'reset' });
    await assert.rejects(f.postEvents(EVENT), TypeError);
    assert.equal((await f.postEvents(EVENT)).status, 204);
    assert.equal(f.emulator.events().length, 1);
    assert.deepEqual(f.emulator.requests().map((r) => r.status), [0, 204]);
  });

  it('hang: never answers; close() ends the connection', async () => {
    f.emulator.injectFault({ kind: 'hang' });
    let settled = false;
    const hanging = f.postEvents(EVENT).finally(() => {
      settled = true;
    });
    await until(() => f.logs.some((l) => l.startsWith('fault hang')), 'the hang to apply');
    assert.equal((await f.postEvents(EVENT)).status, 204, 'other requests go on');
    assert.equal(settled, false);
    await f.close();
    await assert.rejects(hanging, TypeError);
    assert.equal(f.emulator.events().length, 1);
  });

  describe('slow', () => {
    let timers: sinon.SinonFakeTimers;
    beforeEach(() => {
      timers = sinon.useFakeTimers({ now: START_MS, toFake: ['setTimeout', 'clearTimeout'] });
    });
    afterEach(() => timers.restore());

    it('answers normally after delayMs', async () => {
      f.emulator.injectFault({ kind: 'slow', delayMs: 5000 });
      let settled = false;
      const slow = f.postEvents({ key: 'slow', value: 1 }).finally(() => {
        settled = true;
      });
      await until(() => f.logs.some((l) => l.startsWith('fault slow')), 'the slow fault to apply');
      assert.equal((await f.postEvents({ key: 'fast', value: 2 })).status, 204);
      await timers.tickAsync(4999);
      assert.equal(settled, false, 'still waiting before delayMs');
      await timers.tickAsync(1);
      assert.equal((await slow).status, 204);
      assert.deepEqual(f.emulator.events().map((e) => e.key), ['fast', 'slow']);
    });
  });

  it('clearFaults() drops queued faults', async () => {
    f.emulator.injectFault({ kind: 'status', status: 500, count: 10 });
    f.emulator.clearFaults();
    assert.equal((await f.postEvents(EVENT)).status, 204);
  });
});

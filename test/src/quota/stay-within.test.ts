import assert from 'node:assert/strict';
import { StayWithinQuota } from '../../../src/quota';

const APRIL = Date.UTC(2026, 3, 1);
const MINUTE = 60_000;

describe('StayWithinQuota', () => {
  it('starts when the forecast goes over the quota, with the factor that ends the month at the target, and announces it', () => {
    const mode = new StayWithinQuota({ quota: 3_000_000 });
    for (let t = APRIL; t < APRIL + 10 * MINUTE; t += 1000) mode.record(2, t);
    const update = mode.update(APRIL + 10 * MINUTE, 1200);
    assert.equal(update.change, 'started');
    assert.equal(mode.active, true);
    // 2 events/s against (0.98 × 3M - used) over the rest of the month.
    const allowed = (0.98 * 3_000_000 - 1200) / ((30 * 86_400_000 - 10 * MINUTE) / 1000);
    assert.ok(Math.abs(update.factor - 2 / allowed) < 1e-9, `factor ${update.factor}`);
    assert.match(update.message!, /^stay within quota: on, streams send 1\.8× less often \(forecast 5\.18M of 3M events this month\)$/);
  });

  it('keeps the factor while the widened streams fit, and stops with an announcement when they fit without it', () => {
    const mode = new StayWithinQuota({ quota: 3_000_000, spanMs: 10 * MINUTE });
    let t = APRIL;
    for (; t < APRIL + 10 * MINUTE; t += 1000) mode.record(2, t);
    const first = mode.update(t, 1200).factor;
    // Delivered at the widened rate: the estimate of the streams' own rate stays 2/s.
    for (; t < APRIL + 30 * MINUTE; t += 1000) mode.record(2 / first, t);
    const kept = mode.update(t, 1200 + 1200 / first);
    assert.equal(kept.change, undefined);
    assert.ok(Math.abs(kept.factor - first) < 0.01, `${kept.factor} vs ${first}`);
    assert.ok(!kept.forecast.exceeds, 'the forecast at the widened rate fits');
    // The streams slow down to 0.5/s of their own.
    for (; t < APRIL + 50 * MINUTE; t += 1000) mode.record(0.5 / mode.factor, t);
    const stopped = mode.update(t, 5000);
    assert.equal(stopped.change, 'stopped');
    assert.equal(stopped.factor, 1);
    assert.match(stopped.message!, /^stay within quota: off, the streams fit the quota again/);
  });

  it('counts the events still queued as used: a backlog that will take the month over starts it', () => {
    const mode = new StayWithinQuota({ quota: 3_000_000 });
    for (let t = APRIL; t < APRIL + 10 * MINUTE; t += 1000) mode.record(1, t);
    // 1 event/s fits the month (2.59M) alone; with 500 000 still queued it does not.
    assert.equal(mode.update(APRIL + 10 * MINUTE, 600).change, undefined);
    const update = mode.update(APRIL + 10 * MINUTE, 600, 500_000);
    assert.equal(update.change, 'started');
    assert.equal(update.forecast.pending, 500_000);
    const allowed = (0.98 * 3_000_000 - 600 - 500_000) / ((30 * 86_400_000 - 10 * MINUTE) / 1000);
    assert.ok(Math.abs(update.factor - 1 / allowed) < 1e-9, `factor ${update.factor}`);
  });

  it('never starts for an unlimited quota (0) or a forecast under the quota', () => {
    for (const [quota, rate] of [[0, 100], [3_000_000, 1]]) {
      const mode = new StayWithinQuota({ quota: quota! });
      for (let t = APRIL; t < APRIL + 10 * MINUTE; t += 1000) mode.record(rate!, t);
      assert.deepEqual([mode.update(APRIL + 10 * MINUTE, 0).factor, mode.active], [1, false]);
    }
  });

  it('names a bad option', () => {
    assert.throws(() => new StayWithinQuota({ quota: -1 }), /Expected `quota` to be a number of 0 or more, got -1/);
    assert.throws(() => new StayWithinQuota({ quota: 1, target: 2 }), /`target`/);
  });
});

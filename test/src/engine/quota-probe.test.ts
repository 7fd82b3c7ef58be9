import assert from 'node:assert/strict';
import { QuotaProbe } from '../../../src/engine/quota-probe';

const T0 = 1_700_000_000_000;

describe('QuotaProbe', () => {
  it('admits every ready bucket and holds nothing while not paused', () => {
    const quota = new QuotaProbe(60_000);
    assert.deepEqual(quota.admit(3, T0 + 5, T0), { ready: 3, next: T0 + 5 });
    assert.equal(quota.holds(T0), false);
    assert.equal(quota.resume(), false);
  });

  it('after a 402 admits nothing until the probe is due, and wakes up for it when a bucket is ready', () => {
    const quota = new QuotaProbe(60_000);
    quota.pause(T0);
    assert.equal(quota.paused, true);
    assert.equal(quota.holds(T0 + 59_999), true);
    assert.deepEqual(quota.admit(2, Infinity, T0 + 1), { ready: 0, next: T0 + 60_000 });
    assert.deepEqual(quota.admit(0, T0 + 90_000, T0 + 1), { ready: 0, next: T0 + 90_000 });
    assert.deepEqual(quota.admit(2, T0 + 10, T0 + 1), { ready: 0, next: T0 + 10 });
  });

  it('admits one probe once due, none while it is under way, and renews or ends the pause on its answer', () => {
    const quota = new QuotaProbe(60_000);
    quota.pause(T0);
    assert.deepEqual(quota.admit(3, Infinity, T0 + 60_000), { ready: 1, next: Infinity });
    assert.equal(quota.holds(T0 + 60_000), false);
    quota.started();
    assert.equal(quota.holds(T0 + 60_000), true);
    assert.deepEqual(quota.admit(3, Infinity, T0 + 60_001), { ready: 0, next: Infinity });
    quota.answered();
    quota.pause(T0 + 60_100);
    assert.equal(quota.holds(T0 + 120_099), true);
    assert.equal(quota.holds(T0 + 120_100), false);
    assert.equal(quota.resume(), true);
    assert.equal(quota.paused, false);
    assert.deepEqual(quota.admit(3, Infinity, T0 + 120_100), { ready: 3, next: Infinity });
  });

  it('a request started while not paused is no probe', () => {
    const quota = new QuotaProbe(1000);
    quota.started();
    quota.pause(T0);
    assert.equal(quota.holds(T0 + 1000), false);
  });
});

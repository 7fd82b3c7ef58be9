import assert from 'node:assert/strict';
import { QuotaProbe } from '../../../src/engine/quota-probe';

const T0 = 1_700_000_000_000;

describe('QuotaProbe', () => {
  it('lets every request go while not paused', () => {
    const quota = new QuotaProbe(60_000);
    assert.equal(quota.openAt(), 0);
    assert.equal(quota.resume(), false);
  });

  it('after a 402 lets the next request go when the probe is due', () => {
    const quota = new QuotaProbe(60_000);
    quota.pause(T0);
    assert.equal(quota.paused, true);
    assert.equal(quota.openAt(), T0 + 60_000);
  });

  it('lets none go while the probe is under way, and renews or ends the pause on its answer', () => {
    const quota = new QuotaProbe(60_000);
    quota.pause(T0);
    quota.started();
    assert.equal(quota.openAt(), Infinity);
    quota.answered();
    quota.pause(T0 + 60_100);
    assert.equal(quota.openAt(), T0 + 120_100);
    assert.equal(quota.resume(), true);
    assert.equal(quota.paused, false);
    assert.equal(quota.openAt(), 0);
  });

  it('a request started while not paused is no probe', () => {
    const quota = new QuotaProbe(1000);
    quota.started();
    quota.pause(T0);
    assert.equal(quota.openAt(), T0 + 1000);
  });
});

import assert from 'node:assert/strict';
import sinon from 'sinon';
import { RetryTimers } from '../../../src/engine/retry-timers';

describe('RetryTimers', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0 });
  });

  afterEach(() => {
    clock.restore();
  });

  it('runs a retry after its delay, not before, and forgets it', () => {
    const timers = new RetryTimers();
    const runs: string[] = [];
    timers.later(100, () => runs.push('retry'), () => runs.push('cancel'));
    assert.equal(timers.size, 1);
    clock.tick(99);
    assert.deepEqual(runs, []);
    clock.tick(1);
    assert.deepEqual(runs, ['retry']);
    assert.equal(timers.size, 0);
    timers.abandonAll();
    assert.deepEqual(runs, ['retry']);
  });

  it('abandons the waiting retries: each cancel runs once, no retry ever runs, no timer is left', () => {
    const timers = new RetryTimers();
    const runs: string[] = [];
    timers.later(100, () => runs.push('retry a'), () => runs.push('cancel a'));
    timers.later(200, () => runs.push('retry b'), () => runs.push('cancel b'));
    timers.abandonAll();
    assert.deepEqual(runs, ['cancel a', 'cancel b']);
    assert.equal(timers.size, 0);
    assert.equal(clock.countTimers(), 0);
    clock.tick(1000);
    assert.deepEqual(runs, ['cancel a', 'cancel b']);
  });
});

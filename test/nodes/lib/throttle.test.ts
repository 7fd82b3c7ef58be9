import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { STATUS_INTERVAL_MS, Throttle } from '../../../nodes/lib/throttle';

describe('nodes/lib/throttle', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('runs the first call at once and collapses calls inside the interval into one trailing run', () => {
    const fn = sinon.spy();
    const throttle = new Throttle(fn, 100);
    throttle.schedule();
    assert.equal(fn.callCount, 1);
    throttle.schedule();
    throttle.schedule();
    throttle.schedule();
    assert.equal(fn.callCount, 1);
    clock.tick(100);
    assert.equal(fn.callCount, 2);
    clock.tick(1000);
    assert.equal(fn.callCount, 2, 'no run without a new call');
    throttle.cancel();
  });

  it('runs at most once per interval under a steady stream of calls', () => {
    const fn = sinon.spy();
    const throttle = new Throttle(fn);
    for (let ms = 0; ms < 1000; ms += 10) {
      throttle.schedule();
      clock.tick(10);
    }
    assert.ok(fn.callCount <= 1000 / STATUS_INTERVAL_MS + 1, `ran ${fn.callCount} times`);
    assert.ok(fn.callCount >= 1000 / STATUS_INTERVAL_MS);
    throttle.cancel();
  });

  it('turns a call from inside the function into the trailing run', () => {
    let runs = 0;
    const throttle = new Throttle(() => {
      runs += 1;
      if (runs === 1) throttle.schedule();
    }, 100);
    throttle.schedule();
    assert.equal(runs, 1);
    clock.tick(100);
    assert.equal(runs, 2);
    throttle.cancel();
  });

  it('cancel drops the pending run and leaves no timer', () => {
    const fn = sinon.spy();
    const throttle = new Throttle(fn, 100);
    throttle.schedule();
    throttle.schedule();
    throttle.cancel();
    assert.equal(clock.countTimers(), 0);
    clock.tick(500);
    assert.equal(fn.callCount, 1);
  });
});

import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { RateInfo } from '../../../src/engine/limiter';
import { SendLoop, type Job, type SendLoopHost } from '../../../src/engine/send-loop';
import { CountingLimiter } from './counting-limiter';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const WINDOW = 10_000;
const LIMIT = 5;

describe('SendLoop (fake timers)', () => {
  let clock: sinon.SinonFakeTimers;
  let stop: AbortController;
  let limiter: CountingLimiter;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 });
    stop = new AbortController();
    limiter = new CountingLimiter({ limit: LIMIT, windowMs: WINDOW });
  });
  afterEach(async () => {
    stop.abort();
    await limiter.close();
    await clock.tickAsync(0);
    clock.restore();
  });

  /** A job answered `rtt` ms after it was sent, without rate headers; `sent` gets its send time. */
  function job(sent: number[], rtt = 10): Job<RateInfo> {
    return {
      send: () => (sent.push(Date.now()), new Promise((resolve) => setTimeout(() => resolve({ status: 204 }), rtt))),
      apply: () => undefined,
    };
  }

  function start(host: Partial<SendLoopHost<RateInfo>>): SendLoop<RateInfo> {
    const loop = new SendLoop<RateInfo>(limiter, { readyAt: () => Infinity, claim: () => undefined, waiting: () => undefined, ...host }, stop.signal, Date.now);
    void loop.run();
    return loop;
  }

  it('gives back a slot whose claim came back empty: a window of N slots carries N requests', async () => {
    const sent: number[] = [];
    let [held, waits] = [false, 0];
    // A backlog, held back for 100 ms while the loop waits for its first slot (as an answer
    // that changed the account meanwhile would): that slot's claim finds nothing.
    const loop = start({
      readyAt: (now) => (held ? Infinity : now),
      claim: () => (held ? undefined : job(sent)),
      waiting: (waiting) => {
        if (!waiting || ++waits > 1) return;
        held = true;
        setTimeout(() => ((held = false), loop.wake()), 100);
      },
    });
    await clock.tickAsync(WINDOW / 2);
    assert.equal(sent.length, LIMIT, 'requests in the first window');
    assert.equal(limiter.takes, LIMIT + 2, 'the one given back, those sent, and one waiting');
    assert.equal(limiter.window().used, LIMIT);
  });

  it('after an empty claim waits for readyAt or a wake: no slot taken again and again', async () => {
    const sent: number[] = [];
    let ready = true;
    // A host whose readyAt says ready while claim has nothing: the loop must not spin on it.
    const loop = start({ readyAt: (now) => (ready ? now : Infinity), claim: () => (ready ? undefined : job(sent)) });
    await clock.tickAsync(6 * WINDOW);
    assert.equal(limiter.takes, 1, 'slots taken while claims came back empty');
    assert.equal(limiter.window().used, 0, 'the slot went back');
    loop.wake();
    await clock.tickAsync(6 * WINDOW);
    assert.equal(limiter.takes, 2, 'one more try on the wake');
    assert.equal(sent.length, 0);
  });

  it('after an empty claim sleeps until the next readyAt, then sends', async () => {
    const sent: number[] = [];
    let claims = 0;
    const later = T0 + 1_000;
    start({ readyAt: (now) => (claims === 0 ? now : later), claim: (now) => (++claims === 1 || now < later ? undefined : job(sent)) });
    await clock.tickAsync(999);
    assert.deepEqual([sent.length, limiter.takes], [0, 1]);
    await clock.tickAsync(1);
    assert.deepEqual(sent, [later]);
  });
});

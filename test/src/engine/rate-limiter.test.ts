import assert from 'node:assert/strict';
import sinon from 'sinon';
import { RateLimiter, type SlotTicket } from '../../../src/engine/rate-limiter';
import { backoffDelay } from '../../../src/engine/backoff';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('RateLimiter', () => {
  let clock: sinon.SinonFakeTimers;
  let limiter: RateLimiter;
  let granted: SlotTicket[];

  function ask(n: number): void {
    for (let i = 0; i < n; i++) limiter.acquire({ grant: (ticket) => granted.push(ticket) });
  }

  /** Spends one window alone (one request, answered without others), so the limiter stops being cautious. */
  function passAloneWindow(): void {
    ask(1);
    limiter.observe(granted.pop()!, { status: 204, limit: limiter.limit, remaining: limiter.limit - 1 });
    clock.tick(limiter.windowMs + limiter.marginMs);
    assert.equal(limiter.cautious, true, 'still cautious until the next window opens');
  }

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 });
    granted = [];
    limiter = new RateLimiter({ limit: 3, windowMs: 10_000, marginMs: 100 });
  });
  afterEach(() => {
    limiter.dispose();
    clock.restore();
  });

  it('starts cautious: one request in flight at a time until a window passed without others', () => {
    ask(5);
    assert.equal(granted.length, 1, 'only the first request before its answer');
    limiter.observe(granted[0]!, { status: 204, limit: 3, remaining: 2 });
    assert.equal(granted.length, 2);
    limiter.observe(granted[1]!, { status: 204, limit: 3, remaining: 1 });
    assert.equal(granted.length, 2, 'the first window leaves a tenth of the limit (1) for processes starting a moment later');
    clock.tick(10_100);
    assert.equal(limiter.cautious, false, 'a whole window without others');
    assert.equal(granted.length, 4, 'then the budget at once, but for the tenth held back');
  });

  it('counts answers without rate-limit headers as a window without others', () => {
    ask(4);
    limiter.observe(granted[0]!, { status: 204 });
    limiter.observe(granted[1]!, { status: 204 });
    limiter.observe(granted[2]!, { status: 204 });
    clock.tick(10_100);
    assert.equal(granted.length, 4);
    assert.equal(limiter.cautious, false);
  });

  it('grants the window\'s requests at once when alone, the next once windowMs has passed since the first answer', () => {
    passAloneWindow();
    const start = Date.now();
    ask(5);
    assert.equal(granted.length, 2, 'all but the tenth held back');
    assert.deepEqual(granted.map((t) => [t.used, t.first, t.sentAt]), [[1, true, start], [2, false, start]]);
    limiter.observe(granted[0]!, { status: 204, limit: 3, remaining: 2 });
    limiter.observe(granted[1]!, { status: 204, limit: 3, remaining: 1 });
    clock.tick(1099);
    assert.equal(granted.length, 2);
    clock.tick(1);
    assert.equal(granted.length, 3, 'the held slot goes 1 s + margin after the window opened (no reset known)');
    clock.tick(10_002 - 1100 - 1);
    assert.equal(granted.length, 3);
    clock.tick(1);
    assert.equal(granted.length, 5, 'the window ends at receivedAt + windowMs + 2 ms');
    assert.equal(granted[3]!.sentAt, start + 10_002);
    assert.equal(granted[3]!.first, true);
  });

  it('alone, keeps the last tenth of a window until a second after the previous reset, then sends it one at a time', () => {
    limiter = new RateLimiter({ limit: 20, windowMs: 10_000, marginMs: 100 });
    const reset = Math.ceil((T0 + 10_000) / 1000);
    ask(1);
    limiter.observe(granted[0]!, { status: 204, limit: 20, remaining: 19, reset });
    clock.tick(10_002);
    ask(25);
    assert.equal(limiter.cautious, false);
    assert.equal(granted.length, 1 + 18, 'two of twenty held back');
    granted.slice(1).forEach((ticket, i) => limiter.observe(ticket, { status: 204, limit: 20, remaining: 19 - i, reset: reset + 10 }));
    clock.tick(reset * 1000 + 100 + 1000 - Date.now() - 1);
    assert.equal(granted.length, 19, 'a process blocked by Retry-After may join up to a second after the reset');
    clock.tick(1);
    assert.equal(granted.length, 20);
    clock.tick(50);
    assert.equal(granted.length, 20, 'one at a time');
    limiter.observe(granted[19]!, { status: 204, limit: 20, remaining: 0, reset: reset + 10 });
    assert.equal(limiter.cautious, true, 'its answer shows that another process took a slot');
    assert.equal(granted.length, 20, 'so the last one is not sent');
  });

  it('extends the window by the first request\'s round trip', () => {
    passAloneWindow();
    ask(4);
    clock.tick(300);
    limiter.observe(granted[0]!, { status: 204, limit: 3, remaining: 2 });
    limiter.observe(granted[1]!, { status: 204, limit: 3, remaining: 1 });
    clock.tick(10_002 - 1);
    assert.equal(granted.length, 3, 'the held slot went after 1.1 s');
    clock.tick(1);
    assert.equal(granted.length, 4, 'opened at sentAt + round trip (300) + windowMs + 2 ms');
  });

  it('waits for the first request\'s answer before opening the next window', () => {
    passAloneWindow();
    ask(4);
    clock.tick(20_000);
    assert.equal(granted.length, 2, 'the first request is still unanswered (the held slot waits for both answers)');
    limiter.observe(granted[0]!, { status: 0 });
    limiter.observe(granted[1]!, { status: 0 });
    assert.equal(granted.length, 3);
    clock.tick(10_001);
    assert.equal(granted.length, 3, 'the server may have counted it as late as its answer (20 s)');
    clock.tick(1);
    assert.equal(granted.length, 4, 'opened at sentAt + round trip + windowMs + 2 ms');
  });

  it('adopts X-RateLimit-Limit', () => {
    passAloneWindow();
    ask(6);
    limiter.observe(granted[0]!, { status: 204, limit: 5, remaining: 4 });
    assert.equal(limiter.limit, 5);
    assert.equal(granted.length, 4, 'two more slots in this window, the last one held back');
  });

  it('lowers the budget when Remaining says another process used slots, and turns cautious', () => {
    limiter = new RateLimiter({ limit: 10, windowMs: 10_000, marginMs: 100 });
    passAloneWindow();
    ask(2);
    limiter.observe(granted[0]!, { status: 204, limit: 10, remaining: 9 });
    limiter.observe(granted[1]!, { status: 204, limit: 10, remaining: 5 }); // 3 others came between
    assert.equal(limiter.cautious, true);
    assert.equal(limiter.reserve, 3, 'room for the 3 the others sent between two answers');
    ask(20);
    assert.equal(granted.length, 3, 'one request in flight at a time');
    limiter.observe(granted[2]!, { status: 204, limit: 10, remaining: 4 });
    assert.equal(granted.length, 4, 'Remaining 4 is above the reserve of 3');
    limiter.observe(granted[3]!, { status: 204, limit: 10, remaining: 3 });
    assert.equal(granted.length, 4, 'Remaining 3 is the others\' reserve: wait for the next window');
    clock.tick(10_100);
    assert.equal(granted.length, 5, 'the next window starts with one request again');
  });

  it('ends a window another process opened at the reset, or a window after the first answer if earlier', () => {
    limiter = new RateLimiter({ limit: 10, windowMs: 10_000, marginMs: 100 });
    ask(1);
    // Another process opened the server's window earlier: it ends at the reset second.
    const reset = Math.ceil((T0 + 4000) / 1000);
    limiter.observe(granted[0]!, { status: 204, limit: 10, remaining: 0, reset });
    ask(1);
    assert.equal(granted.length, 1);
    clock.tick(4000 + 99);
    assert.equal(granted.length, 1);
    clock.tick(1);
    assert.equal(granted.length, 2, 'granted at reset + margin');
    // A reset far ahead (a clock ahead of ours) is capped: the window began before our request arrived.
    clock.tick(50);
    limiter.observe(granted[1]!, { status: 204, limit: 10, remaining: 0, reset: reset + 60 });
    ask(1);
    clock.tick(10_001);
    assert.equal(granted.length, 2);
    clock.tick(1);
    assert.equal(granted.length, 3, 'granted at receivedAt + windowMs + 2 ms');
  });

  it('sends only the first request of a shared window until the previous window\'s reset, when every process knows it ended', () => {
    limiter = new RateLimiter({ limit: 10, windowMs: 10_000, marginMs: 100 });
    clock.tick(300);
    const reset = Math.ceil((T0 + 10_300) / 1000); // this request opens the server's window: it ends at T0 + 10.3 s
    ask(5);
    limiter.observe(granted[0]!, { status: 204, limit: 10, remaining: 9, reset });
    limiter.observe(granted[1]!, { status: 204, limit: 10, remaining: 6, reset }); // two others came between
    assert.equal(limiter.reserve, 2);
    limiter.observe(granted[2]!, { status: 204, limit: 10, remaining: 2, reset });
    assert.equal(granted.length, 3, 'Remaining 2 is within the reserve (now 3): wait for the next window');
    clock.tick(10_002);
    assert.equal(granted.length, 4, 'this process knows the window ended at T0 + 10.3 s, to the round trip');
    assert.equal(granted[3]!.first, true);
    limiter.observe(granted[3]!, { status: 204, limit: 10, remaining: 9, reset: reset + 10 });
    assert.equal(limiter.cautious, true);
    clock.tick(reset * 1000 + 100 - Date.now() - 1);
    assert.equal(granted.length, 4, 'the others learn of the end from the whole-second reset (T0 + 11 s) + margin');
    clock.tick(1);
    assert.equal(granted.length, 5, 'from then on the window is shared as usual');
  });

  it('learns the reserve only from cycles no slower than the typical one', () => {
    limiter = new RateLimiter({ limit: 30, windowMs: 10_000, marginMs: 100 });
    // A first window that shows others, so the next one is shared and past the first window's hold-back.
    ask(1);
    limiter.observe(granted[0]!, { status: 204, limit: 30, remaining: 20 });
    clock.tick(10_002);
    ask(10);
    const answer = (afterMs: number, remaining: number): void => {
      clock.tick(afterMs);
      limiter.observe(granted[granted.length - 1]!, { status: 204, limit: 30, remaining });
    };
    answer(10, 29);
    answer(10, 27);
    answer(10, 25);
    assert.equal(limiter.reserve, 1, 'one other request between two answers 10 ms apart');
    answer(200, 19);
    assert.equal(limiter.reserve, 1, 'five others during a 200 ms answer say nothing about how many they are');
    answer(10, 15);
    assert.equal(limiter.reserve, 3, 'three others between two answers 10 ms apart');
  });

  describe('a server that keeps its windows until the reset second', () => {
    const s = (ms: number): number => (T0 + ms) / 1000;

    /**
     * A window this process opens at T0 + 10.1 s (the server's reset says T0 + 21 s); the next
     * window's first request, at the round-trip end, is answered `refusal`; the window after the
     * block is answered with `reset` and spent down to the reserve, and one more request waits.
     */
    function refusedThenSpent(refusal: { reset: number; retryAfter: number }, reset: number): void {
      passAloneWindow();
      ask(1);
      limiter.observe(granted[0]!, { status: 204, limit: 3, remaining: 2, reset: s(21_000) });
      clock.tick(10_002);
      ask(1);
      assert.equal(granted.length, 2, 'the next window\'s first request at the round-trip end, T0 + 20.102 s');
      limiter.observe(granted[1]!, { status: 429, limit: 3, remaining: 0, ...refusal });
      ask(2);
      clock.tick(refusal.retryAfter * 1000);
      assert.equal(granted.length, 3);
      limiter.observe(granted[2]!, { status: 204, limit: 3, remaining: 2, reset });
      assert.equal(granted.length, 4);
      limiter.observe(granted[3]!, { status: 204, limit: 3, remaining: 1, reset });
      ask(1);
      assert.equal(granted.length, 4, 'Remaining 1 is the reserve the 429 left');
    }

    it('learns it from a 429 on the first request after a window it opened, and then ends windows at the reset', () => {
      refusedThenSpent({ reset: s(21_000), retryAfter: 1 }, s(32_000));
      clock.tick(32_100 - 1 - (Date.now() - T0));
      assert.equal(granted.length, 4, 'not at the round-trip end (T0 + 31.104 s)');
      clock.tick(1);
      assert.equal(granted.length, 5, 'at the reset + margin');
    });

    it('does not learn it from a 429 by a window another process has just opened', () => {
      refusedThenSpent({ reset: s(30_000), retryAfter: 10 }, s(41_000));
      clock.tick(40_104 - 1 - (Date.now() - T0));
      assert.equal(granted.length, 4);
      clock.tick(1);
      assert.equal(granted.length, 5, 'at the round-trip end (T0 + 40.104 s), not the reset');
    });
  });

  it('429 blocks every slot for Retry-After, makes the limiter cautious and raises the reserve', () => {
    passAloneWindow();
    ask(2);
    clock.tick(50);
    const start = Date.now();
    limiter.observe(granted[1]!, { status: 429, limit: 3, remaining: 0, retryAfter: 2 });
    ask(2);
    assert.equal(granted.length, 2, 'the window\'s third slot is not granted after a 429');
    clock.tick(1999);
    assert.equal(granted.length, 2);
    limiter.observe(granted[0]!, { status: 204, limit: 3, remaining: 1 });
    clock.tick(1);
    assert.equal(granted.length, 3, 'granted Retry-After after the answer, in a new window, one at a time');
    assert.equal(granted[2]!.first, true);
    assert.equal(limiter.blockedUntil, start + 2000);
    assert.equal(limiter.cautious, true);
    assert.equal(limiter.reserve, 1);
  });

  it('keeps the reserve a 429 taught while the key is shared, and forgets it once alone', () => {
    limiter = new RateLimiter({ limit: 10, windowMs: 10_000, marginMs: 100 });
    ask(1);
    limiter.observe(granted[0]!, { status: 429, limit: 10, remaining: 0, retryAfter: 1 });
    assert.equal(limiter.reserve, 1);
    // Three windows, each shared (an answer shows others), none teaching a reserve of its own.
    for (let w = 0; w < 3; w++) {
      clock.tick(10_100);
      ask(1);
      limiter.observe(granted[granted.length - 1]!, { status: 204, limit: 10, remaining: 5 });
      assert.equal(limiter.reserve, 1, `window ${w + 1}: the 429's lesson still holds`);
    }
    // A window whose answers show no one else; the next one opens alone, without the reserve.
    clock.tick(10_100);
    ask(1);
    limiter.observe(granted[granted.length - 1]!, { status: 204, limit: 10, remaining: 9 });
    clock.tick(10_100);
    ask(1);
    assert.equal(granted.length, 6);
    assert.equal(limiter.cautious, false);
    assert.equal(limiter.reserve, 0);
  });

  it('gives back unused slots and withdraws cancelled requests', () => {
    passAloneWindow();
    ask(2);
    const waiting = { grant: (ticket: SlotTicket) => granted.push(ticket) };
    limiter.acquire(waiting);
    assert.equal(limiter.waiting, 1);
    limiter.cancel(waiting);
    assert.equal(limiter.waiting, 0);
    ask(1);
    assert.equal(granted.length, 2);
    limiter.giveBack(granted[1]!);
    assert.equal(granted.length, 3);
  });
});

describe('backoffDelay', () => {
  it('draws from [0, min(cap, base * 2^(n-1))) with full jitter', () => {
    assert.equal(backoffDelay(1, 1000, 60_000, () => 0), 0);
    assert.equal(backoffDelay(1, 1000, 60_000, () => 0.999), 999);
    assert.equal(backoffDelay(3, 1000, 60_000, () => 0.5), 2000);
    assert.equal(backoffDelay(7, 1000, 60_000, () => 0.5), 30_000);
    assert.equal(backoffDelay(8, 1000, 60_000, () => 0.999), 59_940);
    assert.equal(backoffDelay(2000, 1000, 60_000, () => 0.999), 59_940, 'capped, no overflow');
  });
});

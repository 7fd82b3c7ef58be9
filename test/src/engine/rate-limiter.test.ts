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

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 });
    granted = [];
    limiter = new RateLimiter({ limit: 3, windowMs: 10_000, marginMs: 100 });
  });
  afterEach(() => {
    limiter.dispose();
    clock.restore();
  });

  it('grants the window\'s requests at once, the next only after window + margin', () => {
    ask(5);
    assert.equal(granted.length, 3);
    assert.deepEqual(granted.map((t) => [t.used, t.first, t.sentAt]), [[1, true, T0], [2, false, T0], [3, false, T0]]);
    limiter.observe(granted[0]!, { status: 204, limit: 3, remaining: 2 });
    clock.tick(10_099);
    assert.equal(granted.length, 3);
    clock.tick(1);
    assert.equal(granted.length, 5, 'the window ends at sentAt + windowMs + margin');
    assert.equal(granted[3]!.sentAt, T0 + 10_100);
    assert.equal(granted[3]!.first, true);
  });

  it('extends the window by the first request\'s round trip when it is longer than the margin', () => {
    ask(4);
    clock.tick(300);
    limiter.observe(granted[0]!, { status: 204, limit: 3, remaining: 2 });
    clock.tick(10_000 - 1);
    assert.equal(granted.length, 3);
    clock.tick(1);
    assert.equal(granted.length, 4, 'opened at sentAt + windowMs + round trip (300)');
  });

  it('waits for the first request\'s answer before opening the next window', () => {
    ask(4);
    clock.tick(20_000);
    assert.equal(granted.length, 3, 'the first request is still unanswered');
    limiter.observe(granted[0]!, { status: 0 });
    clock.tick(9_999);
    assert.equal(granted.length, 3, 'the server may have counted it as late as its answer (20 s)');
    clock.tick(1);
    assert.equal(granted.length, 4, 'opened at sentAt + windowMs + round trip');
  });

  it('adopts X-RateLimit-Limit', () => {
    ask(6);
    limiter.observe(granted[0]!, { status: 204, limit: 5, remaining: 4 });
    assert.equal(limiter.limit, 5);
    assert.equal(granted.length, 5, 'two more slots in this window');
  });

  it('lowers the budget when Remaining says another process used slots', () => {
    limiter = new RateLimiter({ limit: 10, windowMs: 10_000, marginMs: 100 });
    ask(2);
    limiter.observe(granted[0]!, { status: 204, limit: 10, remaining: 9 });
    limiter.observe(granted[1]!, { status: 204, limit: 10, remaining: 5 }); // 3 others came between
    ask(20);
    assert.equal(granted.length, 7, 'budget lowered from 10 to 7');
    clock.tick(10_100);
    assert.equal(granted.length, 7 + 7, 'the next window leaves the others their 3 slots');
  });

  it('Remaining 0 closes the window until the reset', () => {
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
  });

  it('429 blocks every slot for Retry-After', () => {
    ask(2);
    clock.tick(50);
    limiter.observe(granted[1]!, { status: 429, limit: 3, remaining: 0, retryAfter: 2 });
    ask(2);
    assert.equal(granted.length, 2, 'the window\'s third slot is not granted after a 429');
    clock.tick(1999);
    assert.equal(granted.length, 2);
    clock.tick(1);
    assert.equal(granted.length, 4, 'granted Retry-After after the answer, in a new window');
    assert.equal(granted[2]!.first, true);
    assert.equal(limiter.blockedUntil, T0 + 50 + 2000);
  });

  it('gives back unused slots and withdraws cancelled requests', () => {
    ask(3);
    const waiting = { grant: (ticket: SlotTicket) => granted.push(ticket) };
    limiter.acquire(waiting);
    assert.equal(limiter.waiting, 1);
    limiter.cancel(waiting);
    assert.equal(limiter.waiting, 0);
    ask(1);
    limiter.giveBack(granted[2]!);
    assert.equal(granted.length, 4);
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

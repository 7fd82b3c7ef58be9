import assert from 'node:assert/strict';
import fc from 'fast-check';
import sinon from 'sinon';
import type { RateInfo } from '../../../src/engine/limiter';
import { WindowLimiter } from '../../../src/engine/window-limiter';
import { RateWindows, rateLimitHeaders } from '../../../src/emulator/rate-window';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0, 250);
const WINDOW = 10_000;

/** The emulator's rate window as a server answering after `rtt` ms. */
function server(limit: number) {
  const windows = new RateWindows(limit, WINDOW, Date.now);
  return (key = 'me'): RateInfo => {
    const decision = windows.take(key);
    const headers = rateLimitHeaders(decision);
    return {
      status: decision.allowed ? 204 : 429,
      limit: decision.limit,
      remaining: decision.remaining,
      reset: Number(headers['X-RateLimit-Reset']),
      retryAfter: headers['Retry-After'] === undefined ? undefined : Number(headers['Retry-After']),
    };
  };
}

describe('WindowLimiter (fake timers, the emulator\'s rate window)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0 });
  });
  afterEach(() => clock.restore());

  /**
   * Sends `requests` requests one after another through `limiter` to `answer`, each answered
   * `rtt` ms after its slot (the server counts it then); resends a 429'd one. Returns when each
   * request was counted, in the order they were, and the 429 count.
   */
  async function drive(limiter: WindowLimiter, requests: number, answer: (n: number) => RateInfo, rtt = 5, concurrent = 1) {
    const sent: { n: number; at: number }[] = [];
    const sharing = new Set<string>();
    let refused = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests) {
        const n = next++;
        for (;;) {
          const slot = await limiter.take();
          await clock.tickAsync(rtt);
          const info = answer(n);
          limiter.observe(slot, info);
          sharing.add(limiter.sharing);
          if (info.status !== 429) {
            sent.push({ n, at: Date.now() });
            break;
          }
          refused += 1;
        }
      }
    };
    const done = Promise.all(Array.from({ length: concurrent }, worker));
    while (sent.length < requests) await clock.tickAsync(100);
    await done;
    return { sent, refused, sharing: [...sharing] };
  }

  /** Requests sent per server window: windows open at a request's arrival and last 10 s. */
  function perWindow(times: number[]): number[] {
    const counts: number[] = [];
    let end = -Infinity;
    for (const at of [...times].sort((a, b) => a - b)) {
      if (at >= end) {
        counts.push(0);
        end = at + WINDOW;
      }
      counts[counts.length - 1]! += 1;
    }
    return counts;
  }

  it('uses every slot of every window, in the order asked, with no 429', async () => {
    const limiter = new WindowLimiter({ limit: 30, windowMs: WINDOW });
    const answer = server(30);
    const { sent, refused, sharing } = await drive(limiter, 65, () => answer(), 5, 3);
    assert.equal(refused, 0);
    assert.deepEqual(perWindow(sent.map((s) => s.at)), [30, 30, 5]);
    assert.deepEqual(sent.map((s) => s.n), Array.from({ length: 65 }, (_, n) => n));
    assert.deepEqual(sharing, ['alone']);
  });

  it('lets a request the server does not count (no rate headers) cost no slot', async () => {
    const limiter = new WindowLimiter({ limit: 10, windowMs: WINDOW });
    const answer = server(10);
    // Request 0 is a bucket creation on a server that counts only events.
    const { sent, refused } = await drive(limiter, 11, (n) => (n === 0 ? { status: 201 } : answer()));
    assert.equal(refused, 0);
    assert.deepEqual(perWindow(sent.map((s) => s.at)), [11]);
  });

  it('behind a proxy that strips the rate headers, still bursts a later window after its first answer', async () => {
    const limiter = new WindowLimiter({ limit: 10, windowMs: WINDOW });
    // Window 0: one at a time, since no answer is ever counted.
    for (let i = 0; i < 10; i++) limiter.observe(await limiter.take(), { status: 204 });
    await clock.tickAsync(WINDOW);
    const granted: unknown[] = [];
    for (let i = 0; i < 10; i++) void limiter.take().then((slot) => granted.push(slot));
    await clock.tickAsync(0);
    assert.equal(granted.length, 1, 'the window opens with one request');
    limiter.observe(granted[0] as never, { status: 204 });
    await clock.tickAsync(0);
    assert.equal(granted.length, 10, 'its answer placed the end: the rest at once');
    await limiter.close();
  });

  it('adopts a lower X-RateLimit-Limit at once', async () => {
    const limiter = new WindowLimiter({ limit: 30, windowMs: WINDOW });
    const answer = server(10);
    const { sent, refused } = await drive(limiter, 25, () => answer());
    assert.equal(refused, 0);
    assert.deepEqual(perWindow(sent.map((s) => s.at)), [10, 10, 5]);
    assert.equal(limiter.window().limit, 10);
  });

  it('follows the server when another client uses the key: shared, its slots taken, nothing lost', async () => {
    const limiter = new WindowLimiter({ limit: 10, windowMs: WINDOW });
    const answer = server(10);
    for (let i = 0; i < 4; i++) answer('me'); // another process used 4 slots of this window
    const sharingAt: string[] = [];
    const { sent, refused, sharing } = await drive(limiter, 25, (n) => (sharingAt.push(limiter.sharing), answer()));
    assert.equal(refused, 0);
    assert.deepEqual(sharing, ['shared', 'alone']);
    // The other client's window: 4 + 6 of ours; the next, which it opened, is still shared (the
    // other might be back); alone once a whole window showed no other client.
    assert.deepEqual(perWindow([T0, T0, T0, T0, ...sent.map((s) => s.at)]), [10, 10, 9]);
    // Before each answer: the first of the second window, the first of the third, the one after.
    assert.deepEqual([sharingAt[6], sharingAt[16], sharingAt[17]], ['shared', 'shared', 'alone']);
  });

  it('blocks after a 429 until Retry-After, then the request goes again', async () => {
    const limiter = new WindowLimiter({ limit: 10, windowMs: WINDOW });
    const answer = server(10);
    for (let i = 0; i < 10; i++) answer('me'); // the window is full before we start
    const { sent, refused, sharing } = await drive(limiter, 13, () => answer());
    assert.equal(refused, 1);
    assert.deepEqual(sharing, ['shared', 'alone'], 'alone after a window with no 429 and no other client');
    assert.ok(sent[0]!.at >= T0 + WINDOW, 'the resend waited for the window');
    assert.deepEqual(sent.map((s) => s.n), Array.from({ length: 13 }, (_, n) => n));
  });

  it('takes a released slot back into its window, and frees none the server counted', async () => {
    const limiter = new WindowLimiter({ limit: 3, windowMs: WINDOW });
    limiter.release(await limiter.take());
    assert.equal(limiter.window().used, 0, 'given back before any answer');
    const first = await limiter.take();
    limiter.observe(first, { status: 204, limit: 3, remaining: 2 });
    const [second, third] = [await limiter.take(), await limiter.take()];
    assert.equal(limiter.window().used, 3);
    // The server says all three went: the unused one comes back, the count stays at the server's.
    limiter.observe(second, { status: 204, limit: 3, remaining: 0 });
    limiter.release(third);
    assert.equal(limiter.window().used, 3);
    assert.ok(limiter.blockedUntil > Date.now());
    await limiter.close();
  });

  it('after a 429, a released slot frees no room in the window the server said was full', async () => {
    const limiter = new WindowLimiter({ limit: 3, windowMs: WINDOW });
    limiter.observe(await limiter.take(), { status: 204, limit: 3, remaining: 2 });
    const [refused, unused] = [await limiter.take(), await limiter.take()];
    // Another client took the rest: 429 for 1 s, while the window runs 10 s from its first answer.
    limiter.observe(refused, { status: 429, limit: 3, remaining: 0, retryAfter: 1 });
    limiter.release(unused);
    assert.equal(limiter.window().used, 3);
    let granted = false;
    void limiter.take().then(() => (granted = true));
    await clock.tickAsync(2_000);
    assert.equal(granted, false, 'no slot between Retry-After and the window end');
    await clock.tickAsync(WINDOW);
    assert.equal(granted, true, 'the next window grants it');
    await limiter.close();
  });

  it('shows a spent window as blockedUntil, and rejects take() on abort and after close', async () => {
    const limiter = new WindowLimiter({ limit: 2, windowMs: WINDOW });
    const answer = server(2);
    for (let i = 0; i < 2; i++) limiter.observe(await limiter.take(), answer());
    assert.equal(limiter.window().used, 2);
    assert.ok(limiter.blockedUntil > Date.now());
    const controller = new AbortController();
    const waiting = limiter.take(controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
    const pending = limiter.take();
    await limiter.close();
    await assert.rejects(pending, /closed/);
    await assert.rejects(limiter.take(), /closed/);
  });

  // Round trips up to 100 ms: the first window goes one request at a time, and 40 of them fit.
  it('never exceeds the limit in a server window and fills every window but the last, whatever the limit, round trip and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 90 }), async (limit, rtt, concurrent, requests) => {
        const limiter = new WindowLimiter({ limit, windowMs: WINDOW });
        const answer = server(limit);
        const { sent, refused } = await drive(limiter, requests, () => answer(), rtt, concurrent);
        assert.equal(refused, 0);
        const windows = perWindow(sent.map((s) => s.at));
        assert.ok(windows.every((count) => count <= limit));
        // Every window but the last is full.
        assert.ok(windows.slice(0, -1).every((count) => count === limit), `windows ${windows.join(',')}`);
        await limiter.close();
      }),
      { numRuns: 40 },
    );
  });
  it('alone, opens a later window with one request, then grants the rest at once and keeps the most the server counted when answers come out of order', async () => {
    const limiter = new WindowLimiter({ limit: 10, windowMs: WINDOW });
    const first = await limiter.take();
    limiter.observe(first, { status: 204, limit: 10, remaining: 9 });
    const rest = await Promise.all(Array.from({ length: 9 }, () => limiter.take()));
    rest.forEach((slot, i) => limiter.observe(slot, { status: 204, limit: 10, remaining: 8 - i }));
    await clock.tickAsync(WINDOW);
    // The next window: one request, whose answer places the window's end; then the other 9 at once.
    const granted: unknown[] = [];
    for (let i = 0; i < 11; i++) void limiter.take().then((slot) => granted.push(slot));
    await clock.tickAsync(0);
    assert.equal(granted.length, 1, 'the window opens with one request');
    await clock.tickAsync(3);
    limiter.observe(granted[0] as never, { status: 204, limit: 10, remaining: 9 });
    await clock.tickAsync(0);
    assert.equal(granted.length, 10, 'the rest of the limit, without waiting for another answer');
    assert.equal(limiter.window().endsAt, Date.now() + WINDOW, 'the window ends at its first answer + the window');
    // The answers of the window's other requests arrive in reverse: the server counted 10.
    for (let n = 10; n >= 2; n--) limiter.observe(granted[n - 1] as never, { status: 204, limit: 10, remaining: 10 - n });
    await clock.tickAsync(0);
    assert.equal(granted.length, 10, 'a late answer saying fewer were used frees no slot');
    assert.equal(limiter.sharing, 'alone');
    await limiter.close();
  });
});

import assert from 'node:assert/strict';
import { RateWindows, rateLimitHeaders } from '../../../src/emulator/rate-window';
import { KEY, OTHER_KEY, START_MS, startFixture, type Fixture } from './fixture';

describe('RateWindows', () => {
  it('opens a fixed window at the first request and refuses beyond the limit until it ends', () => {
    let now = 1_000_500;
    const windows = new RateWindows(2, 1000, () => now);
    assert.deepEqual(windows.take('k'), { allowed: true, limit: 2, remaining: 1, windowEnd: 1_001_500, at: 1_000_500 });
    now += 400;
    assert.equal(windows.take('k').remaining, 0);
    now += 100;
    const refused = windows.take('k');
    assert.equal(refused.allowed, false);
    assert.equal(refused.windowEnd, 1_001_500, 'a refused request does not move the window');
    now = 1_001_500;
    const reopened = windows.take('k');
    assert.deepEqual([reopened.allowed, reopened.remaining, reopened.windowEnd], [true, 1, 1_002_500]);
  });

  it('keeps one window per key', () => {
    const windows = new RateWindows(1, 1000, () => 0);
    assert.equal(windows.take('a').allowed, true);
    assert.equal(windows.take('a').allowed, false);
    assert.equal(windows.take('b').allowed, true);
  });

  it('headers: reset in epoch seconds rounded up, Retry-After rounded up and at least 1', () => {
    const base = { limit: 30, remaining: 0, windowEnd: 10_000_001, at: 9_990_500 };
    assert.deepEqual(rateLimitHeaders({ ...base, allowed: true }), { 'X-RateLimit-Limit': '30', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '10001' });
    assert.equal(rateLimitHeaders({ ...base, allowed: false })['Retry-After'], '10');
    assert.equal(rateLimitHeaders({ ...base, allowed: false, at: 10_000_000 })['Retry-After'], '1');
  });
});

describe('emulator: rate limit over HTTP', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({ rateLimit: 3, windowMs: 10_000 });
  });
  afterEach(() => f.close());

  const send = (key = KEY): ReturnType<Fixture['postEvents']> => f.postEvents({ key: 'k', value: 1 }, { 'X-IS-AccessKey': key });
  const rate = (reply: Awaited<ReturnType<Fixture['request']>>): string[] =>
    ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'].map((h) => reply.headers.get(h) ?? '-');
  const resetSecond = String(Math.ceil((START_MS + 10_000) / 1000));

  it('carries the three headers on every /events and /buckets answer, then 429 with Retry-After', async () => {
    assert.deepEqual(rate(await send()), ['3', '2', resetSecond, '-']);
    f.clock.now += 2_500;
    const bucket = await f.request('/api/buckets', { method: 'POST', headers: { 'X-IS-AccessKey': KEY }, body: '{"bucketKey":"x"}' });
    assert.equal(bucket.status, 201);
    assert.deepEqual(rate(bucket), ['3', '1', resetSecond, '-']);
    const invalid = await f.postEvents([]);
    assert.equal(invalid.status, 400);
    assert.deepEqual(rate(invalid), ['3', '0', resetSecond, '-'], 'a 400 takes a slot too');
    f.clock.now += 1_200;
    const limited = await send();
    assert.equal(limited.status, 429);
    assert.deepEqual(rate(limited), ['3', '0', resetSecond, '7'], '6.3 s left, rounded up');
    assert.match(limited.json.message, /Rate limit exceeded: 3 requests per 10000 ms window/);
  });

  it('does not count a 429 against the window, and opens a new window after it ends', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await send()).status, 204);
    f.clock.now += 9_999;
    for (let i = 0; i < 3; i++) assert.equal((await send()).status, 429);
    assert.equal((await send()).headers.get('retry-after'), '1', 'at least 1 second');
    f.clock.now += 1;
    const next = await send();
    assert.equal(next.status, 204);
    assert.deepEqual(rate(next), ['3', '2', String(Math.ceil((START_MS + 20_000) / 1000)), '-']);
    assert.equal(f.emulator.events().length, 4, 'refused requests store nothing');
    assert.equal(f.emulator.stats().byStatus[429], 4);
  });

  it('the window is per access key and shared by all its buckets and routes', async () => {
    await f.postEvents({ key: 'k', value: 1 }, { 'X-IS-BucketKey': 'one' });
    await f.postEvents({ key: 'k', value: 1 }, { 'X-IS-BucketKey': 'two' });
    await f.request(`/api/events?accessKey=${KEY}&bucketKey=three&k=1`);
    assert.equal((await send()).status, 429);
    assert.equal((await send(OTHER_KEY)).status, 204);
  });

  it('configure() changes the limit and window length', async () => {
    f.emulator.configure({ rateLimit: 'student', windowMs: 1_000 });
    const first = await send();
    assert.deepEqual(rate(first), ['10', '9', String(Math.ceil((START_MS + 1_000) / 1000)), '-']);
    f.emulator.configure({ rateLimit: 1 });
    assert.equal((await send()).status, 429);
  });

  it('401 answers do not take a slot', async () => {
    f.emulator.configure({ accessKeys: [KEY] });
    for (let i = 0; i < 5; i++) assert.equal((await send(OTHER_KEY)).status, 401);
    assert.equal((await send()).headers.get('x-ratelimit-remaining'), '2');
  });
});

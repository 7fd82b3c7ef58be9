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

  it('counts a request at the time it arrived when given, not when it is answered', () => {
    const windows = new RateWindows(1, 1000, () => 5_000);
    assert.deepEqual(windows.take('k', 3_999), { allowed: true, limit: 1, remaining: 0, windowEnd: 4_999, at: 3_999 });
    assert.equal(windows.take('k', 4_998).allowed, false, 'arrived before the window ended');
    assert.equal(windows.take('k', 4_999).allowed, true, 'arrived at its end: the next window');
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

  it('carries the three headers on every /events answer (and /buckets with countBuckets), then 429 with Retry-After', async () => {
    f.emulator.configure({ countBuckets: true });
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

describe('emulator: countBuckets', () => {
  let f: Fixture;
  afterEach(() => f.close());

  const createBucket = (bucketKey: string): ReturnType<Fixture['request']> =>
    f.request('/api/buckets', { method: 'POST', headers: { 'X-IS-AccessKey': KEY }, body: JSON.stringify({ bucketKey }) });
  const sendEvent = (): ReturnType<Fixture['postEvents']> => f.postEvents({ key: 'k', value: 1 });
  const rateHeaders = (reply: Awaited<ReturnType<Fixture['request']>>): string[] => {
    const names: string[] = [];
    reply.headers.forEach((_value, name) => {
      if (name.startsWith('x-ratelimit') || name === 'retry-after') names.push(name);
    });
    return names;
  };

  it('by default a bucket creation takes no slot, is never refused with 429 and carries no rate headers', async () => {
    f = await startFixture({ rateLimit: 2 });
    const created = await createBucket('one');
    assert.equal(created.status, 201);
    assert.deepEqual(rateHeaders(created), []);
    assert.equal((await sendEvent()).headers.get('x-ratelimit-remaining'), '1', 'the bucket took no slot');
    assert.equal((await sendEvent()).status, 204);
    assert.equal((await sendEvent()).status, 429, 'the window is full');
    const existed = await createBucket('one');
    assert.equal(existed.status, 204, 'not refused while the window is full');
    assert.deepEqual(rateHeaders(existed), []);
    const invalid = await createBucket('a:b');
    assert.equal(invalid.status, 400);
    assert.deepEqual(rateHeaders(invalid), []);
    assert.deepEqual(
      f.emulator.requests().map((r) => [r.path, r.status, r.counted]),
      [
        ['/api/buckets', 201, false],
        ['/api/events', 204, true],
        ['/api/events', 204, true],
        ['/api/events', 429, false],
        ['/api/buckets', 204, false],
        ['/api/buckets', 400, false],
      ],
    );
  });

  it('with countBuckets a bucket creation counts like an event request, headers and 429 included', async () => {
    f = await startFixture({ rateLimit: 2, countBuckets: true });
    const created = await createBucket('one');
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('x-ratelimit-limit'), '2');
    assert.equal(created.headers.get('x-ratelimit-remaining'), '1');
    assert.equal((await sendEvent()).headers.get('x-ratelimit-remaining'), '0');
    const refused = await createBucket('two');
    assert.equal(refused.status, 429);
    assert.ok(refused.headers.get('retry-after'));
    assert.deepEqual(f.emulator.buckets().map((b) => b.bucketKey), ['one', 'b'], 'a refused creation creates nothing');
    assert.deepEqual(
      f.emulator.requests().map((r) => [r.path, r.status, r.counted]),
      [
        ['/api/buckets', 201, true],
        ['/api/events', 204, true],
        ['/api/buckets', 429, false],
      ],
    );
  });

  it('records versions, 401s and faulted requests as not counted', async () => {
    f = await startFixture({ accessKeys: [KEY], countBuckets: true });
    await f.request('/api/versions');
    await f.postEvents({ key: 'k', value: 1 }, { 'X-IS-AccessKey': OTHER_KEY });
    f.emulator.injectFault({ kind: 'status', status: 503, count: 1 });
    await sendEvent();
    assert.equal((await sendEvent()).headers.get('x-ratelimit-remaining'), '29', 'only the last request took a slot');
    assert.deepEqual(f.emulator.requests().map((r) => [r.status, r.counted]), [[200, false], [401, false], [503, false], [204, true]]);
  });

  it('configure() switches it on a running emulator, and refuses a non-boolean', async () => {
    f = await startFixture({ rateLimit: 5 });
    assert.equal((await createBucket('a')).headers.get('x-ratelimit-limit'), null);
    f.emulator.configure({ countBuckets: true });
    assert.equal((await createBucket('b')).headers.get('x-ratelimit-remaining'), '4');
    f.emulator.configure({ countBuckets: false });
    assert.equal((await createBucket('c')).headers.get('x-ratelimit-limit'), null);
    assert.throws(() => f.emulator.configure({ countBuckets: 'yes' as unknown as boolean }), /Expected `countBuckets` to be a boolean, got `"yes"` \(string\)/);
  });
});

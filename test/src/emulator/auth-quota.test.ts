import assert from 'node:assert/strict';
import { KEY, OTHER_KEY, startFixture, type Fixture } from './fixture';

describe('emulator: access keys (401)', () => {
  let f: Fixture;
  afterEach(() => f.close());

  it('answers 401 ACCESS_DENIED_KEY without a key, on every key-bearing route', async () => {
    f = await startFixture();
    const replies = [
      await f.request('/api/events', { method: 'POST', headers: { 'X-IS-BucketKey': 'b' }, body: '{"key":"k","value":1}' }),
      await f.request('/api/events?bucketKey=b&k=1'),
      await f.request('/api/buckets', { method: 'POST', body: '{"bucketKey":"b"}' }),
      await f.request('/api/buckets?bucketKey=b', { method: 'POST' }),
    ];
    for (const reply of replies) {
      assert.equal(reply.status, 401);
      assert.match(reply.json.message, /ACCESS_DENIED_KEY/);
      assert.equal(reply.headers.get('x-ratelimit-limit'), null);
    }
    assert.deepEqual(f.emulator.events(), []);
    assert.deepEqual(f.emulator.buckets(), []);
  });

  it('answers 401 for a key not in accessKeys, in header or URL, and accepts listed ones', async () => {
    f = await startFixture({ accessKeys: [KEY] });
    const header = await f.postEvents({ key: 'k', value: 1 }, { 'X-IS-AccessKey': OTHER_KEY });
    assert.equal(header.status, 401);
    assert.match(header.json.message, /ACCESS_DENIED_KEY/);
    assert.equal((await f.request(`/api/events?accessKey=${OTHER_KEY}&bucketKey=b&k=1`)).status, 401);
    assert.equal((await f.postEvents({ key: 'k', value: 1 })).status, 204);
    f.emulator.configure({ accessKeys: undefined });
    assert.equal((await f.postEvents({ key: 'k', value: 1 }, { 'X-IS-AccessKey': OTHER_KEY })).status, 204, 'any key again');
  });

  it('never shows a whole access key in any response, log line, inspection route or dashboard stream', async () => {
    f = await startFixture({ accessKeys: [KEY], rateLimit: 2, monthlyQuota: 3, countBuckets: true });
    await f.postEvents({ key: 'k', value: 1 }, { 'X-IS-AccessKey': OTHER_KEY });
    await f.request(`/api/events?accessKey=${OTHER_KEY}&bucketKey=b&k=1`);
    await f.request(`/api/buckets?accessKey=${KEY}&bucketKey=b&bucketName=n`, { method: 'POST' });
    await f.postEvents([{ key: 'k', value: 1 }, { key: 'j', value: 2 }, { key: 'x', value: null }]);
    await f.postEvents({ key: 'k', value: 1 });
    f.clock.now += 10_000;
    await f.postEvents([{ key: 'k', value: 1 }, { key: 'k', value: 2 }, { key: 'k', value: 3 }]);
    await f.postEvents({ key: 'k', value: 1 });
    await f.request('/inspect/buckets');
    await f.request('/inspect/events');
    await f.request('/inspect/events?bucketKey=b');
    await f.request('/');
    const statuses = f.replies.map((r) => r.status);
    for (const s of [401, 201, 400, 429, 204, 402, 200]) assert.ok(statuses.includes(s), `saw a ${s} (${statuses})`);

    const controller = new AbortController();
    const stream = await fetch(`${f.emulator.url}/dashboard/stream`, { signal: controller.signal });
    const reader = stream.body!.getReader();
    const { value } = await reader.read();
    controller.abort();
    const sse = new TextDecoder().decode(value);
    assert.match(sse, /event: snapshot/);

    const everything = [
      ...f.replies.map((r) => {
        const headers: string[] = [];
        r.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
        return `${r.text}\n${headers.join('\n')}`;
      }),
      ...f.logs,
      sse,
    ].join('\n');
    assert.ok(f.logs.length >= 7);
    for (const key of [KEY, OTHER_KEY]) {
      assert.ok(!everything.includes(key), 'a whole key leaked');
      assert.ok(!everything.includes(key.slice(0, 12)), 'the start of a key leaked');
    }
    assert.ok(everything.includes('…1234'), 'the last 4 characters name the account');
  });
});

describe('emulator: monthly quota (402)', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({ monthlyQuota: 5, rateLimit: 100 });
  });
  afterEach(() => f.close());

  it('answers 402 once the accepted events reach the quota; the crossing request is accepted whole', async () => {
    const four = Array.from({ length: 4 }, (_, i) => ({ key: 'k', value: i }));
    assert.equal((await f.postEvents(four)).status, 204);
    assert.equal((await f.postEvents(four)).status, 204, '4 < 5: accepted, now 8');
    const over = await f.postEvents({ key: 'k', value: 9 });
    assert.equal(over.status, 402);
    assert.match(over.json.message, /Event limit exceeded for current cycle/);
    assert.equal(over.headers.get('x-ratelimit-limit'), '100');
    assert.equal((await f.request(`/api/events?accessKey=${KEY}&bucketKey=b&k=1`)).status, 402, 'the URL form too');
    assert.equal(f.emulator.events().length, 8);
    assert.equal((await f.postEvents({ key: 'k', value: 1 }, { 'X-IS-AccessKey': OTHER_KEY })).status, 204, 'per access key');
    const bucket = await f.request('/api/buckets', { method: 'POST', headers: { 'X-IS-AccessKey': KEY }, body: '{"bucketKey":"nb"}' });
    assert.equal(bucket.status, 201, 'buckets are not events');
  });

  it('configure({monthlyQuota: 0}) lifts it; reset() starts a new cycle', async () => {
    await f.postEvents(Array.from({ length: 5 }, (_, i) => ({ key: 'k', value: i })));
    assert.equal((await f.postEvents({ key: 'k', value: 1 })).status, 402);
    f.emulator.configure({ monthlyQuota: 0 });
    assert.equal((await f.postEvents({ key: 'k', value: 1 })).status, 204);
    f.emulator.configure({ monthlyQuota: 5 });
    assert.equal((await f.postEvents({ key: 'k', value: 1 })).status, 402);
    f.emulator.reset();
    assert.equal((await f.postEvents({ key: 'k', value: 1 })).status, 204);
  });
});

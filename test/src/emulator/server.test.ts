import assert from 'node:assert/strict';
import { KEY, OTHER_KEY, START_MS, startFixture, type Fixture } from './fixture';

describe('emulator server: routes', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({ rateLimit: 1000 });
  });
  afterEach(() => f.close());

  it('GET /api/versions answers 200 with a JSON array of versions', async () => {
    const reply = await f.request('/api/versions');
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(reply.json, ['0.0.1', '0.0.2', '0.0.3', '0.0.4']);
  });

  it('answers 404 for unknown routes, in and outside /api', async () => {
    assert.equal((await f.request('/api/nothing', { headers: { 'X-IS-AccessKey': KEY } })).status, 404);
    assert.equal((await f.request('/api/buckets', { headers: { 'X-IS-AccessKey': KEY } })).status, 404, 'GET /api/buckets');
    assert.equal((await f.request('/nothing')).status, 404);
  });

  describe('POST /api/buckets', () => {
    const create = (body: unknown, key = KEY): ReturnType<Fixture['request']> =>
      f.request('/api/buckets', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-IS-AccessKey': key }, body: JSON.stringify(body) });

    it('answers 201 for a new bucket and 204 when it exists, per access key', async () => {
      const first = await create({ bucketKey: 'home', bucketName: 'Home' });
      assert.equal(first.status, 201);
      assert.deepEqual(first.json, { bucketKey: 'home', bucketName: 'Home' });
      assert.equal((await create({ bucketKey: 'home' })).status, 204);
      assert.equal((await create({ bucketKey: 'home' }, OTHER_KEY)).status, 201, 'bucket keys are scoped to the access key');
      assert.deepEqual(f.emulator.buckets({ accessKey: KEY }), [{ bucketKey: 'home', bucketName: 'Home', createdAt: START_MS }]);
      assert.equal(f.emulator.buckets().length, 2);
    });

    it('takes the URL-parameter form', async () => {
      const reply = await f.request(`/api/buckets?accessKey=${KEY}&bucketKey=garden&bucketName=${encodeURIComponent('My Garden')}`, { method: 'POST' });
      assert.equal(reply.status, 201);
      assert.deepEqual(f.emulator.buckets({ accessKey: KEY }), [{ bucketKey: 'garden', bucketName: 'My Garden', createdAt: START_MS }]);
      const again = await f.request(`/api/buckets?accessKey=${KEY}&bucketKey=garden`, { method: 'POST' });
      assert.equal(again.status, 204);
    });

    it('a name sent for an existing bucket replaces its name', async () => {
      await create({ bucketKey: 'home' });
      await create({ bucketKey: 'home', bucketName: 'Home sweet home' });
      assert.equal(f.emulator.buckets()[0]?.bucketName, 'Home sweet home');
    });

    it('rejects bad bucket keys and names with 400 naming field and rule', async () => {
      const cases: [unknown, string, string][] = [
        [{}, 'bucketKey', 'required'],
        [{ bucketKey: 5 }, 'bucketKey', 'a string'],
        [{ bucketKey: '' }, 'bucketKey', '1 to 250 characters'],
        [{ bucketKey: 'x'.repeat(251) }, 'bucketKey', '1 to 250 characters'],
        [{ bucketKey: 'a:b' }, 'bucketKey', 'none of `:` `"` `\'`'],
        [{ bucketKey: 'a"b' }, 'bucketKey', 'none of `:` `"` `\'`'],
        [{ bucketKey: "a'b" }, 'bucketKey', 'none of `:` `"` `\'`'],
        [{ bucketKey: 'ok', bucketName: 'n'.repeat(251) }, 'bucketName', 'at most 250 characters'],
        [{ bucketKey: 'ok', bucketName: 7 }, 'bucketName', 'a string'],
        [[], 'body', 'an object `{bucketKey, bucketName?}`'],
      ];
      for (const [body, field, rule] of cases) {
        const reply = await create(body);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.deepEqual(
          reply.json.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
          [[field, rule]],
          JSON.stringify(body),
        );
        assert.match(reply.json.message.error.message, new RegExp(field));
        assert.equal(reply.json.message.error.type, field === 'body' ? 'INVALID_BODY' : field === 'bucketKey' ? 'INVALID_BUCKET_KEY' : 'INVALID_BUCKET_NAME');
      }
      assert.equal((await create({ bucketKey: 'x'.repeat(250), bucketName: 'n'.repeat(250) })).status, 201, 'the limits themselves are allowed');
      assert.equal(f.emulator.buckets().length, 1);
    });

    it('answers 400 for malformed JSON', async () => {
      const reply = await f.request('/api/buckets', { method: 'POST', headers: { 'X-IS-AccessKey': KEY }, body: '{"bucketKey":' });
      assert.equal(reply.status, 400);
      assert.equal(reply.json.errors[0].rule, 'well-formed JSON');
    });
  });

  describe('events', () => {
    it('POST /api/events takes one event or an array, answers 204 and stores them in order', async () => {
      assert.equal((await f.postEvents({ key: 'temp', value: 20.5 })).status, 204);
      const reply = await f.postEvents([
        { key: 'temp', value: 21 },
        { key: 'door', value: true },
        { key: 'note', value: 'hi' },
      ]);
      assert.equal(reply.status, 204);
      assert.equal(reply.text, '');
      assert.deepEqual(
        f.emulator.events({ accessKey: KEY, bucketKey: 'b' }).map((e) => [e.key, e.value]),
        [['temp', 20.5], ['temp', 21], ['door', true], ['note', 'hi']],
      );
      assert.deepEqual(f.emulator.stats(), { requests: 2, byStatus: { 204: 2 }, eventsAccepted: 4 });
    });

    it('creates a bucket on its first event, without a name', async () => {
      await f.postEvents({ key: 'k', value: 1 }, { 'X-IS-BucketKey': 'fresh' });
      assert.deepEqual(f.emulator.buckets({ accessKey: KEY }), [{ bucketKey: 'fresh', createdAt: START_MS }]);
      const reply = await f.request('/api/buckets', { method: 'POST', headers: { 'X-IS-AccessKey': KEY }, body: JSON.stringify({ bucketKey: 'fresh' }) });
      assert.equal(reply.status, 204, 'the bucket already exists');
    });

    it('takes access and bucket keys as URL parameters on POST', async () => {
      const reply = await f.request(`/api/events?accessKey=${KEY}&bucketKey=viaurl`, { method: 'POST', body: JSON.stringify({ key: 'a', value: 1 }) });
      assert.equal(reply.status, 204);
      assert.equal(f.emulator.events({ bucketKey: 'viaurl' }).length, 1);
    });

    it('GET /api/events stores URL parameters as events: numbers, booleans, else text, no timestamps', async () => {
      const query = new URLSearchParams([
        ['accessKey', KEY],
        ['bucketKey', 'url'],
        ['temp', '21.5'],
        ['count', '-3'],
        ['big', '1e3'],
        ['on', 'true'],
        ['off', 'false'],
        ['name', 'kitchen'],
        ['zip', '01234x'],
        ['empty', ''],
        ['where', '40.7,-74.0'],
        ['temp', '22'],
      ]);
      const reply = await f.request(`/api/events?${query}`);
      assert.equal(reply.status, 204);
      assert.deepEqual(
        f.emulator.events({ bucketKey: 'url' }).map((e) => [e.key, e.value, e.serverStamped]),
        [
          ['temp', 21.5, true],
          ['count', -3, true],
          ['big', 1000, true],
          ['on', true, true],
          ['off', false, true],
          ['name', 'kitchen', true],
          ['zip', '01234x', true],
          ['empty', '', true],
          ['where', '40.7,-74.0', true],
          ['temp', 22, true],
        ],
      );
      assert.equal(f.emulator.requests()[0]?.events, 10);
    });

    it('GET /api/events without event parameters answers 204 and stores nothing (the Blueprint marks them optional)', async () => {
      const reply = await f.request(`/api/events?accessKey=${KEY}&bucketKey=url`);
      assert.equal(reply.status, 204);
      assert.equal(reply.headers.get('x-ratelimit-remaining'), '999', 'it is still a request of the window');
      assert.deepEqual(f.emulator.events(), []);
      assert.deepEqual(f.emulator.buckets(), [], 'no event, no bucket');
      const noBucket = await f.request(`/api/events?accessKey=${KEY}`);
      assert.equal(noBucket.status, 400);
      assert.deepEqual([noBucket.json.message.error.type, noBucket.json.errors[0].rule], ['INVALID_BUCKET_KEY', 'required']);
    });

    it('POST /api/events without a body takes its URL parameters as events (the docs\' curl command)', async () => {
      const reply = await f.request(`/api/events?accessKey=${KEY}&bucketKey=url&temperature=25.4&door=open`, { method: 'POST' });
      assert.equal(reply.status, 204);
      assert.deepEqual(f.emulator.events({ bucketKey: 'url' }).map((e) => [e.key, e.value, e.serverStamped]), [['temperature', 25.4, true], ['door', 'open', true]]);
    });

    it('records each /api request with method, path, status, event count and bucket', async () => {
      f.clock.now += 5;
      await f.postEvents([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
      await f.request('/api/versions');
      assert.deepEqual(f.emulator.requests(), [
        { method: 'POST', path: '/api/events', status: 204, events: 2, bucketKey: 'b', at: START_MS + 5, counted: true },
        { method: 'GET', path: '/api/versions', status: 200, events: 0, at: START_MS + 5, counted: false },
      ]);
      assert.deepEqual(f.logs, ['POST /api/events 204 events=2 bucket=b account=…1234', 'GET /api/versions 200 events=0']);
    });

    it('reset() forgets events, buckets, requests and windows', async () => {
      await f.postEvents({ key: 'a', value: 1 });
      f.emulator.reset();
      assert.deepEqual(f.emulator.events(), []);
      assert.deepEqual(f.emulator.buckets(), []);
      assert.deepEqual(f.emulator.requests(), []);
      assert.deepEqual(f.emulator.stats(), { requests: 0, byStatus: {}, eventsAccepted: 0 });
      const reply = await f.postEvents({ key: 'a', value: 1 });
      assert.equal(reply.headers.get('x-ratelimit-remaining'), '999', 'a fresh window');
    });

    it('forgets the oldest events beyond maxStoredEvents', async () => {
      f.emulator.configure({ maxStoredEvents: 10, maxEventsPerRequest: 0 });
      await f.postEvents(Array.from({ length: 12 }, (_, i) => ({ key: 'n', value: i })));
      const values = f.emulator.events().map((e) => e.value);
      assert.ok(values.length <= 10 && values.length >= 9, `kept ${values.length}`);
      assert.equal(values.at(-1), 11);
      assert.equal(f.emulator.stats().eventsAccepted, 12);
    });
  });
});

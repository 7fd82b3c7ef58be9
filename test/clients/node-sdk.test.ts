/**
 * Initial State's own Node SDK (npm `initial-state` 0.2.0, unmodified) against the emulator: its
 * `https` calls go to the emulator's `http` address, nothing else changes.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as IS from 'initial-state';
import { KEY, startFixture, type Fixture } from '../src/emulator/fixture';
import { redirectHttps, type HttpsRedirect } from './https-to-emulator';

/** An event as the SDK put it on the wire. */
interface SentEvent {
  key: string;
  value: string;
  epoch?: string;
}

describe('clients: Initial State Node SDK (initial-state 0.2.0)', () => {
  let f: Fixture;
  let redirect: HttpsRedirect;
  beforeEach(async () => {
    f = await startFixture();
    redirect = redirectHttps(f.emulator.port);
  });
  afterEach(async () => {
    redirect.restore();
    await f.close();
  });

  const sentEvents = (): SentEvent[] =>
    redirect.sent.filter((r) => r.path === '/api/events').flatMap((r) => JSON.parse(r.body) as SentEvent[]);

  /** Pushes `count` events of assorted kinds, as a user of the SDK would. */
  function pushAssorted(bucket: IS.Bucket, count: number, start = 0): void {
    const dates = [undefined, 1_796_297_611_250, '1796297612.250123456', new Date(1_796_297_613_000)];
    const values = [21.5, true, 'open', -3, '40.7,-74.0', 0];
    for (let i = start; i < start + count; i++) bucket.push(`stream${i % 3}`, values[i % values.length], dates[i % dates.length]);
  }

  /** The stored events match what the SDK sent, one for one: value as sent, its epoch read as a number. */
  function assertStoredAsSent(expectedCount: number): void {
    const sent = sentEvents();
    assert.equal(sent.length, expectedCount, 'the SDK sent every event pushed');
    const stored = f.emulator.events({ accessKey: KEY, bucketKey: 'sdk_bucket' });
    assert.equal(stored.length, expectedCount, 'every event the SDK pushed is stored');
    sent.forEach((event, i) => {
      const got = stored[i]!;
      assert.deepEqual([got.key, got.value], [event.key, event.value], `event ${i}`);
      if (event.epoch === undefined) assert.ok(got.serverStamped, `event ${i} had no epoch (the SDK sends none for a Date)`);
      else assert.deepEqual([got.epoch, got.serverStamped], [Number(event.epoch), false], `event ${i} keeps its string epoch ${event.epoch}`);
    });
    assert.ok(sent.some((e) => typeof e.epoch === 'string'), 'the SDK sends its epochs as strings');
  }

  it('creates its bucket and stores every event it pushes, before and after the bucket is ready', async () => {
    const bucket = IS.bucket({ id: 'sdk_bucket', name: 'SDK Bucket' }, KEY);
    pushAssorted(bucket, 6);
    const [created] = (await once(bucket, 'ready')) as [boolean];
    assert.equal(created, true, 'the SDK saw 201 Created');
    await once(bucket, 'drain');
    pushAssorted(bucket, 3, 6);
    await once(bucket, 'drain');

    assertStoredAsSent(9);
    assert.deepEqual(f.emulator.buckets(), [{ bucketKey: 'sdk_bucket', bucketName: 'SDK Bucket', createdAt: f.clock.now }]);
    assert.deepEqual(
      f.emulator.requests().map((r) => [r.method, r.path, r.status, r.events]),
      [['POST', '/api/buckets', 201, 0], ['POST', '/api/events', 204, 6], ['POST', '/api/events', 204, 3]],
    );
    const headers = redirect.sent[1]!.headers;
    assert.equal(headers['X-IS-BucketKey'], 'sdk_bucket');
    assert.equal(headers['Accept-Version'], '0.0.1');
  });

  it('a second SDK instance on the same bucket sees 204 (it existed) and adds its events', async () => {
    const first = IS.bucket('sdk_bucket', KEY);
    await once(first, 'ready');
    const second = IS.bucket('sdk_bucket', KEY);
    const [created] = (await once(second, 'ready')) as [boolean];
    assert.equal(created, false);
    pushAssorted(second, 4);
    await once(second, 'drain');
    assertStoredAsSent(4);
  });

  it('with --strict (the Blueprint\'s typing) its string epochs are refused: 400, nothing stored', async () => {
    f.emulator.configure({ strict: true });
    const bucket = IS.bucket('sdk_bucket', KEY);
    await once(bucket, 'ready');
    bucket.push('s', 1, '1796297611.25');
    const [error] = (await once(bucket, 'error')) as [Error];
    assert.equal(error.message, 'API Response Status 400');
    assert.deepEqual(f.emulator.events(), []);
  });

  it('sends all it buffered in one request: over 10 events is 400 by default, stored with maxEventsPerRequest 0', async () => {
    const refused = IS.bucket('sdk_bucket', KEY);
    pushAssorted(refused, 12);
    const [error] = (await once(refused, 'error')) as [Error];
    assert.equal(error.message, 'API Response Status 400');
    assert.equal(f.emulator.requests().at(-1)?.events, 12);

    f.emulator.reset();
    redirect.sent.length = 0;
    f.emulator.configure({ maxEventsPerRequest: 0 });
    const bucket = IS.bucket('sdk_bucket', KEY);
    pushAssorted(bucket, 12);
    await once(bucket, 'drain');
    assertStoredAsSent(12);
  });
});

import assert from 'node:assert/strict';
import { KEY, START_MS, startFixture, type Fixture } from './fixture';

/** Reads server-sent messages from a stream, one at a time. */
class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /** The next message's event name and parsed data (comments skipped). */
  async next(): Promise<{ event: string; data: any }> {
    for (let i = 0; i < 1000; i++) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        if (block.startsWith(':')) continue;
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
        return { event, data: JSON.parse(data) };
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error('stream ended');
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
    throw new Error('no message');
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

describe('emulator: inspection routes and dashboard', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(() => f.close());

  it('GET /inspect/buckets lists buckets with masked account and event counts', async () => {
    await f.request('/api/buckets', { method: 'POST', headers: { 'X-IS-AccessKey': KEY }, body: '{"bucketKey":"home","bucketName":"Home"}' });
    await f.postEvents([{ key: 'a', value: 1 }, { key: 'b', value: 2 }], { 'X-IS-BucketKey': 'home' });
    await f.postEvents({ key: 'c', value: 3 }, { 'X-IS-BucketKey': 'auto', 'X-IS-AccessKey': 'short' });
    const reply = await f.request('/inspect/buckets');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json, [
      { id: 1, account: '…1234', bucketKey: 'home', bucketName: 'Home', createdAt: START_MS, events: 2 },
      { id: 2, account: '…', bucketKey: 'auto', createdAt: START_MS, events: 1 },
    ]);
  });

  it('GET /inspect/events lists events, optionally of one bucket key, with masked account', async () => {
    await f.postEvents({ key: 'a', value: 1, epoch: 1_790_000_000 }, { 'X-IS-BucketKey': 'one' });
    await f.postEvents({ key: 'b', value: 'x' }, { 'X-IS-BucketKey': 'two' });
    const one = await f.request('/inspect/events?bucketKey=one');
    assert.deepEqual(one.json, [
      { account: '…1234', bucketKey: 'one', key: 'a', value: 1, epoch: 1_790_000_000, serverStamped: false, receivedAt: START_MS },
    ]);
    const all = await f.request('/inspect/events');
    assert.deepEqual(all.json.map((e: { key: string }) => e.key), ['a', 'b']);
  });

  it('serves the page, its script and style, and uPlot from the emulator itself', async () => {
    const page = await f.request('/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.text, /<script src="\/vendor\/uPlot\.iife\.min\.js"><\/script>/);
    assert.ok(!/https?:\/\/(?!127\.0\.0\.1)/.test(page.text), 'no CDN');
    for (const [path, type, marker] of [
      ['/vendor/uPlot.iife.min.js', 'text/javascript', 'uPlot'],
      ['/vendor/uPlot.min.css', 'text/css', '.uplot'],
      ['/dashboard.js', 'text/javascript', 'EventSource'],
      ['/dashboard.css', 'text/css', '.stream'],
    ]) {
      const reply = await f.request(path as string);
      assert.equal(reply.status, 200, path);
      assert.match(reply.headers.get('content-type') ?? '', new RegExp(type as string), path);
      assert.ok(reply.text.includes(marker as string), path);
    }
  });

  it('GET /dashboard/stream sends a snapshot, then buckets, events and resets as they happen', async () => {
    await f.postEvents({ key: 'temp', value: 20, epoch: 1_790_000_000 }, { 'X-IS-BucketKey': 'garden' });
    const res = await fetch(`${f.emulator.url}/dashboard/stream`);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const sse = new SseReader(res.body!);
    try {
      const first = await sse.next();
      assert.equal(first.event, 'snapshot');
      assert.deepEqual(first.data.buckets, [
        { id: 1, account: '…1234', bucketKey: 'garden', createdAt: START_MS, streams: [{ key: 'temp', points: [[1_790_000_000, 20]] }] },
      ]);

      await f.postEvents([{ key: 'temp', value: 21.5, epoch: 1_790_000_060 }, { key: 'sky', value: ':sunny:', epoch: 1_790_000_060 }], { 'X-IS-BucketKey': 'garden' });
      const update = await sse.next();
      assert.equal(update.event, 'events');
      assert.deepEqual(update.data, {
        bucket: { id: 1, account: '…1234', bucketKey: 'garden', createdAt: START_MS },
        events: [
          { key: 'temp', value: 21.5, epoch: 1_790_000_060 },
          { key: 'sky', value: ':sunny:', epoch: 1_790_000_060 },
        ],
      });

      await f.request('/api/buckets', { method: 'POST', headers: { 'X-IS-AccessKey': KEY }, body: '{"bucketKey":"garden","bucketName":"Garden"}' });
      const renamed = await sse.next();
      assert.deepEqual([renamed.event, renamed.data.bucketName], ['bucket', 'Garden']);

      f.emulator.reset();
      assert.equal((await sse.next()).event, 'reset');
    } finally {
      await sse.cancel();
    }
  });

  it('close() ends open dashboard streams', async () => {
    const res = await fetch(`${f.emulator.url}/dashboard/stream`);
    const sse = new SseReader(res.body!);
    assert.equal((await sse.next()).event, 'snapshot');
    await f.close();
    await assert.rejects(sse.next(), /stream ended|terminated|other side closed/);
  });
});

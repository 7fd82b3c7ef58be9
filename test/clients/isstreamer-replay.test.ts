/** ISStreamer 2.0.0's requests (see isstreamer-requests.ts) replayed against the emulator as it sends them. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { startFixture, START_MS, type Fixture } from '../src/emulator/fixture';
import { readAsIsStreamer } from './isstreamer-reader';
import { ISSTREAMER_SESSION, isStreamerHeaders, type IsStreamerRequest } from './isstreamer-requests';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends `request` as Python's http.client does for ISStreamer: its header order and case, a latin-1 body. */
function replay(port: number, request: IsStreamerRequest): Promise<Answer> {
  const body = Buffer.from(request.body, 'latin1');
  const headers = [
    ['Host', `127.0.0.1:${port}`],
    ['Accept-Encoding', 'identity'],
    ['Content-Length', String(body.length)],
    ...isStreamerHeaders(request.accessKey, request.bucketKey),
  ].flat();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: request.path, headers, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe('clients: ISStreamer 2.0.0 requests replayed', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(() => f.close());

  it('each request gets the status the service gives; what was accepted is stored as sent', async () => {
    for (const request of ISSTREAMER_SESSION) {
      const answer = await replay(f.emulator.port, request);
      assert.equal(answer.status, request.status, `${request.call}: ${answer.body}`);
    }
    const accepted = ISSTREAMER_SESSION.filter((r) => r.path === '/api/events' && r.status === 204).flatMap(
      (r) => JSON.parse(r.body) as { key: string; value: unknown; epoch: number }[],
    );
    const stored = f.emulator.events({ bucketKey: 'py_bucket' });
    assert.deepEqual(stored.map((e) => [e.key, e.value]), accepted.map((e) => [e.key, e.value]));
    const tenYears = (START_MS - Date.UTC(2017, 0, 15, 8)) / 1000;
    stored.forEach((e, i) => {
      const sent = accepted[i]!.epoch;
      const old = f.clock.now / 1000 - sent >= tenYears;
      assert.deepEqual([e.epoch, e.serverStamped], old ? [f.clock.now / 1000, true] : [sent, false], `${e.key} epoch ${sent}`);
    });
    assert.ok(stored.some((e) => e.serverStamped) && stored.some((e) => !e.serverStamped), 'both kinds of epoch were replayed');
    assert.equal(stored.find((e) => e.key === 'status')?.value, 'ok \u2603', 'the \\u escape of json.dumps is read');
    assert.deepEqual(f.emulator.buckets().map((b) => [b.bucketKey, b.bucketName]), [
      ['py_bucket', 'Python Streamer'],
      ['5b0c1f9e-8d2a-4c47-9f0e-3a1d2b7c6e51', 'No key given'],
    ]);
  });

  it('a 400 parses as ISStreamer reads it: json["message"]["error"]["type"] and ["message"]', async () => {
    const refused = ISSTREAMER_SESSION.filter((r) => r.status === 400);
    assert.ok(refused.length >= 2);
    for (const request of refused) {
      const answer = await replay(f.emulator.port, request);
      assert.equal(answer.status, 400);
      const read = readAsIsStreamer(answer.body);
      assert.equal(read.type, request.errorType, request.call);
      assert.equal(typeof read.message, 'string');
      assert.match(read.message as string, /^Invalid request: event 0 (key|value): /);
    }
  });

  it('the reader is ISStreamer\'s: the flat {"message": "…"} shape crashes it as the issue reports', () => {
    assert.throws(() => readAsIsStreamer('{"message":"Invalid request: event 0 key: 1 to 100 characters","errors":[]}'), {
      name: 'TypeError',
      message: 'string indices must be integers',
    });
    assert.deepEqual(readAsIsStreamer('{"message":{"error":{"type":"BUCKET_REMOVED","message":"gone"}}}'), { type: 'BUCKET_REMOVED', message: 'gone' });
  });

  it('a 429 carries Retry-After in whole seconds; ISStreamer sleeps int(Retry-After) + 1 and its resend is accepted', async () => {
    f.emulator.configure({ rateLimit: 3 });
    const batch = ISSTREAMER_SESSION.find((r) => r.path === '/api/events' && r.status === 204)!;
    for (let i = 0; i < 3; i++) assert.equal((await replay(f.emulator.port, batch)).status, 204);
    const limited = await replay(f.emulator.port, batch);
    assert.equal(limited.status, 429);
    const retryAfter = limited.headers['retry-after'];
    assert.match(String(retryAfter), /^\d+$/, 'Python int() takes it');
    f.clock.now += (Number(retryAfter) + 1) * 1000;
    assert.equal((await replay(f.emulator.port, batch)).status, 204);
  });
});

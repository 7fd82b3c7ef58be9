import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createHttpClient, headerSafe, type HttpClient } from '../../../src/engine/http-client';

describe('http client (loopback server)', () => {
  let server: http.Server;
  let client: HttpClient;
  let seen: http.IncomingMessage[];
  /** When false the server never answers. */
  let answering: boolean;
  /** How the server answers (after reading the whole request), when answering. */
  let answer: (res: http.ServerResponse, body: string) => void;

  beforeEach(async () => {
    seen = [];
    answering = true;
    answer = (res) => res.writeHead(204).end();
    server = http.createServer((req, res) => {
      seen.push(req);
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      if (answering) req.on('end', () => answer(res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = createHttpClient({ endpoint: `http://127.0.0.1:${port}/api`, accessKey: 'ist_test', requestTimeout: 5000 });
  });
  afterEach(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a plain bucket key in the X-IS-BucketKey header', async () => {
    const result = await client.postEvents('plain-key 1', [{ key: 'k', value: 1 }]);
    assert.equal(result.status, 204);
    assert.equal(seen[0]!.headers['x-is-bucketkey'], 'plain-key 1');
    assert.equal(seen[0]!.url, '/api/events');
  });

  it('sends a bucket key a header cannot carry as the bucketKey URL parameter', async () => {
    for (const key of ['café ☕', 'tab\there', ' padded ']) {
      const result = await client.postEvents(key, [{ key: 'k', value: 1 }]);
      assert.equal(result.status, 204, `status for ${JSON.stringify(key)}`);
    }
    assert.deepEqual(
      seen.map((req) => [req.headers['x-is-bucketkey'], new URL(req.url!, 'http://x').searchParams.get('bucketKey')]),
      [[undefined, 'café ☕'], [undefined, 'tab\there'], [undefined, ' padded ']],
    );
  });

  it('resolves status 0 at once when the signal aborts a request in flight', async () => {
    answering = false;
    const controller = new AbortController();
    const pending = client.postEvents('b', [{ key: 'k', value: 1 }], controller.signal);
    while (seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const result = await pending;
    assert.equal(result.status, 0);
    assert.match(result.error!, /abort/i);
    const again = await client.createBucket('b', undefined, controller.signal);
    assert.equal(again.status, 0, 'an aborted signal sends nothing');
    assert.equal(seen.length, 1);
  });

  it('reads the status, the body as text and the rate headers as numbers, and sends the JSON body with its length', async () => {
    let received = '';
    answer = (res, body) => {
      received = body;
      res.writeHead(429, { 'X-RateLimit-Limit': '30', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1736942410', 'Retry-After': '7' }).end('{"message":"slow down ☕"}');
    };
    const result = await client.postEvents('b', [{ key: 'k', value: 'é', epoch: 1.5 }]);
    assert.deepEqual(result, { status: 429, body: '{"message":"slow down ☕"}', limit: 30, remaining: 0, reset: 1736942410, retryAfter: 7 });
    assert.deepEqual(JSON.parse(received), [{ key: 'k', value: 'é', epoch: 1.5 }]);
    assert.equal(seen[0]!.headers['content-length'], String(Buffer.byteLength(received)));
    assert.equal(seen[0]!.headers['x-is-accesskey'], 'ist_test');
  });

  it('sends a GET with the access key, the bucket key and each event as URL parameters, and no body', async () => {
    const result = await client.getEvents('b ☕', [{ key: 'temp', value: 21.5 }, { key: 'on', value: true }]);
    assert.equal(result.status, 204);
    assert.equal(seen[0]!.method, 'GET');
    assert.deepEqual([...new URL(seen[0]!.url!, 'http://x').searchParams], [['accessKey', 'ist_test'], ['bucketKey', 'b ☕'], ['temp', '21.5'], ['on', 'true']]);
    assert.equal(seen[0]!.headers['content-length'], undefined);
  });

  it('resolves status 0 with ETIMEDOUT when no answer comes within requestTimeout', async () => {
    answering = false;
    const { port } = server.address() as AddressInfo;
    const quick = createHttpClient({ endpoint: `http://127.0.0.1:${port}/api`, accessKey: 'ist_test', requestTimeout: 50 });
    try {
      const result = await quick.createBucket('b');
      assert.deepEqual(result, { status: 0, body: '', error: "ETIMEDOUT: Timeout awaiting 'request' for 50ms" });
    } finally {
      quick.close();
    }
  });

  it('resolves status 0 with the code and address when nobody listens, never naming the key', async () => {
    const free = http.createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as AddressInfo;
    await new Promise((resolve) => free.close(resolve));
    const refused = createHttpClient({ endpoint: `http://127.0.0.1:${port}/api/`, accessKey: 'ist_test', requestTimeout: 5000 });
    try {
      const result = await refused.postEvents('b', [{ key: 'k', value: 1 }]);
      assert.deepEqual(result, { status: 0, body: '', error: `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}` });
    } finally {
      refused.close();
    }
  });

  it('speaks TLS to an https endpoint and refuses a certificate nobody vouches for', async () => {
    // A self-signed certificate for 127.0.0.1 (test/fixtures/tls, valid until 2125).
    const tls = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'tls');
    const secure = https.createServer({ key: readFileSync(path.join(tls, 'key.pem')), cert: readFileSync(path.join(tls, 'cert.pem')) }, (req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const { port } = secure.address() as AddressInfo;
    const client = createHttpClient({ endpoint: `https://127.0.0.1:${port}/api`, accessKey: 'ist_test', requestTimeout: 5000 });
    try {
      const result = await client.postEvents('b', [{ key: 'k', value: 1 }]);
      assert.equal(result.status, 0);
      // Node 24 adds a hint after the reason.
      assert.match(result.error!, /^DEPTH_ZERO_SELF_SIGNED_CERT: self[- ]signed certificate(;|$)/);
    } finally {
      client.close();
      secure.closeAllConnections();
      await new Promise((resolve) => secure.close(resolve));
    }
  });

  it('reaches an IPv6 endpoint written with brackets, under its path', async function () {
    const v6 = http.createServer((req, res) => {
      seen.push(req);
      res.writeHead(204).end();
    });
    const listening = await new Promise<boolean>((resolve) => v6.once('error', () => resolve(false)).listen(0, '::1', () => resolve(true)));
    if (!listening) return this.skip();
    const { port } = v6.address() as AddressInfo;
    const client = createHttpClient({ endpoint: `http://[::1]:${port}/deep/api//`, accessKey: 'ist_test', requestTimeout: 5000 });
    try {
      assert.equal((await client.createBucket('b')).status, 204);
      assert.equal(seen[0]!.url, '/deep/api/buckets');
    } finally {
      client.close();
      v6.closeAllConnections();
      await new Promise((resolve) => v6.close(resolve));
    }
  });

  it('headerSafe accepts printable ASCII without outer spaces only', () => {
    assert.deepEqual(
      ['abc', 'a b', 'a:b~', '', ' a', 'a ', 'é', '☕', 'a\nb', '\u007f'].map(headerSafe),
      [true, true, true, false, false, false, false, false, false, false],
    );
  });
});

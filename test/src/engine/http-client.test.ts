import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient, headerSafe, type HttpClient } from '../../../src/engine/http-client';

describe('http client (loopback server)', () => {
  let server: http.Server;
  let client: HttpClient;
  let seen: http.IncomingMessage[];
  /** When false the server never answers. */
  let answering: boolean;

  beforeEach(async () => {
    seen = [];
    answering = true;
    server = http.createServer((req, res) => {
      seen.push(req);
      req.resume();
      if (answering) req.on('end', () => res.writeHead(204).end());
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

  it('headerSafe accepts printable ASCII without outer spaces only', () => {
    assert.deepEqual(
      ['abc', 'a b', 'a:b~', '', ' a', 'a ', 'é', '☕', 'a\nb', '\u007f'].map(headerSafe),
      [true, true, true, false, false, false, false, false, false, false],
    );
  });
});

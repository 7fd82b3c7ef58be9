import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startEmulator } from '../../../src/emulator';
import type { Emulator } from '../../../src/emulator/types';
import { classifyAnswer, shortCause, verifyKey, VERIFY_TIMEOUT_MS, type VerifyRequest } from '../../../src/verify/verify-key';
import { freePort } from '../../support/poll';

const GOOD = 'ist_verifyGoodKey0000000000000000000';
const BAD = 'ist_verifyBadKey00000000000000000000';
const options = { endpoint: 'http://127.0.0.1:1/api', accessKey: GOOD };

describe('verify key: the answer read from one request without events', () => {
  it('401 and 403 are rejected, with the service message once', () => {
    for (const status of [401, 403]) {
      const answer = classifyAnswer({ status, body: '{"message":"ACCESS_DENIED_KEY: this access key is not accepted"}' }, options);
      assert.equal(answer.outcome, 'rejected');
      assert.equal(answer.cause, `HTTP ${status} ACCESS_DENIED_KEY: this access key is not accepted`);
      assert.equal(answer.status, status);
      assert.equal(answer.key, '…0000');
    }
  });

  it('2xx, 400 (no events), 402 (quota) and 429 (rate limit) mean the key passed', () => {
    for (const [status, pattern] of [
      [204, /accepted \(HTTP 204/],
      [400, /accepted \(HTTP 400 to a request without events\)/],
      [402, /accepted, but the monthly event quota is used up \(HTTP 402: over\)/],
      [429, /rate-limited right now \(HTTP 429, retry after 3 s\)/],
    ] as const) {
      const answer = classifyAnswer({ status, body: status === 402 ? '{"message":"over"}' : '', retryAfter: 3 }, options);
      assert.equal(answer.outcome, 'accepted', String(status));
      assert.match(answer.cause, pattern);
    }
  });

  it('no answer, 404, a redirect or a 5xx is unreachable, saying why', () => {
    assert.deepEqual(classifyAnswer({ status: 0, body: '', error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8890' }, options), {
      outcome: 'unreachable',
      cause: 'ECONNREFUSED 127.0.0.1:8890',
      key: '…0000',
      endpoint: options.endpoint,
    });
    assert.match(classifyAnswer({ status: 404, body: 'Not found' }, options).cause, /^HTTP 404: no Events API at http:\/\/127\.0\.0\.1:1\/api/);
    assert.match(classifyAnswer({ status: 301, body: '' }, options).cause, /^HTTP 301: the endpoint redirects/);
    assert.equal(classifyAnswer({ status: 503, body: 'down for maintenance' }, options).cause, 'HTTP 503: down for maintenance');
    for (const status of [0, 404, 301, 503]) assert.equal(classifyAnswer({ status, body: '', error: 'X' }, options).outcome, 'unreachable');
  });

  it('shortens network errors: the code and address once, a timeout with the time waited', () => {
    assert.equal(shortCause('ENOTFOUND: getaddrinfo ENOTFOUND groker.example', 5000), 'ENOTFOUND groker.example');
    assert.equal(shortCause("ETIMEDOUT: Timeout awaiting 'request' for 5000ms", 5000), 'no answer within 5000 ms (ETIMEDOUT)');
    assert.equal(shortCause('EPROTO: write EPROTO wrong version number', 100), 'EPROTO wrong version number');
    assert.equal(shortCause('ERROR', 100), 'ERROR');
  });

  it('never puts the key in a cause, whatever the service echoes (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 200, 400, 401, 402, 403, 404, 429, 500), fc.string(), fc.string(), (status, before, after) => {
        const echo = `${before}${GOOD}${after}`;
        const answer = classifyAnswer({ status, body: JSON.stringify({ message: echo }), error: `EX: ${echo}` }, options);
        return !JSON.stringify(answer).includes(GOOD);
      }),
    );
  });

  it('leaves no part of the key in a long answer cut short around it', () => {
    for (const at of [180, 190, 199, 205]) {
      const body = JSON.stringify({ message: `${'x'.repeat(at)}${GOOD} trailing` });
      const { cause } = classifyAnswer({ status: 401, body }, options);
      assert.ok(!cause.includes(GOOD.slice(0, 8)), cause);
    }
  });

  it('refuses bad options, naming the field and quoting the value (never the key)', async () => {
    const never: VerifyRequest = async () => assert.fail('no request for bad options');
    await assert.rejects(verifyKey({ endpoint: 'groker.init.st/api', accessKey: GOOD }, never), /endpoint must be an http:\/\/ or https:\/\/ URL \(got "groker\.init\.st\/api"\)/);
    await assert.rejects(verifyKey({ endpoint: options.endpoint, accessKey: '' }, never), /accessKey must be a non-empty string/);
    await assert.rejects(verifyKey({ ...options, bucketKey: 'a:b' }, never), /bucketKey must be .* \(got "a:b"\)/);
    await assert.rejects(verifyKey({ ...options, timeoutMs: 0 }, never), /timeoutMs must be a whole number of ms from 1 to 60000 \(got 0\)/);
  });

  it('sends the endpoint without trailing slashes, the bucket key when given, and the default timeout', async () => {
    const seen: Parameters<VerifyRequest>[0][] = [];
    const request: VerifyRequest = async (o) => (seen.push(o), { status: 400, body: '' });
    await verifyKey({ endpoint: 'http://127.0.0.1:9/api//', accessKey: GOOD, bucketKey: 'home' }, request);
    await verifyKey({ endpoint: 'http://127.0.0.1:9/api', accessKey: GOOD, bucketKey: '' }, request);
    assert.deepEqual(seen, [
      { endpoint: 'http://127.0.0.1:9/api', accessKey: GOOD, bucketKey: 'home', timeoutMs: VERIFY_TIMEOUT_MS },
      { endpoint: 'http://127.0.0.1:9/api', accessKey: GOOD, timeoutMs: VERIFY_TIMEOUT_MS },
    ]);
  });

  describe('against the emulator', () => {
    let emulator: Emulator;
    before(async () => {
      emulator = await startEmulator({ port: 0, accessKeys: [GOOD] });
    });
    after(() => emulator.close());

    it('a key it knows is accepted (with or without a bucket key), another rejected, and none stores an event or a bucket', async () => {
      const accepted = await verifyKey({ endpoint: emulator.apiUrl, accessKey: GOOD, bucketKey: 'home' });
      assert.equal(accepted.outcome, 'accepted', accepted.cause);
      // The emulator answers a GET without events 204 (nothing stored), or 400 without a bucket key.
      assert.equal(accepted.status, 204);
      const noBucket = await verifyKey({ endpoint: emulator.apiUrl, accessKey: GOOD });
      assert.deepEqual([noBucket.outcome, noBucket.status], ['accepted', 400]);
      const rejected = await verifyKey({ endpoint: emulator.apiUrl, accessKey: BAD });
      assert.deepEqual([rejected.outcome, rejected.status, rejected.cause], ['rejected', 401, 'HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted']);
      assert.equal(emulator.events().length, 0);
      assert.equal(emulator.buckets().length, 0);
      // The key went in the request (header and URL parameter), nowhere in what the check answers.
      assert.ok(!JSON.stringify([accepted, noBucket, rejected]).includes(GOOD) && !JSON.stringify(rejected).includes(BAD));
    });

    it('a port nobody listens on is unreachable with ECONNREFUSED and the address', async () => {
      const port = await freePort();
      const answer = await verifyKey({ endpoint: `http://127.0.0.1:${port}/api`, accessKey: GOOD });
      assert.deepEqual([answer.outcome, answer.cause], ['unreachable', `ECONNREFUSED 127.0.0.1:${port}`]);
    });
  });
});

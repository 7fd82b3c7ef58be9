import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeErrorBody, ERROR_MESSAGE_CHARS, parseErrorBody } from '../../../src/engine/error-body';

describe('parseErrorBody', () => {
  it("reads the service's nested shape", () => {
    const body = JSON.stringify({ message: { error: { type: 'INVALID_EVENT', message: 'event 2 has no key' } } });
    assert.deepEqual(parseErrorBody(body), { type: 'INVALID_EVENT', message: 'event 2 has no key' });
  });

  it('reads the flat shape, taking a leading TYPE: as the type', () => {
    assert.deepEqual(parseErrorBody('{"message":"ACCESS_DENIED_KEY: this access key is not accepted"}'), {
      type: 'ACCESS_DENIED_KEY',
      message: 'this access key is not accepted',
    });
    assert.deepEqual(parseErrorBody('{"message":"Event limit exceeded for current cycle..."}'), { message: 'Event limit exceeded for current cycle...' });
  });

  it('reads {"error": …} too, as an object or a string', () => {
    assert.deepEqual(parseErrorBody('{"error":{"type":"RATE_LIMITED","message":"slow down"}}'), { type: 'RATE_LIMITED', message: 'slow down' });
    assert.deepEqual(parseErrorBody('{"error":"bad gateway"}'), { message: 'bad gateway' });
  });

  it("reads a bare type as text or as a JSON string (the Blueprint's 403)", () => {
    assert.deepEqual(parseErrorBody('ACCESS_DENIED_KEY'), { type: 'ACCESS_DENIED_KEY' });
    assert.deepEqual(parseErrorBody('"ACCESS_DENIED_KEY"'), { type: 'ACCESS_DENIED_KEY' });
  });

  it('does not repeat a type that the nested message starts with', () => {
    const body = JSON.stringify({ message: { error: { type: 'ACCESS_DENIED_KEY', message: 'ACCESS_DENIED_KEY: not accepted' } } });
    assert.deepEqual(parseErrorBody(body), { type: 'ACCESS_DENIED_KEY', message: 'not accepted' });
  });

  it('takes any other text, or broken JSON, as the message, and an empty body as nothing', () => {
    assert.deepEqual(parseErrorBody('<html>502 Bad Gateway</html>'), { message: '<html>502 Bad Gateway</html>' });
    assert.deepEqual(parseErrorBody('{"message": '), { message: '{"message":' });
    assert.deepEqual(parseErrorBody('  '), {});
    assert.deepEqual(parseErrorBody('{"other":1}'), { message: '{"other":1}' });
  });

  it(`keeps at most ${ERROR_MESSAGE_CHARS} characters of a message`, () => {
    const { message } = parseErrorBody(JSON.stringify({ message: 'x'.repeat(1000) }));
    assert.equal(message!.length, ERROR_MESSAGE_CHARS);
    assert.ok(message!.endsWith('…'));
  });

  it('never throws, and gives each of type and message at most once, for any body', () => {
    const shapes = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record({ message: fc.oneof(fc.string(), fc.record({ error: fc.record({ type: fc.string(), message: fc.string() }, { requiredKeys: [] }) })) }).map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(shapes, fc.integer({ min: 400, max: 599 }), (body, status) => {
        const parsed = parseErrorBody(body);
        assert.ok(Object.keys(parsed).every((k) => k === 'type' || k === 'message'));
        if (parsed.message !== undefined) assert.ok(parsed.message.length <= ERROR_MESSAGE_CHARS && parsed.message.length > 0);
        if (parsed.type !== undefined) assert.match(parsed.type, /^\S+$/, 'a type is one word');
        if (parsed.type && parsed.message) assert.ok(!parsed.message.startsWith(`${parsed.type}:`), `the message repeats its type: ${parsed.message}`);
        const text = describeErrorBody(status, body);
        assert.ok(text.startsWith(`HTTP ${status}`), text);
        assert.ok(!text.includes('[object Object]'), text);
      }),
      { numRuns: 2000, seed: 15 },
    );
  });
});

describe('describeErrorBody', () => {
  it('says the status, then the type and the message once each', () => {
    assert.equal(describeErrorBody(401, '{"message":"ACCESS_DENIED_KEY: this access key is not accepted"}'), 'HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted');
    assert.equal(describeErrorBody(401, JSON.stringify({ message: { error: { type: 'ACCESS_DENIED_KEY', message: 'this access key is not accepted' } } })), 'HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted');
    assert.equal(describeErrorBody(403, 'ACCESS_DENIED_KEY'), 'HTTP 403 ACCESS_DENIED_KEY');
    assert.equal(describeErrorBody(402, '{"message":"Event limit exceeded for current cycle"}'), 'HTTP 402: Event limit exceeded for current cycle');
    assert.equal(describeErrorBody(503, ''), 'HTTP 503');
  });
});

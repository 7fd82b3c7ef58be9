import assert from 'node:assert/strict';
import fc from 'fast-check';
import { eventsFromQuery, isIso8601, tooManyRule, validateEvents, type ErrorType } from '../../../src/emulator/validate-request';
import { KEY, startFixture, type Fixture } from './fixture';

type Case = [name: string, event: unknown, field: string, rule: string, type: ErrorType];

const VALID = { key: 'k', value: 1 };

const STRING_OR_NUMBER = 'a string, finite number or boolean';
const EPOCH = 'a finite number or numeric string (seconds since 1970)';
const ISO = 'a parseable ISO-8601 timestamp';
const CASES: Case[] = [
  ['missing key', { value: 1 }, 'key', 'required', 'INVALID_EVENT_KEY'],
  ['non-string key', { key: 5, value: 1 }, 'key', 'a string', 'INVALID_EVENT_KEY'],
  ['empty key', { key: '', value: 1 }, 'key', '1 to 100 characters', 'INVALID_EVENT_KEY'],
  ['101-char key', { key: 'k'.repeat(101), value: 1 }, 'key', '1 to 100 characters', 'INVALID_EVENT_KEY'],
  ['missing value', { key: 'k' }, 'value', 'required', 'INVALID_EVENT_VALUE'],
  ['null value', { key: 'k', value: null }, 'value', STRING_OR_NUMBER, 'INVALID_EVENT_VALUE'],
  ['object value', { key: 'k', value: { a: 1 } }, 'value', STRING_OR_NUMBER, 'INVALID_EVENT_VALUE'],
  ['2001-char value', { key: 'k', value: 'v'.repeat(2001) }, 'value', 'at most 2000 characters', 'INVALID_EVENT_VALUE'],
  ['non-numeric string epoch', { key: 'k', value: 1, epoch: 'soon' }, 'epoch', EPOCH, 'INVALID_TIMESTAMP'],
  ['numeric string epoch with spaces', { key: 'k', value: 1, epoch: ' 1700000000' }, 'epoch', EPOCH, 'INVALID_TIMESTAMP'],
  ['null epoch', { key: 'k', value: 1, epoch: null }, 'epoch', EPOCH, 'INVALID_TIMESTAMP'],
  ['numeric iso8601', { key: 'k', value: 1, iso8601: 1700000000 }, 'iso8601', ISO, 'INVALID_TIMESTAMP'],
  ['free-text iso8601', { key: 'k', value: 1, iso8601: 'March 7 2020' }, 'iso8601', ISO, 'INVALID_TIMESTAMP'],
  ['impossible iso8601', { key: 'k', value: 1, iso8601: '2024-13-45T99:00:00Z' }, 'iso8601', ISO, 'INVALID_TIMESTAMP'],
  ['non-object event', 'just text', 'event', 'an object with `key` and `value`', 'INVALID_EVENT'],
];

describe('emulator: event validation (400)', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ rateLimit: 10_000 });
  });
  after(() => f.close());
  afterEach(() => f.emulator.reset());

  for (const [name, event, field, rule, type] of CASES) {
    it(`rejects the whole request for ${name}, naming type, index, field and rule in the service's shape`, async () => {
      const reply = await f.postEvents([VALID, VALID, event]);
      assert.equal(reply.status, 400);
      assert.deepEqual(
        reply.json.errors.map((e: { type: string; index: number; field: string; rule: string }) => [e.type, e.index, e.field, e.rule]),
        [[type, 2, field, rule]],
      );
      assert.equal(reply.json.message.error.type, type);
      assert.ok(reply.json.message.error.message.includes(`event 2 ${field}: ${rule}`), reply.json.message.error.message);
      assert.deepEqual(f.emulator.events(), [], 'nothing of a rejected request is stored');
    });
  }

  it('rejects NaN and Infinity values sent through a JSON-like body', async () => {
    // JSON has no NaN; the nearest a client gets is a number too large to be finite.
    const reply = await f.postEvents('[{"key":"k","value":1e999}]');
    assert.equal(reply.status, 400);
    assert.equal(reply.json.errors[0].rule, STRING_OR_NUMBER);
  });

  it('shows the bad value quoted and shortened in the message', async () => {
    const reply = await f.postEvents([{ key: 'k', value: 'v'.repeat(2001) }]);
    assert.equal(reply.json.errors[0].value, `\`"${'v'.repeat(44)}…" (2001 chars)\` (string)`);
  });

  it('lists every broken rule of every event; the answer\'s type is the first one\'s', async () => {
    const reply = await f.postEvents([{ key: '', value: null }, VALID, { value: 1, epoch: 'x' }]);
    assert.deepEqual(
      reply.json.errors.map((e: { index: number; field: string }) => [e.index, e.field]),
      [[0, 'key'], [0, 'value'], [2, 'key'], [2, 'epoch']],
    );
    assert.equal(reply.json.message.error.type, 'INVALID_EVENT_KEY');
    assert.equal(reply.json.message.error.message.split('; ').length, 4, 'the message names all four');
  });

  it('reads a numeric-string epoch as its number (Initial State\'s Node SDK sends strings); strict refuses it', async () => {
    const sent = [
      { key: 's', value: '1', epoch: '1796297611.25' },
      { key: 's', value: '2', epoch: '1796297612.250123456' },
      { key: 's', value: '3', epoch: '1.7963e9' },
    ];
    assert.equal((await f.postEvents(sent)).status, 204);
    assert.deepEqual(
      f.emulator.events().map((e) => [e.epoch, e.serverStamped]),
      sent.map((e) => [Number(e.epoch), false]),
    );
    f.emulator.configure({ strict: true });
    try {
      const strict = await f.postEvents(sent[0]);
      assert.equal(strict.status, 400);
      assert.deepEqual([strict.json.message.error.type, strict.json.errors[0].rule], ['INVALID_TIMESTAMP', 'a finite number (seconds since 1970)']);
      assert.equal((await f.postEvents({ key: 's', value: '1', epoch: 1796297611.25 })).status, 204, 'a JSON number passes either way');
    } finally {
      f.emulator.configure({ strict: false });
    }
  });

  it('accepts the limits themselves and every value type', async () => {
    const reply = await f.postEvents([
      { key: 'k'.repeat(100), value: 'v'.repeat(2000) },
      { key: 'n', value: -0.5, epoch: 1_790_000_000.25 },
      { key: 'b', value: false, iso8601: '2026-11-01T10:00:00.123+02:00' },
      { key: 's', value: '' },
    ]);
    assert.equal(reply.status, 204, reply.text);
    assert.equal(f.emulator.events().length, 4);
  });

  it('requires a valid bucket key on events', async () => {
    const missing = await f.request('/api/events', { method: 'POST', headers: { 'X-IS-AccessKey': KEY }, body: JSON.stringify(VALID) });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]), [['bucketKey', 'required']]);
    const colon = await f.postEvents(VALID, { 'X-IS-BucketKey': 'a:b' });
    assert.equal(colon.json.errors[0].rule, 'none of `:` `"` `\'`');
  });

  it('answers 400 for malformed JSON and for an empty array', async () => {
    const malformed = await f.postEvents('[{"key": "k", ');
    assert.equal(malformed.status, 400);
    assert.deepEqual([malformed.json.errors[0].field, malformed.json.errors[0].rule], ['body', 'well-formed JSON']);
    assert.equal(malformed.json.message.error.type, 'INVALID_JSON');
    const empty = await f.postEvents([]);
    assert.equal(empty.status, 400);
    assert.equal(empty.json.errors[0].rule, 'at least one event');
    assert.equal(empty.json.message.error.type, 'NO_EVENTS');
  });

  it('answers 400 for a POST with neither a body nor event URL parameters, and for one with both', async () => {
    const nothing = await f.request(`/api/events?accessKey=${KEY}&bucketKey=b`, { method: 'POST' });
    assert.equal(nothing.status, 400);
    assert.equal(nothing.json.message.error.type, 'NO_EVENTS');
    assert.match(nothing.json.message.error.message, /events as a JSON body or as URL parameters/);
    const both = await f.request(`/api/events?accessKey=${KEY}&bucketKey=b&temperature=1`, { method: 'POST', body: JSON.stringify(VALID) });
    assert.equal(both.status, 400);
    assert.equal(both.json.errors[0].rule, 'events either as a JSON body or as URL parameters, not both');
    assert.deepEqual(f.emulator.events(), []);
  });

  it('answers 400 naming the limit for more than maxEventsPerRequest (default 10) events', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => ({ key: 'n', value: i }));
    assert.equal((await f.postEvents(ten)).status, 204);
    const eleven = await f.postEvents([...ten, VALID]);
    assert.equal(eleven.status, 400);
    assert.equal(eleven.json.errors[0].rule, tooManyRule(10));
    assert.equal(eleven.json.message.error.type, 'TOO_MANY_EVENTS');
    assert.ok(eleven.json.message.error.message.includes('at most 10 events per request'), eleven.json.message.error.message);
    assert.ok(eleven.json.message.error.message.includes('`--max-events 0`'), 'names the flag that lifts it');
    f.emulator.configure({ maxEventsPerRequest: 0 });
    assert.equal((await f.postEvents([...ten, ...ten, VALID])).status, 204, '0 = no limit');
    f.emulator.configure({ maxEventsPerRequest: 10 });
  });

  it('applies the event-count limit to the URL form too, without speaking of a body', async () => {
    const params = new URLSearchParams({ accessKey: KEY, bucketKey: 'b' });
    for (let i = 0; i < 11; i++) params.append(`k${i}`, String(i));
    for (const method of ['GET', 'POST']) {
      const reply = await f.request(`/api/events?${params}`, { method });
      assert.equal(reply.status, 400, method);
      assert.deepEqual([reply.json.errors[0].field, reply.json.errors[0].rule], ['URL parameters', tooManyRule(10)], method);
      assert.ok(!reply.json.message.error.message.includes('body'), reply.json.message.error.message);
    }
  });

  it('isIso8601 takes dates and date-times with offsets, not other date text', () => {
    for (const ok of ['2026-11-24', '2026-11-24T02:36:00Z', '2026-11-24T02:36:00.5+01:00', '2026-11-24T02:36']) assert.ok(isIso8601(ok), ok);
    for (const bad of ['24/11/2026', 'yesterday', '2026-11-24T25:00:00Z', '']) assert.ok(!isIso8601(bad), bad);
  });
});

describe('emulator: body size (413)', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.close());

  it('answers 413 for a body over 1 MB without storing anything', async () => {
    const big = JSON.stringify([{ key: 'k', value: 'x'.repeat(1_000_001) }]);
    const reply = await f.postEvents(big);
    assert.equal(reply.status, 413);
    assert.match(reply.json.message, /1000000 bytes/);
    assert.deepEqual(f.emulator.events(), []);
  });

  it('answers 413 for a chunked body that passes 1 MB', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(300_000));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const init = { method: 'POST', headers: { 'X-IS-AccessKey': KEY, 'X-IS-BucketKey': 'b' }, body, duplex: 'half' } as RequestInit;
    const reply = await f.request('/api/events', init);
    assert.equal(reply.status, 413);
  });

  it('answers 413 on the bucket route too', async () => {
    const reply = await f.request('/api/buckets', { method: 'POST', headers: { 'X-IS-AccessKey': KEY }, body: 'x'.repeat(1_000_001) });
    assert.equal(reply.status, 413);
    assert.deepEqual(f.emulator.buckets(), []);
  });
});

describe('emulator: epochs and URL values, as properties', () => {
  const rules = { maxEvents: 0, strict: false };

  it('a finite number sent as its decimal text is read as that number; strict takes only the number', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 4e9, noNaN: true }), (epoch) => {
        const text = String(epoch);
        const loose = validateEvents({ key: 'k', value: 1, epoch: text }, rules);
        assert.ok(loose.ok && loose.value[0]!.epoch === Number(text), text);
        assert.equal(validateEvents({ key: 'k', value: 1, epoch: text }, { ...rules, strict: true }).ok, false);
        assert.equal(validateEvents({ key: 'k', value: 1, epoch }, { ...rules, strict: true }).ok, true);
      }),
    );
  });

  it('a URL value makes the round trip when its JSON form is its URL text; other text stays text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()), (sent) => {
        const text = JSON.stringify(sent);
        const [event] = eventsFromQuery(new URLSearchParams([['k', text]]));
        assert.deepEqual(event, { key: 'k', value: JSON.parse(text) });
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const [event] = eventsFromQuery(new URLSearchParams([['k', text]]));
        if (typeof event!.value === 'string') assert.equal(event!.value, text);
        else assert.equal(event!.value, typeof event!.value === 'boolean' ? text === 'true' : Number(text), `${text} was read as its number or boolean`);
      }),
    );
  });
});

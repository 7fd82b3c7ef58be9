import assert from 'node:assert/strict';
import vm from 'node:vm';
import { mapPayload, MAX_EVENTS_PER_MESSAGE, RULES } from '../../../src/mapping';
import type { MapOptions } from '../../../src/mapping';

const ARRIVAL_MS = 1_700_000_000_123;
const EPOCH = ARRIVAL_MS / 1000;

function map(payload: unknown, options: Partial<MapOptions> = {}) {
  return mapPayload(payload, { arrivalMs: ARRIVAL_MS, ...options });
}

describe('mapPayload: single values', () => {
  it('maps a number, a string and a boolean to one event under the key, stamped at arrival', () => {
    assert.deepEqual(map(21.5, { key: 'temp' }), { events: [{ key: 'temp', value: 21.5, epoch: EPOCH }], problems: [], warnings: [], skipped: 0, usedDefaultKey: false });
    assert.deepEqual(map('on', { key: 's' }).events, [{ key: 's', value: 'on', epoch: EPOCH }]);
    assert.deepEqual(map(false, { key: 'b' }).events, [{ key: 'b', value: false, epoch: EPOCH }]);
  });

  it('passes emoji tokens and other strings through unchanged', () => {
    assert.deepEqual(map(':sunny:', { key: 'sky' }).events, [{ key: 'sky', value: ':sunny:', epoch: EPOCH }]);
    assert.deepEqual(map('', { key: 'e' }).events, [{ key: 'e', value: '', epoch: EPOCH }]);
  });

  it('converts a finite number key (topic 5) to a string', () => {
    assert.deepEqual(map(1, { key: 5 }).events, [{ key: '5', value: 1, epoch: EPOCH }]);
  });

  it('reports a missing, empty or non-string key without a default key, saying where a key comes from', () => {
    assert.deepEqual(map(1), {
      events: [],
      problems: [{ key: '', field: 'key', rule: RULES.namedKey, value: 'undefined' }],
      warnings: [],
      skipped: 0,
      usedDefaultKey: false,
    });
    assert.match(RULES.namedKey, /msg\.topic or the node's Key/);
    assert.deepEqual(map(1, { key: '' }).problems, [{ key: '', field: 'key', rule: RULES.namedKey, value: '""' }]);
    assert.deepEqual(map(1, { key: { a: 1 } }).problems, [{ key: '', field: 'key', rule: RULES.namedKey, value: '{"a":1}' }]);
    assert.deepEqual(map(1, { key: NaN }).problems, [{ key: '', field: 'key', rule: RULES.namedKey, value: 'NaN' }]);
  });

  it('names a bare value by the default key when the key is undefined, null or empty, and says so', () => {
    for (const key of [undefined, null, '']) {
      for (const payload of [1_700_000_000_000, 'on', { lat: 1, lon: 2 }]) {
        const result = map(payload, { key, defaultKey: 'value' });
        assert.deepEqual(result.events.map((e) => e.key), ['value'], `${String(key)} / ${String(payload)}`);
        assert.equal(result.usedDefaultKey, true);
      }
      assert.deepEqual(map(1, { key, defaultKey: 'value', msgTimestamp: 5 }).events.map((e) => e.key), ['value'], 'slow path too');
    }
    assert.equal(map(1, { key: 't', defaultKey: 'value' }).usedDefaultKey, false);
    assert.deepEqual(map(1, { key: { a: 1 }, defaultKey: 'value' }).problems.map((p) => p.rule), [RULES.namedKey], 'a wrong key is not blank');
    assert.deepEqual(map({ a: 1 }, { defaultKey: 'value' }).events.map((e) => e.key), ['a'], 'objects name their own leaves');
    assert.deepEqual(map([1], { defaultKey: 'value' }).events.map((e) => e.key), ['0'], 'arrays too');
  });

  it('reports a key longer than 100 characters, and takes one of exactly 100', () => {
    const long = 'k'.repeat(101);
    assert.deepEqual(map(1, { key: long }).problems, [{ key: long, field: 'key', rule: RULES.keyLength, value: `"${'k'.repeat(45)}…" (101 chars)` }]);
    assert.equal(map(1, { key: 'k'.repeat(100) }).events.length, 1);
  });

  it('reports NaN, Infinity, functions, symbols and bigints as values, and null and undefined with nullValues: error', () => {
    const cases: [unknown, string, string][] = [
      [NaN, RULES.valueFinite, 'NaN'],
      [Infinity, RULES.valueFinite, 'Infinity'],
      [-Infinity, RULES.valueFinite, '-Infinity'],
      [null, RULES.valueType, 'null'],
      [undefined, RULES.valueType, 'undefined'],
      [function named() {}, RULES.valueType, '[Function named]'],
      [Symbol('s'), RULES.valueType, 'Symbol(s)'],
      [10n, RULES.valueType, '10n'],
    ];
    for (const [payload, rule, value] of cases) {
      const expected = { events: [], problems: [{ key: 'k', field: 'value', rule, value }], warnings: [], skipped: 0, usedDefaultKey: false };
      assert.deepEqual(map(payload, { key: 'k', nullValues: 'error' }), expected, value);
    }
  });

  it('skips a bare null or undefined payload by default, counting it, with no problem', () => {
    for (const payload of [null, undefined]) {
      assert.deepEqual(map(payload, { key: 'k' }), { events: [], problems: [], warnings: [], skipped: 1, usedDefaultKey: false });
      assert.deepEqual(map(payload).skipped, 1, 'even without a key');
    }
  });

  it('takes a string of 2000 characters and refuses one of 2001', () => {
    assert.equal(map('v'.repeat(2000), { key: 'k' }).events.length, 1);
    const { problems } = map('v'.repeat(2001), { key: 'k' });
    assert.deepEqual(problems.map((p) => [p.field, p.rule, p.value.endsWith('(2001 chars)')]), [['value', RULES.valueLength, true]]);
  });

  it('refuses Buffers and typed arrays as binary data', () => {
    assert.deepEqual(map(Buffer.from('abc'), { key: 'b' }).problems, [{ key: 'b', field: 'value', rule: RULES.valueType, value: '<Buffer 3 bytes>' }]);
    assert.deepEqual(map(new Float64Array(2), { key: 'f' }).problems, [{ key: 'f', field: 'value', rule: RULES.valueType, value: '<Float64Array 16 bytes>' }]);
  });

  it('sends a Date as its ISO string and refuses an invalid Date', () => {
    assert.deepEqual(map(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), { key: 'd' }).events, [{ key: 'd', value: '2024-01-02T03:04:05.006Z', epoch: EPOCH }]);
    assert.deepEqual(map(new Date(NaN), { key: 'd' }).problems, [{ key: 'd', field: 'value', rule: RULES.valueDate, value: 'Invalid Date' }]);
  });

  it('sends a Date from another realm (a Function node sandbox) as its ISO string', () => {
    const foreign: unknown = vm.runInNewContext('new Date(Date.UTC(2020, 5, 1))');
    assert.deepEqual(map(foreign, { key: 'd' }).events, [{ key: 'd', value: '2020-06-01T00:00:00.000Z', epoch: EPOCH }]);
  });

  it('maps a top-level {lat, lon} to one "lat,lon" event under the key', () => {
    assert.deepEqual(map({ lat: 51.5, lon: -0.12 }, { key: 'pos' }).events, [{ key: 'pos', value: '51.5,-0.12', epoch: EPOCH }]);
    assert.deepEqual(map({ longitude: 2, latitude: '1.5' }, { key: 'pos' }).events, [{ key: 'pos', value: '1.5,2', epoch: EPOCH }]);
    assert.deepEqual(map({ lat: 91, lng: 0 }, { key: 'pos' }).problems, [{ key: 'pos', field: 'value', rule: RULES.location, value: '{"lat":91,"lng":0}' }]);
  });

  it('reports an object that is neither plain nor an array (Map, class instance) as a value', () => {
    class Reading {
      temp = 1;
    }
    assert.deepEqual(map(new Map([[1, 2]]), { key: 'm' }).problems, [{ key: 'm', field: 'value', rule: RULES.valueType, value: 'Map(1)' }]);
    assert.deepEqual(map(new Reading(), { key: 'r' }).problems, [{ key: 'r', field: 'value', rule: RULES.valueType, value: 'Reading {"temp":1}' }]);
  });
});

describe('mapPayload: objects and arrays', () => {
  it('gives one event per leaf, keys joined with _ (and after the prefix)', () => {
    assert.deepEqual(map({ room: { temp: 21 } }).events, [{ key: 'room_temp', value: 21, epoch: EPOCH }]);
    assert.deepEqual(map({ room: { temp: 21 } }, { keyPrefix: 'home' }).events, [{ key: 'home_room_temp', value: 21, epoch: EPOCH }]);
    assert.deepEqual(
      map({ a: 1, b: { c: 'x', d: [true, 2] } }, { separator: '.' }).events.map((e) => [e.key, e.value]),
      [['a', 1], ['b.c', 'x'], ['b.d.0', true], ['b.d.1', 2]],
    );
  });

  it('ignores the key option for an object payload', () => {
    assert.deepEqual(map({ t: 1 }, { key: 'topic' }).events.map((e) => e.key), ['t']);
  });

  it('names a top-level array of plain values after the key (and prefix)', () => {
    assert.deepEqual(map([1, 2], { key: 't' }).events.map((e) => [e.key, e.value]), [['t_0', 1], ['t_1', 2]]);
    assert.deepEqual(map([1], { key: 't', keyPrefix: 'home' }).events.map((e) => e.key), ['home_t_0']);
    assert.deepEqual(map([1, 2]).events.map((e) => e.key), ['0', '1']);
    assert.deepEqual(map([{ a: 1 }], { key: 't' }).events.map((e) => e.key), ['t_0_a']);
  });

  it('maps a {lat, lon} object at any level to one "lat,lon" event', () => {
    assert.deepEqual(map({ truck: { pos: { lat: 1, lng: 2 }, speed: 3 } }).events.map((e) => [e.key, e.value]), [
      ['truck_pos', '1,2'],
      ['truck_speed', 3],
    ]);
  });

  it('treats an object with lat, lon and more as an ordinary object', () => {
    assert.deepEqual(map({ lat: 1, lon: 2, alt: 3 }).events.map((e) => e.key), ['lat', 'lon', 'alt']);
  });

  it('sends nested Dates as ISO strings', () => {
    assert.deepEqual(map({ at: new Date(0) }).events, [{ key: 'at', value: '1970-01-01T00:00:00.000Z', epoch: EPOCH }]);
  });

  it('returns the valid leaves and one problem per invalid leaf, skipping null and undefined ones', () => {
    const payload = { ok: 1, bad: NaN, none: null, nothing: undefined, s: 'x'.repeat(2001) };
    const result = map(payload);
    assert.deepEqual(result.events.map((e) => e.key), ['ok']);
    assert.deepEqual(result.problems.map((p) => [p.key, p.field, p.rule]), [
      ['bad', 'value', RULES.valueFinite],
      ['s', 'value', RULES.valueLength],
    ]);
    assert.equal(result.skipped, 2);
  });

  it('reports null and undefined leaves as problems with nullValues: error', () => {
    const result = map({ ok: 1, none: null, nothing: undefined }, { nullValues: 'error' });
    assert.deepEqual(result.events.map((e) => e.key), ['ok']);
    assert.deepEqual(result.problems.map((p) => [p.key, p.field, p.rule, p.value]), [
      ['none', 'value', RULES.valueType, 'null'],
      ['nothing', 'value', RULES.valueType, 'undefined'],
    ]);
    assert.equal(result.skipped, 0);
  });

  it('gives no problem for an object whose leaves are all null: they are counted as skipped', () => {
    assert.deepEqual(map({ a: null, b: { c: undefined } }), { events: [], problems: [], warnings: [], skipped: 2, usedDefaultKey: false });
    assert.deepEqual(map([{ key: 'k', value: null }]).skipped, 1, 'an event with a null value too');
  });

  it('reports a flattened key longer than 100 characters', () => {
    const { events, problems } = map({ ['x'.repeat(60)]: { ['y'.repeat(40)]: 1, z: 2 } });
    assert.deepEqual(events.map((e) => e.key), [`${'x'.repeat(60)}_z`]);
    assert.deepEqual(problems.map((p) => [p.key.length, p.field, p.rule]), [[101, 'key', RULES.keyLength]]);
  });

  it('refuses a key that another leaf already produced', () => {
    const { events, problems } = map({ a_b: 1, a: { b: 2 } });
    assert.deepEqual(events.map((e) => [e.key, e.value]), [['a_b', 1]]);
    assert.deepEqual(problems, [{ key: 'a_b', field: 'key', rule: RULES.keyUnique, value: '"a_b"' }]);
  });

  it('reports an empty top-level key', () => {
    assert.deepEqual(map({ '': 1 }).problems, [{ key: '', field: 'key', rule: RULES.keyEmpty, value: '""' }]);
  });

  it('reports a payload that gives nothing at all, never silent', () => {
    for (const payload of [{}, [], { a: {} }, Object.create(null)]) {
      assert.deepEqual(map(payload, { key: 'k' }).problems.map((p) => [p.key, p.field, p.rule]), [['', 'payload', RULES.empty]]);
    }
  });

  it('maps objects with a null prototype', () => {
    const o = Object.assign(Object.create(null) as object, { a: 1 });
    assert.deepEqual(map(o).events.map((e) => e.key), ['a']);
  });

  it('maps plain objects from another realm', () => {
    const foreign: unknown = vm.runInNewContext('({ a: { b: 1 } })');
    assert.deepEqual(map(foreign).events.map((e) => e.key), ['a_b']);
  });

  it('skips sparse array holes as undefined values, or reports them with nullValues: error', () => {
    assert.equal(map([1, , 3], { key: 't' }).skipped, 1);
    assert.deepEqual(map([1, , 3], { key: 't', nullValues: 'error' }).problems.map((p) => [p.key, p.value]), [['t_1', 'undefined']]);
  });
});

describe('mapPayload: hostile and huge input', () => {
  it('reports a circular reference once and keeps the other leaves', () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    o.list = [o];
    const { events, problems } = map(o);
    assert.deepEqual(events.map((e) => e.key), ['a']);
    assert.deepEqual(problems.map((p) => [p.key, p.rule, p.value]), [
      ['self', RULES.circular, '{"a":1,"self":[Circular],"list":[[Circular]]}'],
      ['list_0', RULES.circular, '{"a":1,"self":[Circular],"list":[[Circular]]}'],
    ]);
  });

  it('maps an object shared by two branches twice: sharing is not a cycle', () => {
    const shared = { v: 1 };
    assert.deepEqual(map({ a: shared, b: shared }).events.map((e) => e.key), ['a_v', 'b_v']);
  });

  it('stops at 32 levels of nesting with a problem naming the path', () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 100; i++) node = (node.n = {}) as Record<string, unknown>;
    node.v = 1;
    const { events, problems } = map({ ...root, ok: 1 });
    assert.deepEqual(events.map((e) => e.key), ['ok']);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].rule, RULES.depth);
    assert.equal(problems[0].key, Array(32).fill('n').join('_'));
  });

  it('reports a throwing getter and keeps its siblings', () => {
    const o = {
      get x(): number {
        throw new Error('boom');
      },
      y: 2,
    };
    const { events, problems } = map(o);
    assert.deepEqual(events.map((e) => e.key), ['y']);
    assert.deepEqual(problems, [{ key: 'x', field: 'value', rule: RULES.readable, value: 'Error: boom' }]);
  });

  it('reports Proxies whose traps throw, and revoked Proxies, without throwing', () => {
    const throwing = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });
    assert.deepEqual(map({ p: throwing, q: 1 }).problems.map((p) => [p.key, p.rule]), [['p', RULES.listable]]);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    assert.deepEqual(map(proxy).problems.map((p) => [p.key, p.field, p.rule]), [['', 'payload', RULES.readable]]);
    assert.deepEqual(map({ r: proxy, q: 1 }).events.map((e) => e.key), ['q']);
  });

  it('caps a message at 10 000 leaves with one problem for the rest', () => {
    const { events, problems } = map(new Array(MAX_EVENTS_PER_MESSAGE + 5000).fill(1), { key: 'big' });
    assert.equal(events.length, MAX_EVENTS_PER_MESSAGE);
    assert.deepEqual(problems, [{ key: `big_${MAX_EVENTS_PER_MESSAGE}`, field: 'payload', rule: RULES.tooMany, value: '1' }]);
  });

  it('counts invalid leaves towards the cap', () => {
    const { events, problems } = map(new Array(MAX_EVENTS_PER_MESSAGE + 1).fill(null), { key: 'n', nullValues: 'error' });
    assert.equal(events.length, 0);
    assert.equal(problems.length, MAX_EVENTS_PER_MESSAGE + 1);
    assert.equal(problems[MAX_EVENTS_PER_MESSAGE].rule, RULES.tooMany);
  });

  it('counts skipped leaves towards the cap', () => {
    const { events, problems, skipped } = map([...new Array(MAX_EVENTS_PER_MESSAGE).fill(null), 1], { key: 'n' });
    assert.equal(events.length, 0);
    assert.equal(skipped, MAX_EVENTS_PER_MESSAGE);
    assert.deepEqual(problems.map((p) => [p.key, p.rule]), [[`n_${MAX_EVENTS_PER_MESSAGE}`, RULES.tooMany]]);
  });

  it('stops early on a huge sparse array', () => {
    const { problems, skipped } = map(new Array(1e9), { key: 'h' });
    assert.equal(skipped, MAX_EVENTS_PER_MESSAGE);
    assert.equal(problems.length, 1);
    assert.equal(map(new Array(1e9), { key: 'h', nullValues: 'error' }).problems.length, MAX_EVENTS_PER_MESSAGE + 1);
  });
});

describe('mapPayload: event-shaped payloads', () => {
  it('sends an event object exactly, stamped at arrival', () => {
    assert.deepEqual(map({ key: 'k', value: 1 }, { key: 'ignored', keyPrefix: 'p' }).events, [{ key: 'k', value: 1, epoch: EPOCH }]);
  });

  it('sends an array of events exactly, repeated keys allowed (a time series)', () => {
    const events = map([
      { key: 'temperature', value: '1', epoch: 1419876021.778477 },
      { key: 'temperature', value: '2', epoch: 1419876022.778477 },
    ], { arrivalMs: Date.UTC(2020, 0, 1) }).events;
    assert.deepEqual(events, [
      { key: 'temperature', value: '1', epoch: 1419876021.778477 },
      { key: 'temperature', value: '2', epoch: 1419876022.778477 },
    ]);
  });

  it('converts iso8601 and timestamp fields to epoch, keeping sub-millisecond fractions', () => {
    assert.deepEqual(map({ key: 'a', value: 1, iso8601: '2024-01-01T00:00:00.123456Z' }).events, [{ key: 'a', value: 1, epoch: 1704067200.123456 }]);
    assert.deepEqual(map({ key: 'a', value: 1, timestamp: 1704067200123 }).events, [{ key: 'a', value: 1, epoch: 1704067200.123 }]);
  });

  it('takes epoch over iso8601 over timestamp, as the service does', () => {
    assert.equal(map({ key: 'a', value: 1, epoch: 1700000000, iso8601: 'bad', timestamp: 'bad' }).events[0].epoch, 1700000000);
    assert.equal(map({ key: 'a', value: 1, iso8601: '2024-01-01T00:00:00Z', timestamp: 5 }).events[0].epoch, 1704067200);
  });

  it('reports an unparseable time under the field that gave it', () => {
    for (const field of ['epoch', 'iso8601', 'timestamp'] as const) {
      assert.deepEqual(map({ key: 'a', value: 1, [field]: 'soon' }).problems, [{ key: 'a', field, rule: RULES.timestamp, value: '"soon"' }]);
    }
  });

  it('reports an invalid key or value of an event', () => {
    assert.deepEqual(map({ key: null, value: 1 }).problems, [{ key: '', field: 'key', rule: RULES.keyType, value: 'null' }]);
    assert.deepEqual(map({ key: 'k', value: { x: 1 } }).problems, [{ key: 'k', field: 'value', rule: RULES.valueType, value: '{"x":1}' }]);
    assert.deepEqual(map({ key: 7, value: 1 }).events.map((e) => e.key), ['7']);
  });

  it('maps an event whose value is a location', () => {
    assert.deepEqual(map({ key: 'pos', value: { lat: 1, lon: 2 } }).events.map((e) => e.value), ['1,2']);
  });

  it('reports items of an event list that are not events, and sends the rest', () => {
    const { events, problems } = map([{ key: 'a', value: 1 }, 5, { key: 'b', value: 2, extra: 1 }]);
    assert.deepEqual(events.map((e) => e.key), ['a']);
    assert.deepEqual(problems.map((p) => [p.key, p.field, p.rule]), [
      ['[1]', 'payload', RULES.eventList],
      ['[2]', 'payload', RULES.eventList],
    ]);
  });

  it('flattens an object with other keys besides key and value', () => {
    assert.deepEqual(map({ key: 'a', value: 1, unit: 'C' }).events.map((e) => e.key), ['key', 'value', 'unit']);
  });

  it('keeps an event’s own time with timestamp: server', () => {
    assert.deepEqual(map([{ key: 'a', value: 1, epoch: 1700000000.5 }, { key: 'b', value: 2 }], { timestamp: 'server' }).events, [
      { key: 'a', value: 1, epoch: 1700000000.5 },
      { key: 'b', value: 2 },
    ]);
  });
});

describe('mapPayload: message times', () => {
  it('stamps with msg.timestamp in ms, s, ISO string or Date, before the arrival time', () => {
    const cases: [unknown, number][] = [
      [1_690_000_000_250, 1_690_000_000.25],
      [1_690_000_000.000125, 1_690_000_000.000125],
      ['2023-07-22T04:26:40.000125Z', 1_690_000_000.000125],
      [new Date(1_690_000_000_250), 1_690_000_000.25],
    ];
    for (const [msgTimestamp, epoch] of cases) {
      assert.deepEqual(map(1, { key: 'k', msgTimestamp }).events, [{ key: 'k', value: 1, epoch }], String(msgTimestamp));
      assert.equal(map({ a: 1 }, { msgTimestamp }).events[0].epoch, epoch);
    }
  });

  it('treats a null msg.timestamp as absent', () => {
    assert.equal(map(1, { key: 'k', msgTimestamp: null }).events[0].epoch, EPOCH);
  });

  it('reports a bad msg.timestamp once per event that needed it, and sends none of those', () => {
    const { events, problems } = map({ a: 1, b: 2 }, { msgTimestamp: 'yesterday' });
    assert.deepEqual(events, []);
    assert.deepEqual(problems, [
      { key: 'a', field: 'timestamp', rule: RULES.timestamp, value: '"yesterday"' },
      { key: 'b', field: 'timestamp', rule: RULES.timestamp, value: '"yesterday"' },
    ]);
    assert.equal(map([{ key: 'e', value: 1, epoch: 1_690_000_000 }], { msgTimestamp: 'yesterday' }).events.length, 1);
  });

  it('warns about a time 10 or more years old and still sends the event', () => {
    const tenYearsAgo = new Date(ARRIVAL_MS);
    tenYearsAgo.setUTCFullYear(tenYearsAgo.getUTCFullYear() - 10);
    const result = map(1, { key: 'k', msgTimestamp: tenYearsAgo });
    assert.equal(result.events.length, 1);
    assert.deepEqual(result.warnings.map((w) => [w.key, w.field, w.rule]), [['k', 'timestamp', RULES.recent]]);
    const justInside = map(1, { key: 'k', msgTimestamp: tenYearsAgo.getTime() + 1 });
    assert.deepEqual(justInside.warnings, []);
    assert.deepEqual(map({ key: 'k', value: 1, epoch: 0 }).warnings.map((w) => [w.field, w.value]), [['epoch', '0']]);
  });

  it('sets no epoch with timestamp: server, ignoring msg.timestamp', () => {
    assert.deepEqual(map(1, { key: 'k', timestamp: 'server' }).events, [{ key: 'k', value: 1 }]);
    assert.deepEqual(map({ a: 1 }, { timestamp: 'server', msgTimestamp: 'bad' }), { events: [{ key: 'a', value: 1 }], problems: [], warnings: [], skipped: 0, usedDefaultKey: false });
  });
});

describe('mapPayload: options', () => {
  it('throws a TypeError naming a malformed option, its rule and its value', () => {
    assert.throws(() => mapPayload(1, { arrivalMs: Number.NaN }), {
      name: 'TypeError',
      message: 'Expected `arrivalMs` to be a finite number (ms since 1970), got NaN (number)',
    });
    assert.throws(() => mapPayload(1, { arrivalMs: 1, timestamp: 'local' as 'server' }), {
      message: "Expected `timestamp` to be 'message' or 'server', got \"local\" (string)",
    });
    assert.throws(() => mapPayload(1, { arrivalMs: 1, separator: 1 as unknown as string }), { message: 'Expected `separator` to be a string, got 1 (number)' });
    assert.throws(() => mapPayload(1, { arrivalMs: 1, keyPrefix: null as unknown as string }), { message: 'Expected `keyPrefix` to be a string, got null (object)' });
    assert.throws(() => mapPayload(1, null as unknown as MapOptions), { message: 'Expected `options` to be an object, got null (object)' });
    assert.throws(() => mapPayload(1, { arrivalMs: 1, nullValues: 'drop' as 'skip' }), { message: "Expected `nullValues` to be 'skip' or 'error', got \"drop\" (string)" });
    assert.throws(() => mapPayload(1, { arrivalMs: 1, defaultKey: 5 as unknown as string }), { message: 'Expected `defaultKey` to be a string, got 5 (number)' });
  });
});

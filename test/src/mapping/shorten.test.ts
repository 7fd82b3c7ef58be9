import assert from 'node:assert/strict';
import { shorten } from '../../../src/mapping';

describe('shorten', () => {
  it('quotes short strings whole and cuts long ones, giving their length', () => {
    assert.equal(shorten('abc'), '"abc"');
    const cut = shorten('x'.repeat(140));
    assert.equal(cut, `"${'x'.repeat(45)}…" (140 chars)`);
    assert.equal(cut.length, 60);
  });

  it('escapes control characters and never cuts inside an escape or a surrogate pair', () => {
    assert.equal(shorten('a\nb'), '"a\\nb"');
    const nl = shorten('\n'.repeat(100), 20);
    assert.match(nl, /^"(\\n)+…" \(100 chars\)$/);
    const emoji = shorten('😀'.repeat(100), 20);
    assert.match(emoji, /^"(😀)+…" \(200 chars\)$/u); // length in UTF-16 units, as JavaScript counts
  });

  it('renders numbers, bigints, symbols, functions, null and undefined', () => {
    assert.deepEqual(
      [NaN, -0, 1.5, -Infinity, 10n, Symbol('s'), function f() {}, () => 1, null, undefined].map((v) => shorten(v)),
      ['NaN', '-0', '1.5', '-Infinity', '10n', 'Symbol(s)', '[Function f]', '[Function]', 'null', 'undefined'],
    );
  });

  it('renders Dates, Buffers, typed arrays, errors, Maps and Sets by kind', () => {
    assert.deepEqual(
      [new Date(0), new Date(NaN), Buffer.alloc(4), new Uint16Array(3), new ArrayBuffer(2), new RangeError('r'), new Map(), new Set([1])].map((v) => shorten(v)),
      ['1970-01-01T00:00:00.000Z', 'Invalid Date', '<Buffer 4 bytes>', '<Uint16Array 6 bytes>', '<ArrayBuffer 2 bytes>', 'RangeError: r', 'Map(0)', 'Set(1)'],
    );
  });

  it('renders objects JSON-like, marks cycles and limits depth', () => {
    const o: Record<string, unknown> = { a: [1, 'b'] };
    o.me = o;
    assert.equal(shorten(o), '{"a":[1,"b"],"me":[Circular]}');
    assert.equal(shorten({ a: { b: { c: { d: 1 } } } }), '{"a":{"b":{"c":{…}}}}');
    assert.equal(shorten(Object.create(null)), '{}');
  });

  it('stays within max for huge arrays and objects', () => {
    const arr = shorten(new Array(1e6).fill(7));
    assert.equal(arr.length, 60);
    assert.ok(arr.endsWith('…'));
    const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    assert.equal(shorten(wide, 30).length, 30);
  });

  it('never throws for throwing getters or Proxies', () => {
    const getter = { ok: 1, get bad(): number { throw new Error('boom'); } };
    assert.equal(shorten(getter), '{"ok":1,"bad":…');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    assert.equal(typeof shorten(proxy), 'string');
  });

  it('throws a TypeError for a max out of range', () => {
    assert.throws(() => shorten('x', 5), { name: 'TypeError', message: 'Expected `max` to be an integer from 10 to 1000000, got 5 (number)' });
    assert.throws(() => shorten('x', 10.5), /got 10.5 \(number\)/);
  });
});

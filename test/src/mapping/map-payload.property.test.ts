import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeProblems, mapPayload } from '../../../src/mapping';
import type { MapResult } from '../../../src/mapping';

// Fixed seeds: the runs are the same every time.
const RUN = { numRuns: 5000, seed: 20240601 };
const ARRIVAL_MS = 1_700_000_000_000;
const OPTIONS = { arrivalMs: ARRIVAL_MS };

/** The Events API contract, written from the spec, independently of the mapping's validator. */
function assertContract(result: MapResult): void {
  for (const e of result.events) {
    assert.deepEqual(Object.keys(e).filter((k) => !['key', 'value', 'epoch'].includes(k)), [], 'only key, value, epoch');
    assert.equal(typeof e.key, 'string');
    assert.ok(e.key.length >= 1 && e.key.length <= 100, `key length ${e.key.length}`);
    const v: unknown = e.value;
    assert.ok(
      (typeof v === 'string' && v.length <= 2000) || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean',
      `value ${String(v)}`,
    );
    if ('epoch' in e) assert.ok(typeof e.epoch === 'number' && Number.isFinite(e.epoch), `epoch ${e.epoch}`);
  }
  for (const p of [...result.problems, ...result.warnings]) {
    assert.equal(typeof p.key, 'string');
    assert.ok(p.value.length <= 60, `problem value of ${p.value.length} chars`);
    assert.ok(p.rule.length > 0);
  }
}

/** Whether a leaf is a valid event value, per the contract (a Date and a {lat, lon} included). */
function validLeaf(v: unknown): boolean {
  if (typeof v === 'string') return v.length <= 2000;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'boolean') return true;
  if (v instanceof Date) return !Number.isNaN(v.getTime());
  if (isLocation(v)) return Math.abs(v.lat) <= 90 && Math.abs(v.lon) <= 180;
  return false;
}

function isLocation(v: unknown): v is { lat: number; lon: number } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).sort().join() === 'lat,lon';
}

/** Arrays, and objects with the Object or null prototype (fc.dictionary makes the latter) that are not locations. */
function isContainer(v: unknown): v is object {
  if (Array.isArray(v)) return true;
  if (typeof v !== 'object' || v === null || isLocation(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

/** A copy of the containers of a generated tree (leaves shared), so a property may mutate it. */
function cloneTree(v: unknown): unknown {
  if (!isContainer(v)) return v;
  if (Array.isArray(v)) return v.map(cloneTree);
  return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, cloneTree(c)]));
}

/** Every leaf of a generated tree with its path key (no cycles here). */
function leavesOf(v: unknown, key: string | undefined, out: { key: string; value: unknown }[] = []): typeof out {
  if (!isContainer(v)) {
    out.push({ key: key ?? '', value: v });
    return out;
  }
  for (const [name, child] of Object.entries(v)) leavesOf(child, key === undefined ? name : `${key}_${name}`, out);
  return out;
}

const leaf = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.integer({ min: 1995, max: 2005 }).map((n) => 's'.repeat(n)),
  fc.boolean(),
  fc.constantFrom(null, undefined, () => 1, Symbol('s'), 5n, Buffer.from('b'), new Uint8Array(2), new Map()),
  fc.date({ noInvalidDate: false }),
  fc.record({ lat: fc.double({ min: -100, max: 100, noNaN: true }), lon: fc.double({ min: -200, max: 200, noNaN: true }) }),
);
const nullValues = fc.constantFrom<'skip' | 'error' | undefined>('skip', 'error', undefined);
// Upper-case names cannot spell `key`/`value` or `lat`/`lon`, and without `_` paths cannot collide.
const name = fc.stringMatching(/^[A-Z0-9]{1,12}$/);
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array')),
  object: fc.dictionary(name, tie('node'), { maxKeys: 6 }),
  array: fc.array(tie('node'), { maxLength: 6 }),
})).object;

describe('mapPayload properties', () => {
  it('never throws, for anything, and every event it returns satisfies the contract', () => {
    const anything = fc.anything({
      maxDepth: 4,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withObjectString: true,
      withNullPrototype: true,
      withBigInt: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
    });
    fc.assert(
      fc.property(anything, fc.option(fc.oneof(fc.string(), fc.integer())), fc.option(anything), fc.constantFrom<'message' | 'server'>('message', 'server'), nullValues, fc.option(fc.string(), { nil: undefined }), (payload, key, msgTimestamp, timestamp, nulls, defaultKey) => {
        const result = mapPayload(payload, { ...OPTIONS, key, msgTimestamp, timestamp, nullValues: nulls, defaultKey });
        assertContract(result);
        assert.ok(result.events.length + result.problems.length + result.skipped > 0, 'never silent');
        if (nulls === 'error') assert.equal(result.skipped, 0);
      }),
      RUN,
    );
  });

  it('gives one event per valid leaf, one problem per invalid leaf and skips each null or undefined leaf of a nested object', () => {
    fc.assert(
      fc.property(tree, nullValues, (payload, nulls) => {
        const leaves = leavesOf(payload, undefined);
        const result = mapPayload(payload, { ...OPTIONS, nullValues: nulls });
        assertContract(result);
        const skipping = nulls !== 'error';
        const skipped = leaves.filter((l) => skipping && l.value == null);
        const rest = leaves.filter((l) => !(skipping && l.value == null));
        const valid = rest.filter((l) => l.key.length <= 100 && validLeaf(l.value)).map((l) => l.key);
        const invalid = rest.filter((l) => !(l.key.length <= 100 && validLeaf(l.value))).map((l) => l.key);
        assert.deepEqual(result.events.map((e) => e.key), valid);
        assert.equal(result.skipped, skipped.length);
        if (leaves.length === 0) assert.deepEqual(result.problems.map((p) => p.field), ['payload']);
        else assert.deepEqual(result.problems.map((p) => p.key), invalid);
        assert.ok(result.events.every((e) => e.epoch === ARRIVAL_MS / 1000));
      }),
      RUN,
    );
  });

  it('names every bare value by the default key when the key is blank, and by the key otherwise', () => {
    const blank = fc.constantFrom(undefined, null, '');
    const bare = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 50 }), fc.boolean());
    const defaultKey = fc.stringMatching(/^[a-z]{1,20}$/);
    fc.assert(
      fc.property(bare, fc.option(defaultKey, { nil: undefined }), fc.oneof(blank, defaultKey), (payload, fallback, key) => {
        const result = mapPayload(payload, { ...OPTIONS, key, defaultKey: fallback });
        const isBlank = key === undefined || key === null || key === '';
        if (isBlank && fallback === undefined) {
          assert.deepEqual(result.problems.map((p) => p.field), ['key']);
          return;
        }
        assert.deepEqual(result.events.map((e) => e.key), [isBlank ? fallback : key]);
        assert.equal(result.usedDefaultKey, isBlank);
      }),
      RUN,
    );
  });

  it('gives n events for a valid flat object of n leaves', () => {
    const flat = fc.dictionary(name, fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 50 }), fc.boolean()), { minKeys: 1, maxKeys: 30 });
    fc.assert(
      fc.property(flat, fc.string({ maxLength: 10 }), (payload, keyPrefix) => {
        const result = mapPayload(payload, { ...OPTIONS, keyPrefix });
        assert.equal(result.events.length, Object.keys(payload).length);
        assert.deepEqual(result.problems, []);
        const prefix = keyPrefix === '' ? '' : `${keyPrefix}_`;
        assert.deepEqual(result.events.map((e) => [e.key, e.value]), Object.entries(payload).map(([k, v]) => [prefix + k, v]));
      }),
      RUN,
    );
  });

  it('keeps keys unique in a message even when paths collide, and covers every leaf', () => {
    const colliding = fc.stringMatching(/^[ab_]{1,3}$/);
    const nested = fc.dictionary(colliding, fc.oneof(fc.integer(), fc.dictionary(colliding, fc.integer(), { maxKeys: 4 })), { maxKeys: 6 });
    fc.assert(
      fc.property(nested, (payload) => {
        const result = mapPayload(payload, OPTIONS);
        const keys = result.events.map((e) => e.key);
        assert.equal(new Set(keys).size, keys.length, `duplicate key in ${keys.join()}`);
        const leaves = leavesOf(payload, undefined).length;
        assert.equal(result.events.length + result.problems.length, Math.max(leaves, 1));
      }),
      RUN,
    );
  });

  it('sends each valid item of an event list and reports each invalid one once', () => {
    const key = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: 100, max: 140 }).map((n) => 'k'.repeat(n)), fc.integer(), fc.constant(null));
    const time = fc.oneof(fc.constant(undefined), fc.double({ min: 1.6e9, max: 1.8e9, noNaN: true }), fc.constant('soon'), fc.date({ min: new Date(1.6e12), max: new Date(1.8e12), noInvalidDate: true }));
    const item = fc.record({ key, value: leaf, epoch: time }).map(({ epoch, ...rest }) => (epoch === undefined ? rest : { ...rest, epoch }));
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 20 }), (list) => {
        const result = mapPayload(list, OPTIONS);
        assertContract(result);
        const good = list.filter((e) => {
          const k = typeof e.key === 'number' ? String(e.key) : e.key;
          const timeOk = !('epoch' in e) || e.epoch !== 'soon';
          return typeof k === 'string' && k.length >= 1 && k.length <= 100 && validLeaf(e.value) && timeOk;
        });
        // A null or undefined value is skipped whatever its key or time, once the key is a string or number.
        const skipped = list.filter((e) => (typeof e.key === 'string' || typeof e.key === 'number') && e.value == null);
        assert.equal(result.events.length, good.length);
        assert.equal(result.skipped, skipped.length);
        assert.equal(result.events.length + result.problems.length + result.skipped, list.length);
        assert.deepEqual(result.events.map((e) => e.key), good.map((e) => String(e.key)));
      }),
      RUN,
    );
  });

  it('describeProblems names the key and field of every listed problem and counts the rest', () => {
    fc.assert(
      fc.property(tree, (payload) => {
        const { problems } = mapPayload(payload, OPTIONS);
        const text = describeProblems(problems);
        if (problems.length === 0) return assert.equal(text, '');
        assert.ok(text.startsWith(`${problems.length} invalid event`), text);
        for (const p of problems.slice(0, 5)) {
          if (p.key !== '') assert.ok(text.includes(JSON.stringify(p.key).slice(0, 20)), `key ${p.key} in ${text}`);
          assert.ok(text.includes(`${p.field} must be ${p.rule}`), `field ${p.field} in ${text}`);
        }
        if (problems.length > 5) assert.ok(text.endsWith(`; and ${problems.length - 5} more`));
      }),
      RUN,
    );
  });

  it('terminates on circular objects, reporting each back-reference once', () => {
    fc.assert(
      fc.property(tree, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }), (generated, links) => {
        // fast-check reuses generated values while shrinking: add the cycles to a copy.
        const payload = cloneTree(generated);
        // Containers with their ancestors (themselves included), in walk order.
        const chains: object[][] = [];
        const collect = (v: unknown, up: object[]): void => {
          if (!isContainer(v)) return;
          chains.push([...up, v]);
          for (const child of Object.values(v)) collect(child, [...up, v]);
        };
        collect(payload, []);
        const leaves = leavesOf(payload, undefined).length;
        let cycles = 0;
        for (const [from, to] of links) {
          const chain = chains[from % chains.length];
          const target = chain[to % chain.length];
          const node = chain[chain.length - 1] as Record<string, unknown>;
          // Array.isArray nodes get a named property: only own indexes are walked, so it is skipped.
          if (Array.isArray(node)) node.push(target);
          else node[`LOOP${cycles}`] = target;
          cycles++;
        }
        const result = mapPayload(payload, OPTIONS);
        assertContract(result);
        const circular = result.problems.filter((p) => p.rule.includes('circular')).length;
        assert.equal(circular, cycles);
        const given = result.events.length + result.problems.length + result.skipped;
        assert.equal(given, leaves + cycles === 0 ? 1 : leaves + cycles);
      }),
      { ...RUN, numRuns: 2000 },
    );
  });

  it('terminates on deep nesting, with one problem past 32 levels', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.boolean(), (depth, arrays) => {
        let payload: unknown = 1;
        for (let i = 0; i < depth; i++) payload = arrays ? [payload] : { n: payload };
        const result = mapPayload(payload, { ...OPTIONS, key: 'k' });
        const tooDeep = depth > 32;
        assert.equal(result.events.length, tooDeep ? 0 : 1);
        assert.deepEqual(result.problems.map((p) => p.rule.startsWith('nested at most 32')), tooDeep ? [true] : []);
      }),
      RUN,
    );
  });
});

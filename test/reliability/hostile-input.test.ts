/**
 * Hostile input: 10 000 generated messages (fixed seed) into a running stream node. Nothing
 * escapes (no uncaught exception or unhandled rejection), each message with an invalid field
 * fails once with the mapping's own description of it, and every valid event is stored exactly
 * once. `mapPayload` / `validateBucketKey` are the reference for what is valid; an independent
 * check of the Events API contract runs over everything the emulator stored.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { LIMITS, type IsEvent } from '../../src/event';
import { FALLBACK_KEY } from '../../nodes/lib/defaults';
import { describeProblem, describeProblems, mapPayload, validateBucketKey } from '../../src/mapping';
import { helper } from '../support/flows';
import { allSettled, loadStreamFlow, STREAM_ID, streamFlow } from '../support/reliability-runtime';

const MESSAGES = 10_000;
const SEED = 20_260_107;
const DEFAULT_BUCKET = 'hostile';

/** Odd strings: empty, control characters, quotes, prototype names, emoji, very long. */
const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', ' ', '\u0000', '\n', ':', '"', "'", '__proto__', 'constructor', 'toString', '💥', ':sunny:', '51.5,-0.12'),
  fc.integer({ min: 90, max: 3000 }).map((n) => 'k'.repeat(n)),
);

/** A payload nested `depth` levels deep. */
const deep = fc.integer({ min: 1, max: 60 }).map((depth) => {
  let value: Record<string, unknown> = { leaf: depth };
  for (let i = 0; i < depth; i++) value = { [`d${i}`]: value };
  return value;
});

/** An object or array that contains itself. */
const circular = fc.dictionary(oddString, fc.oneof(fc.integer(), fc.string()), { maxKeys: 4 }).map((object) => {
  const value: Record<string, unknown> = { ...object, inner: { n: 1 } };
  (value.inner as Record<string, unknown>).back = value;
  return value;
});

const badTimestamp = fc.oneof(
  fc.constantFrom(undefined, null, NaN, Infinity, -Infinity, '', 'yesterday', '2024-13-45T99:99:99Z', {}, [], true),
  fc.constant(new Date('not a date')),
  fc.date({ noInvalidDate: true }),
  fc.integer({ min: -1e15, max: 1e15 }),
  fc.double(),
  fc.constantFrom(1_700_000_000, 1_700_000_000_000, '2024-05-01T12:00:00Z'),
);

/** An event list, partly broken: odd keys, values of any type, bad times. */
const eventList = fc.array(
  fc.record({ key: fc.oneof(oddString, fc.integer(), fc.constant(undefined)), value: fc.anything({ maxDepth: 1 }), epoch: badTimestamp }, { requiredKeys: ['key', 'value'] }),
  { minLength: 1, maxLength: 12 },
);

const payload = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), oddString) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 5, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withObjectString: true }) },
  { weight: 1, arbitrary: fc.dictionary(oddString, fc.oneof(fc.integer(), oddString, fc.boolean(), fc.constant(null)), { maxKeys: 8 }) },
  { weight: 1, arbitrary: eventList },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: circular },
  { weight: 1, arbitrary: fc.integer({ min: 2001, max: 300_000 }).map((n) => 'x'.repeat(n)) },
);

const message = fc.record(
  {
    topic: fc.oneof(oddString, fc.integer(), fc.double(), fc.boolean(), fc.constant(undefined), fc.object({ maxDepth: 1 })),
    payload,
    // Mostly absent, so that enough messages are valid for the delivery side to be tested too.
    timestamp: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: badTimestamp }),
    bucketKey: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('', 'hostile-b', 'a:b', 'quo"te', "apo'strophe", 'ctl\u0001', 42) },
      { weight: 1, arbitrary: fc.integer({ min: 240, max: 260 }).map((n) => 'b'.repeat(n)) },
    ),
  },
  { requiredKeys: ['payload'] },
);

/** What the stream node should make of a message, per the mapping itself. */
interface Expected {
  bucketKey: string;
  events: IsEvent[];
  /** The text the message's error must contain; undefined when it must complete. */
  error?: string;
}

function expectedFor(msg: Record<string, unknown>): Expected {
  const blank = msg.bucketKey === undefined || msg.bucketKey === null || msg.bucketKey === '';
  const bucketKey = blank ? DEFAULT_BUCKET : msg.bucketKey;
  const bucketProblem = validateBucketKey(bucketKey);
  if (bucketProblem) return { bucketKey: String(bucketKey), events: [], error: describeProblem(bucketProblem) };
  // The stream node's defaults: a bare value without a key goes under the node's name, else "value"; null leaves are skipped.
  const options = { key: msg.topic, keyPrefix: '', separator: '_', timestamp: 'message', arrivalMs: Date.now(), msgTimestamp: msg.timestamp, defaultKey: FALLBACK_KEY, nullValues: 'skip' } as const;
  const mapped = mapPayload(msg.payload, options);
  // A payload of only null leaves is skipped, not an error: the message completes with nothing sent.
  const error = mapped.problems.length ? describeProblems(mapped.problems) : undefined;
  return { bucketKey: bucketKey as string, events: mapped.events, error };
}

/** The Events API's rules, checked here without the mapping's code. */
function contractViolation(e: { bucketKey: string; key: string; value: unknown; epoch: number }): string | undefined {
  if (typeof e.bucketKey !== 'string' || e.bucketKey.length < 1 || e.bucketKey.length > LIMITS.bucketKeyLength) return 'bucketKey length';
  if (LIMITS.bucketKeyForbidden.some((c) => e.bucketKey.includes(c))) return 'bucketKey character';
  if (typeof e.key !== 'string' || e.key.length < 1 || e.key.length > LIMITS.keyLength) return 'key';
  if (typeof e.value === 'string' ? e.value.length > LIMITS.valueLength : typeof e.value === 'number' ? !Number.isFinite(e.value) : typeof e.value !== 'boolean') return 'value';
  if (!Number.isFinite(e.epoch)) return 'epoch';
  return undefined;
}

const identity = (bucketKey: string, key: string, value: unknown): string => JSON.stringify([bucketKey, key, value]);

describe('reliability: hostile input into a running stream node', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  const escaped: unknown[] = [];
  const onEscape = (err: unknown): void => {
    escaped.push(err);
  };

  before(async () => {
    emulator = await startEmulator({ rateLimit: 10_000, maxEventsPerRequest: 10 });
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);
  });

  after(async () => {
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
    await helper.unload();
    await emulator.close();
  });

  it(`takes ${MESSAGES} generated messages: nothing escapes, one error per bad message, every valid event once`, async () => {
    const messages = fc.sample(message, { seed: SEED, numRuns: MESSAGES }) as Record<string, unknown>[];
    const expected = messages.map(expectedFor);
    // The default requestTimeout: mapping 10 000 messages keeps the event loop busy past the
    // reliability flows' 300 ms, and a request timed out after the service stored it goes twice.
    const seen = await loadStreamFlow(streamFlow(emulator, { bucketKey: DEFAULT_BUCKET, tier: 10_000, monthlyQuota: 0, requestTimeout: 10_000 }));
    const node = helper.getNode(STREAM_ID);
    // Tag each message so its Complete or Catch output can be matched back to it.
    messages.forEach((msg, index) => node.receive({ ...msg, _index: index }));
    await allSettled(seen, MESSAGES, 100_000);

    assert.deepEqual(escaped, [], 'no exception or rejection escaped');
    const finished = new Map<number, string | undefined>();
    for (const m of seen.completed) finished.set(m._index, undefined);
    for (const m of seen.caught) {
      assert.ok(!finished.has(m._index), `message ${m._index} finished twice`);
      finished.set(m._index, String(m.error?.message));
    }
    assert.equal(finished.size, MESSAGES, 'every message finished exactly once');
    let failing = 0;
    expected.forEach((want, index) => {
      const error = finished.get(index);
      if (want.error === undefined) assert.equal(error, undefined, `message ${index} should complete`);
      else {
        failing += 1;
        assert.ok(error?.includes(want.error), `message ${index}: error ${JSON.stringify(error)} lacks ${JSON.stringify(want.error)}`);
      }
    });
    assert.equal(seen.caught.length, failing);
    assert.equal(seen.completed.length, MESSAGES - failing);

    // Every valid event stored exactly once, nothing else.
    const want = new Map<string, number>();
    for (const e of expected.flatMap((x) => x.events.map((event) => identity(x.bucketKey, event.key, event.value)))) want.set(e, (want.get(e) ?? 0) + 1);
    const stored = emulator.events();
    const got = new Map<string, number>();
    for (const e of stored) got.set(identity(e.bucketKey, e.key, e.value), (got.get(identity(e.bucketKey, e.key, e.value)) ?? 0) + 1);
    const total = [...want.values()].reduce((a, b) => a + b, 0);
    assert.equal(stored.length, total, 'as many events stored as the mapping found valid');
    assert.deepEqual(got, want);
    const violations = stored.map((e) => contractViolation(e)).filter(Boolean);
    assert.deepEqual(violations, [], 'every stored event keeps the Events API contract');
    assert.equal(emulator.stats().byStatus[400], undefined, 'the service never had to reject anything');

    // The runtime still works.
    assert.ok(failing > 2000 && MESSAGES - failing > 1000 && total > 3000, `the sample exercised both sides: ${failing} failing messages, ${total} valid events`);
    node.receive({ topic: 'after', payload: 1 });
    await allSettled(seen, MESSAGES + 1);
    assert.equal(seen.completed.at(-1)?.topic, 'after');
  });
});

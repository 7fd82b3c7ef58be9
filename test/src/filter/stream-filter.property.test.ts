import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IsEvent } from '../../../src/event';
import { passesChange, StreamFilter, type FilterOptions, type FilterStep } from '../../../src/filter';
import { ReferenceFilter } from './reference';

// Fixed seed: the runs are the same every time.
const RUN = { numRuns: 3000, seed: 20261203 };

const optionsArb: fc.Arbitrary<FilterOptions> = fc.record({
  onChange: fc.boolean(),
  deadband: fc.constantFrom(0, 0, 0.5, 1, 2, 10),
  deadbandMode: fc.constantFrom('absolute' as const, 'percent' as const),
  minInterval: fc.constantFrom(0, 0, 1, 5, 10),
  aggregate: fc.constantFrom('last' as const, 'mean' as const, 'min' as const, 'max' as const),
  heartbeat: fc.constantFrom(0, 0, 0.05, 0.25),
});

const valueArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3, max: 12 }) },
  { weight: 2, arbitrary: fc.double({ min: -50, max: 50, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom('on', 'off') },
  { weight: 1, arbitrary: fc.boolean() },
);

/** A step of a run: after `dt` ms, an event arrives, or the node's timer fires (at its due time, or at some time). */
type Op = { dt: number } & ({ kind: 'offer'; key: string; value: IsEvent['value'] } | { kind: 'due' } | { kind: 'timer' });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ dt: fc.integer({ min: 0, max: 8000 }), kind: fc.constant('offer' as const), key: fc.constantFrom('a', 'b', 'c'), value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ dt: fc.integer({ min: 0, max: 20_000 }), kind: fc.constant('due' as const) }) },
  { weight: 2, arbitrary: fc.record({ dt: fc.constant(0), kind: fc.constant('timer' as const) }) },
);

/** Runs the ops through the filter, calling `each` with every step and its time. */
function run(filter: StreamFilter, ops: Op[], each: (step: FilterStep, now: number, op: Op) => void): void {
  let now = 1_000_000;
  for (const op of ops) {
    if (op.kind === 'timer') {
      const next = filter.nextDue();
      if (next === undefined) continue;
      now = Math.max(now, next);
      each(filter.due(now), now, op);
      continue;
    }
    now += op.dt;
    each(op.kind === 'offer' ? filter.offer({ key: op.key, value: op.value, epoch: now / 1000 }, now) : filter.due(now), now, op);
  }
}

describe('StreamFilter (properties)', () => {
  it('decides exactly as the reference of the rules: nothing sent that they suppress, nothing suppressed that they allow', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(opArb, { maxLength: 80 }), (options, ops) => {
        const filter = new StreamFilter(options);
        const reference = new ReferenceFilter(options);
        run(filter, ops, (step, now, op) => {
          const expected = op.kind === 'offer' ? reference.offer({ key: op.key, value: op.value, epoch: now / 1000 }, now) : reference.due(now);
          assert.deepEqual(step, expected);
        });
      }),
      RUN,
    );
  });

  it('accounts for every event offered: sent, suppressed or held, and sends no key closer than its minimum interval', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(opArb, { maxLength: 80 }), (options, ops) => {
        const filter = new StreamFilter(options);
        const lastSend = new Map<string, number>();
        let sent = 0;
        let suppressed = 0;
        let heartbeats = 0;
        let offered = 0;
        run(filter, ops, (step, now, op) => {
          if (op.kind === 'offer') offered++;
          sent += step.send.length;
          suppressed += step.suppressed;
          heartbeats += step.heartbeats;
          for (const e of step.send) {
            const previous = lastSend.get(e.key);
            if (previous !== undefined) assert.ok(now - previous >= options.minInterval * 1000, `${e.key} sent ${now - previous} ms after its last send`);
            lastSend.set(e.key, now);
          }
        });
        const totals = filter.totals;
        assert.equal(totals.offered, offered);
        assert.deepEqual({ sent: totals.sent, suppressed: totals.suppressed, heartbeats: totals.heartbeats }, { sent, suppressed, heartbeats });
        assert.equal(offered, sent - heartbeats + suppressed + totals.held);
      }),
      RUN,
    );
  });

  it('without minimum interval or heartbeat: a value is sent at once exactly when it passes the change rule against the last sent', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(fc.tuple(fc.constantFrom('a', 'b'), valueArb), { maxLength: 60 }), (options, values) => {
        const filter = new StreamFilter({ ...options, minInterval: 0, heartbeat: 0 });
        const last = new Map<string, IsEvent['value']>();
        values.forEach(([key, value], i) => {
          const step = filter.offer({ key, value }, i * 1000);
          const previous = last.get(key);
          const allowed = !last.has(key) || passesChange(value, previous!, options);
          assert.equal(step.send.length, allowed ? 1 : 0);
          assert.equal(step.suppressed, allowed ? 0 : 1);
          if (allowed) last.set(key, value);
        });
      }),
      RUN,
    );
  });

  it('with no filter set, sends every event at once, unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b'), valueArb, fc.nat(5000)), { maxLength: 60 }), (values) => {
        const filter = new StreamFilter({ onChange: false, deadband: 0, deadbandMode: 'absolute', minInterval: 0, aggregate: 'mean', heartbeat: 0 });
        let now = 0;
        for (const [key, value, dt] of values) {
          now += dt;
          const event = { key, value, epoch: now / 1000 };
          assert.deepEqual(filter.offer(event, now), { send: [event], suppressed: 0, held: 0, heartbeats: 0 });
        }
        assert.equal(filter.nextDue(), undefined);
      }),
      RUN,
    );
  });
});

import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { IsEvent } from '../../../src/event';
import { filterOptions, StreamGate } from '../../../src/filter';

describe('StreamGate', () => {
  let clock: sinon.SinonFakeTimers;
  let released: [string, IsEvent[]][];
  const release = (bucketKey: string, events: IsEvent[]) => released.push([bucketKey, events]);
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
    released = [];
  });
  afterEach(() => clock.restore());

  it('with no filter, passes every event on at once', () => {
    const gate = new StreamGate({ filter: filterOptions(), release });
    const events = [{ key: 'a', value: 1 }, { key: 'a', value: 1 }];
    assert.deepEqual(gate.offer('b', events), { send: events, suppressed: 0, held: 0, waiting: 0, conflated: 0 });
    gate.close();
    assert.deepEqual(released, []);
  });

  it('keeps a filter per bucket, and releases an interval aggregate from its own timer', () => {
    const gate = new StreamGate({ filter: filterOptions({ minInterval: 5, aggregate: 'max' }), release });
    assert.equal(gate.offer('b1', [{ key: 't', value: 1 }]).send.length, 1);
    assert.equal(gate.offer('b2', [{ key: 't', value: 1 }]).send.length, 1, 'another bucket: another stream');
    clock.tick(1000);
    assert.deepEqual(gate.offer('b1', [{ key: 't', value: 7 }, { key: 't', value: 3 }]), { send: [], suppressed: 0, held: 2, waiting: 0, conflated: 0 });
    clock.tick(3999);
    assert.deepEqual(released, []);
    clock.tick(1);
    assert.deepEqual(released, [['b1', [{ key: 't', value: 7 }]]]);
    assert.equal(gate.totals.suppressed, 1);
    gate.close();
  });

  it('sends heartbeats from its timer', () => {
    const gate = new StreamGate({ filter: filterOptions({ onChange: true, heartbeat: 1 }), release });
    gate.offer('b', [{ key: 't', value: 1 }]);
    clock.tick(10_000);
    assert.equal(gate.offer('b', [{ key: 't', value: 1 }]).suppressed, 1);
    clock.tick(50_000);
    assert.deepEqual(released, [['b', [{ key: 't', value: 1 }]]]);
    assert.equal(gate.totals.heartbeats, 1);
    gate.close();
  });

  it('latestOnly: while the account is not delivering keeps each stream\'s latest value, and releases them when it delivers again', () => {
    const gate = new StreamGate({ filter: filterOptions(), latestOnly: true, release });
    gate.setDelivering(false);
    assert.deepEqual(gate.offer('b', [{ key: 'x', value: 1 }, { key: 'y', value: 1 }]), { send: [], suppressed: 0, held: 0, waiting: 2, conflated: 0 });
    assert.deepEqual(gate.offer('b', [{ key: 'x', value: 2 }]), { send: [], suppressed: 0, held: 0, waiting: 1, conflated: 1 });
    assert.deepEqual(released, []);
    gate.setDelivering(true);
    assert.deepEqual(released, [['b', [{ key: 'x', value: 2 }, { key: 'y', value: 1 }]]]);
    assert.equal(gate.totals.conflated, 1);
    assert.equal(gate.offer('b', [{ key: 'x', value: 3 }]).send.length, 1);
  });

  it('without latestOnly, an outage changes nothing', () => {
    const gate = new StreamGate({ filter: filterOptions(), release });
    gate.setDelivering(false);
    assert.equal(gate.offer('b', [{ key: 'x', value: 1 }]).send.length, 1);
  });

  it('close releases what is held: interval aggregates and latest values', () => {
    const gate = new StreamGate({ filter: filterOptions({ minInterval: 60 }), latestOnly: true, release });
    gate.offer('b', [{ key: 'x', value: 1 }]);
    gate.offer('b', [{ key: 'x', value: 2 }]);
    gate.setDelivering(false);
    gate.offer('b', [{ key: 'y', value: 5 }]);
    gate.close();
    assert.deepEqual(released, [['b', [{ key: 'x', value: 2 }]], ['b', [{ key: 'y', value: 5 }]]]);
    assert.equal(clock.countTimers(), 0);
  });

  it('widen: applies the factor to every bucket\'s filter, those made later too', () => {
    const gate = new StreamGate({ filter: filterOptions({ minInterval: 1 }), release });
    gate.widen(3);
    let sent = 0;
    for (let i = 0; i < 30; i++) {
      sent += gate.offer('b', [{ key: 'x', value: i }]).send.length;
      clock.tick(1000);
    }
    sent += released.length;
    assert.ok(sent >= 9 && sent <= 11, `${sent} sends in 30 s at 1 s × 3`);
    gate.close();
  });
});

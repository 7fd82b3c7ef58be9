import assert from 'node:assert/strict';
import { filterOptions, filters, StreamFilter, type FilterOptions } from '../../../src/filter';

const off: FilterOptions = filterOptions();
const sentValues = (filter: StreamFilter, values: (number | string)[], stepMs = 1000, key = 'k') =>
  values.map((value, i) => filter.offer({ key, value }, i * stepMs).send.map((e) => e.value)).flat();

describe('StreamFilter', () => {
  it('onChange: sends a value only when it differs from the last sent, per stream key', () => {
    const filter = new StreamFilter({ ...off, onChange: true });
    assert.deepEqual(sentValues(filter, [1, 1, 2, 2, 1]), [1, 2, 1]);
    assert.deepEqual(filter.offer({ key: 'other', value: 1 }, 9000).send.length, 1);
    assert.equal(filter.totals.suppressed, 2);
  });

  it('deadband absolute: sends when the change is more than the band from the last sent value', () => {
    const filter = new StreamFilter({ ...off, deadband: 1 });
    assert.deepEqual(sentValues(filter, [10, 10.5, 11, 11.01, 9.5, 9.9]), [10, 11.01, 9.5]);
  });

  it('deadband percent: the band is a share of the last value sent; after 0 any change passes', () => {
    const filter = new StreamFilter({ ...off, deadband: 10, deadbandMode: 'percent' });
    assert.deepEqual(sentValues(filter, [100, 109, 111, 0, 0, 0.001]), [100, 111, 0, 0.001]);
  });

  it('deadband on text: change-only', () => {
    const filter = new StreamFilter({ ...off, deadband: 5 });
    assert.deepEqual(sentValues(filter, ['on', 'on', 'off', 3, 3, 'off']), ['on', 'off', 3, 'off']);
  });

  for (const [aggregate, expected] of [['last', 4], ['mean', 3], ['min', 2], ['max', 4]] as const) {
    it(`minInterval with aggregate '${aggregate}': sends the first at once, then ${aggregate} of the held at the interval's end`, () => {
      const filter = new StreamFilter({ ...off, minInterval: 5, aggregate });
      assert.deepEqual(filter.offer({ key: 'k', value: 1, epoch: 0 }, 0).send, [{ key: 'k', value: 1, epoch: 0 }]);
      for (const [at, value] of [[1000, 3], [2000, 2], [3000, 4]]) assert.equal(filter.offer({ key: 'k', value: value!, epoch: at! / 1000 }, at!).held, 1);
      assert.equal(filter.nextDue(), 5000);
      assert.deepEqual(filter.due(4999).send, []);
      const step = filter.due(5000);
      // The aggregate carries the last held value's timestamp.
      assert.deepEqual(step, { send: [{ key: 'k', value: expected, epoch: 3 }], suppressed: 2, held: 0, heartbeats: 0 });
      assert.equal(filter.nextDue(), undefined);
    });
  }

  it('minInterval: an aggregate over text values is the last one', () => {
    const filter = new StreamFilter({ ...off, minInterval: 5, aggregate: 'max' });
    filter.offer({ key: 'k', value: 1 }, 0);
    filter.offer({ key: 'k', value: 7 }, 1000);
    filter.offer({ key: 'k', value: 'x' }, 2000);
    assert.deepEqual(filter.due(5000).send, [{ key: 'k', value: 'x' }]);
  });

  it('heartbeat: repeats the latest suppressed value when the heartbeat runs out, and nothing for a silent stream', () => {
    const filter = new StreamFilter({ ...off, onChange: true, heartbeat: 1 });
    filter.offer({ key: 'k', value: 5 }, 0);
    assert.equal(filter.nextDue(), undefined, 'nothing suppressed yet: nothing to repeat');
    filter.offer({ key: 'k', value: 5 }, 10_000);
    assert.equal(filter.nextDue(), 60_000);
    assert.deepEqual(filter.due(60_000), { send: [{ key: 'k', value: 5 }], suppressed: 0, held: 0, heartbeats: 1 });
    assert.equal(filter.nextDue(), undefined);
    // An unchanged value arriving after the heartbeat ran out is sent as it comes.
    assert.equal(filter.offer({ key: 'k', value: 5 }, 120_000).send.length, 1);
  });

  it('widen: a stream at 0.2 events/s sends about factor times less often', () => {
    const filter = new StreamFilter(off);
    let sent = 0;
    for (let t = 0; t < 100_000; t += 5000) sent += filter.offer({ key: 'k', value: t }, t).send.length + filter.due(t).send.length;
    assert.equal(sent, 20);
    filter.widen(2);
    sent = 0;
    for (let t = 100_000; t < 1_100_000; t += 1000) {
      if (t % 5000 === 0) sent += filter.offer({ key: 'k', value: t }, t).send.length;
      sent += filter.due(t).send.length;
    }
    assert.ok(sent >= 98 && sent <= 102, `sent ${sent} of 200 with factor 2`);
    assert.throws(() => filter.widen(0.5), /Expected `factor` to be a finite number of 1 or more, got 0.5/);
  });
});

describe('filterOptions', () => {
  it('fills defaults, reads texts the editor saves', () => {
    assert.deepEqual(filterOptions({ deadband: '2.5', minInterval: '', onChange: 'true', heartbeat: 3 }), { ...off, deadband: 2.5, onChange: true, heartbeat: 3 });
    assert.equal(filters(off), false);
    assert.equal(filters({ ...off, minInterval: 1 }), true);
  });

  it('names the field, the rule and the bad value', () => {
    assert.throws(() => filterOptions({ deadband: -1 }), /Expected `deadband` to be a number of 0 or more, got -1/);
    assert.throws(() => filterOptions({ minInterval: 'soon' }), /Expected `minInterval` to be a number of 0 or more, got 'soon'/);
    assert.throws(() => filterOptions({ aggregate: 'median' }), /Expected `aggregate` to be one of 'last', 'mean', 'min', 'max', got 'median'/);
    assert.throws(() => filterOptions({ deadbandMode: 'relative' }), /`deadbandMode`/);
    assert.throws(() => filterOptions({ onChange: 1 }), /Expected `onChange` to be true or false, got 1/);
    assert.throws(() => filterOptions({ heartbeat: Infinity }), /`heartbeat`/);
  });
});

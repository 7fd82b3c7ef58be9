import assert from 'node:assert/strict';
import { median, percentile } from '../../bench/stats';

describe('bench stats', () => {
  it('takes percentiles by nearest rank without changing the input', () => {
    const values = [5, 1, 4, 2, 3];
    assert.equal(median(values), 3);
    assert.equal(percentile(values, 99), 5);
    assert.equal(percentile(values, 0), 1);
    assert.deepEqual(values, [5, 1, 4, 2, 3]);
  });

  it('p99 of 100 values is the 99th', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(values, 99), 99);
  });

  it('is NaN for no values', () => {
    assert.ok(Number.isNaN(median([])));
  });
});

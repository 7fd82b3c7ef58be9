import assert from 'node:assert/strict';
import { fastestScheduleMs, requestsNeeded } from '../../bench/schedule';

describe('bench schedule', () => {
  it('counts event requests in batches plus bucket creations', () => {
    assert.equal(requestsNeeded(3000, 10, 1), 301);
    assert.equal(requestsNeeded(3001, 10, 0), 301);
  });

  it('lets the last window go at its start: (ceil(R/N) - 1) windows', () => {
    assert.equal(fastestScheduleMs(301, 30, 10_000), 100_000);
    assert.equal(fastestScheduleMs(300, 30, 10_000), 90_000);
    assert.equal(fastestScheduleMs(30, 30, 1000), 0);
    assert.equal(fastestScheduleMs(31, 30, 1000), 1000);
  });

  it('refuses what has no schedule', () => {
    assert.throws(() => fastestScheduleMs(0, 30, 1000), /`requests` to be an integer from 1, got 0/);
    assert.throws(() => fastestScheduleMs(10, 0, 1000), /`limit`/);
    assert.throws(() => fastestScheduleMs(10, 30, 0), /`windowMs`/);
  });
});

import assert from 'node:assert/strict';
import { describeForecast, forecastMonth, monthBounds, RecentRate, shortCount } from '../../../src/quota';

const APRIL = Date.UTC(2026, 3, 1); // 30 days
const DAY = 86_400_000;

describe('forecastMonth', () => {
  it('projects the month at the recent rate and finds the day the quota runs out', () => {
    // Ten streams every 5 s: 2 events/s, from the first of a 30-day month.
    const f = forecastMonth({ now: APRIL, used: 0, quota: 3_000_000, perSecond: 2 });
    assert.equal(f.month, '2026-04');
    assert.equal(f.eventsPerDay, 172_800);
    assert.equal(f.projected, 2 * 30 * 86_400);
    assert.equal(f.exceeds, true);
    assert.equal(f.runsOutAt, APRIL + 1_500_000_000);
    assert.equal(f.runsOutDay, 18);
    assert.equal(describeForecast(f), '5.18M of 3M by month end, out on day 18');
  });

  it('counts what is used, and gives no run-out day when the month ends first', () => {
    const f = forecastMonth({ now: APRIL + 10 * DAY, used: 1_000_000, quota: 3_000_000, perSecond: 1 });
    assert.equal(f.projected, 1_000_000 + 20 * 86_400);
    assert.equal(f.exceeds, false);
    assert.equal(f.runsOutAt, undefined);
    assert.equal(describeForecast(f), '2.73M of 3M by month end');
  });

  it('counts what is queued or in flight as used once delivered, in the projection and the run-out day', () => {
    const f = forecastMonth({ now: APRIL + 10 * DAY, used: 1_000_000, pending: 500_000, quota: 3_000_000, perSecond: 1 });
    assert.equal(f.used, 1_000_000);
    assert.equal(f.pending, 500_000);
    assert.equal(f.projected, 1_500_000 + 20 * 86_400);
    assert.equal(forecastMonth({ now: APRIL + DAY, used: 2_000_000, pending: 1_000_000, quota: 3_000_000, perSecond: 0 }).runsOutDay, 2);
    assert.equal(forecastMonth({ now: APRIL, used: 0, quota: 3_000_000, perSecond: 0 }).pending, 0);
  });

  it('a quota used up ran out now; an unlimited quota (0) never does', () => {
    assert.equal(forecastMonth({ now: APRIL + DAY, used: 3_000_000, quota: 3_000_000, perSecond: 0 }).runsOutDay, 2);
    const unlimited = forecastMonth({ now: APRIL, used: 9e9, quota: 0, perSecond: 100 });
    assert.deepEqual([unlimited.exceeds, unlimited.runsOutAt], [false, undefined]);
  });

  it('monthBounds and shortCount', () => {
    assert.deepEqual(monthBounds(Date.UTC(2026, 11, 31, 23, 59)), { start: Date.UTC(2026, 11, 1), end: Date.UTC(2027, 0, 1) });
    assert.deepEqual([950, 12_345, 5_184_000].map(shortCount), ['950', '12.3k', '5.18M']);
  });
});

describe('RecentRate', () => {
  it('measures over the span, and over the time since the first count before that (one minute at least)', () => {
    const rate = new RecentRate({ spanMs: 600_000 });
    assert.equal(rate.perSecond(0), 0);
    rate.add(60, 0);
    assert.equal(rate.perSecond(1000), 1, 'one minute at least');
    for (let t = 1000; t < 1_200_000; t += 1000) rate.add(2, t);
    // The last ten one-minute buckets hold 2 events/s.
    assert.equal(rate.perSecond(1_200_000 - 1), 2);
    // A new minute begins with nothing in it: nine full minutes of ten.
    assert.equal(rate.perSecond(1_230_000), 1.8);
    assert.equal(rate.perSecond(10_000_000), 0, 'all counts fell out of the span');
  });
});

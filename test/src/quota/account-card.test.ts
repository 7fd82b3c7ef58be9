import assert from 'node:assert/strict';
import { accountCard, forecastMonth, RECENT_WINDOWS, WindowHistory, type CardCounters } from '../../../src/quota';

const NOW = Date.UTC(2026, 3, 10);
const counters: CardCounters = { queued: 12, inFlight: 10, delivered: 500, retries: 2, rateLimited: 1, dropped: 0, monthEvents: 1_000_000, state: 'sending' };

describe('accountCard', () => {
  it('carries the queue, the window, the quota used and projected, 429s and retries, and the last error with its time', () => {
    const forecast = forecastMonth({ now: NOW, used: 1_000_000, quota: 3_000_000, perSecond: 2 });
    const card = accountCard({
      id: 'acc1',
      name: '',
      key: 'ist_ab…yz',
      now: NOW,
      counters: { ...counters, window: { limit: 30, used: 7, endsAt: NOW + 4000 }, lastError: { at: NOW - 1000, cause: 'ECONNREFUSED 127.0.0.1:8890' }, sharing: 'alone' },
      forecast,
      stayWithin: { enabled: true, active: true, factor: 1.8 },
      recentWindows: [30, 12],
    });
    assert.deepEqual(card, {
      id: 'acc1',
      name: 'ist_ab…yz',
      key: 'ist_ab…yz',
      state: 'sending',
      sharing: 'alone',
      at: NOW,
      queue: { queued: 12, inFlight: 10, delivered: 500, dropped: 0 },
      window: { limit: 30, used: 7, endsAt: NOW + 4000, recent: [30, 12] },
      quota: { used: 1_000_000, quota: 3_000_000, projected: forecast.projected, eventsPerDay: 172_800, runsOutDay: forecast.runsOutDay, stayWithin: { enabled: true, active: true, factor: 1.8 } },
      http: { rateLimited: 1, retries: 2 },
      lastError: { at: NOW - 1000, cause: 'ECONNREFUSED 127.0.0.1:8890' },
    });
  });

  it('takes a last error given as text alone, and leaves out what the engine does not give', () => {
    const card = accountCard({ id: 'a', name: 'Home', key: 'k', now: NOW, counters: { ...counters, lastError: 'HTTP 503' }, forecast: forecastMonth({ now: NOW, used: 0, quota: 0, perSecond: 0 }), stayWithin: { enabled: false, active: false, factor: 1 } });
    assert.deepEqual(card.lastError, { cause: 'HTTP 503' });
    assert.equal(card.window, undefined);
    assert.equal(card.quota.runsOutDay, undefined);
    assert.equal(card.name, 'Home');
  });
});

describe('WindowHistory', () => {
  it("keeps each finished window's last seen use, the last few only", () => {
    const history = new WindowHistory();
    assert.deepEqual(history.look({ used: 3, endsAt: 10 }), []);
    assert.deepEqual(history.look({ used: 9, endsAt: 10 }), []);
    assert.deepEqual(history.look({ used: 1, endsAt: 20 }), [9]);
    for (let i = 0; i < 20; i++) history.look({ used: i, endsAt: 30 + i });
    assert.equal(history.look({ used: 0, endsAt: 99 }).length, RECENT_WINDOWS);
  });
});

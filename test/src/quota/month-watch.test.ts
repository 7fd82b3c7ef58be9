import assert from 'node:assert/strict';
import { MonthWatch, type CardCounters } from '../../../src/quota';

const APRIL = Date.UTC(2026, 3, 1);
/** Two events a second, as ten streams every 5 s give. */
const PER_DAY = 2 * 86_400;

/** Within 1 %: the rate's first second is its own measure's edge. */
function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= expected / 100, `${what}: ${actual} near ${expected}`);
}

describe('MonthWatch: the forecast follows what the streams give, not when it is delivered', () => {
  let now: number;
  let counters: CardCounters;
  let messages: string[];
  let watch: MonthWatch;

  beforeEach(() => {
    now = APRIL;
    counters = { queued: 0, inFlight: 0, delivered: 0, retries: 0, rateLimited: 0, dropped: 0, monthEvents: 0, state: 'idle' };
    messages = [];
    watch = new MonthWatch({ quota: 6_000_000, stayWithinQuota: true });
  });

  /** Looks once at the counters as they are, keeping any announcement. */
  function look(): void {
    const { message } = watch.look(counters, now);
    if (message) messages.push(message);
  }

  /** `seconds` of the streams giving 2 events/s while the account delivers up to `sendPerSecond` of its queue. */
  function run(seconds: number, sendPerSecond: number): void {
    for (let i = 0; i < seconds; i++) {
      now += 1000;
      counters.queued += 2;
      const sent = Math.min(sendPerSecond, counters.queued);
      counters.queued -= sent;
      counters.delivered += sent;
      counters.monthEvents += sent;
      look();
    }
  }

  it('during an outage the rate is the streams\' own and the queue counts as used; draining the backlog afterwards changes neither', () => {
    look();
    run(30 * 60, 0);
    const outage = watch.forecast!;
    assert.equal(counters.queued, 3600);
    near(outage.eventsPerDay, PER_DAY, 'events a day during the outage');
    assert.equal(outage.pending, 3600);
    // The link is back: the backlog goes out at 30 events/s (the Individual tier's limit).
    run(4 * 60, 30);
    assert.equal(counters.queued, 0);
    const drained = watch.forecast!;
    near(drained.eventsPerDay, PER_DAY, 'events a day after the drain');
    // 2 events/s over the month (5.18M) fits 6M: the mode never started.
    assert.equal(drained.exceeds, false);
    assert.equal(watch.statusNote(), undefined);
    assert.deepEqual(watch.stayWithin, { enabled: true, active: false, factor: 1 });
    assert.deepEqual(messages, []);
  });

  it('events dropped from a full queue count in the rate: the streams still give them', () => {
    counters.queued = 100_000;
    look();
    // The queue is full and the link down: each new event pushes the oldest out.
    for (let i = 0; i < 10 * 60; i++) {
      now += 1000;
      counters.dropped += 2;
      look();
    }
    near(watch.forecast!.eventsPerDay, PER_DAY, 'events a day with the queue full');
  });

  it('the first look only sets where counting starts: a queue already held is not read as events given', () => {
    counters.queued = 50;
    look();
    now += 1000;
    look();
    assert.equal(watch.forecast!.eventsPerDay, 0);
    assert.equal(watch.forecast!.pending, 50);
  });

  it('starts the mode when what the streams give takes the month over, says so once, and notes it for the status', () => {
    watch = new MonthWatch({ quota: 3_000_000, stayWithinQuota: true });
    look();
    run(10 * 60, 2);
    assert.equal(messages.length, 1);
    assert.match(messages[0]!, /^stay within quota: on, streams send 1\.\d× less often/);
    assert.equal(watch.stayWithin.active, true);
    assert.equal(watch.statusNote(), `within quota ×${watch.stayWithin.factor.toFixed(1)}`);
  });

  it('without the mode: never widens, and notes a forecast over the quota for the status', () => {
    watch = new MonthWatch({ quota: 3_000_000 });
    look();
    run(10 * 60, 2);
    assert.deepEqual(watch.stayWithin, { enabled: false, active: false, factor: 1 });
    assert.match(watch.statusNote()!, /^5\.1\dM\/3M a month$/);
  });
});

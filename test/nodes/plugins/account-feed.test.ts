import * as assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Node, NodeAPI } from 'node-red';
import { startAccountFeed, type AccountFeed } from '../../../nodes/plugins/account-feed';
import type { CardCounters } from '../../../src/quota';

const APRIL = Date.UTC(2026, 3, 1);
/** Two events a second, as ten streams every 5 s give. */
const PER_DAY = 2 * 86_400;

/** Within 1 %: the rate's first second is its own measure's edge. */
function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= expected / 100, `${what}: ${actual} near ${expected}`);
}

describe('nodes/plugins/account-feed: the forecast follows what the streams give, not when it is delivered', () => {
  let clock: sinon.SinonFakeTimers;
  let now: number;
  let counters: CardCounters;
  let logged: string[];
  let started: AccountFeed | undefined;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    now = APRIL;
    counters = { queued: 0, inFlight: 0, delivered: 0, retries: 0, rateLimited: 0, dropped: 0, monthEvents: 0, state: 'idle' };
    logged = [];
  });
  afterEach(() => {
    started?.close();
    started = undefined;
    clock.restore();
  });

  /** Starts the feed (quota 6M, stay within quota on) on the counters as they are now. */
  function start(): AccountFeed {
    const RED = { comms: { publish: () => undefined } } as unknown as NodeAPI;
    const node = { id: 'acc', log: (text: string) => logged.push(text) } as unknown as Node;
    started = startAccountFeed(RED, { node, name: 'Home', key: '…0000', quota: 6_000_000, stayWithinQuota: true, counters: () => counters, users: () => [], changed: () => undefined, now: () => now });
    return started;
  }

  /** `seconds` of the streams giving 2 events/s while the account delivers up to `sendPerSecond` of its queue. */
  function run(feed: AccountFeed, seconds: number, sendPerSecond: number): void {
    for (let i = 0; i < seconds; i++) {
      now += 1000;
      counters.queued += 2;
      const sent = Math.min(sendPerSecond, counters.queued);
      counters.queued -= sent;
      counters.delivered += sent;
      counters.monthEvents += sent;
      feed.tick();
    }
  }

  it('during an outage the rate is the streams\' own and the queue counts as used; draining the backlog afterwards changes neither', () => {
    const feed = start();
    run(feed, 30 * 60, 0);
    const outage = feed.forecast()!;
    assert.equal(counters.queued, 3600);
    near(outage.eventsPerDay, PER_DAY, 'events a day during the outage');
    assert.equal(outage.pending, 3600);
    // The link is back: the backlog goes out at 30 events/s (the Individual tier's limit).
    run(feed, 4 * 60, 30);
    assert.equal(counters.queued, 0);
    const drained = feed.forecast()!;
    near(drained.eventsPerDay, PER_DAY, 'events a day after the drain');
    // 2 events/s over the month (5.18M) fits 6M: the mode never started.
    assert.equal(drained.exceeds, false);
    assert.equal(feed.statusNote(), undefined);
    assert.deepEqual(logged.filter((line) => /stay within quota/.test(line)), []);
  });

  it('events dropped from a full queue count in the rate: the streams still give them', () => {
    counters.queued = 100_000;
    const feed = start();
    // The queue is full and the link down: each new event pushes the oldest out.
    for (let i = 0; i < 10 * 60; i++) {
      now += 1000;
      counters.dropped += 2;
      feed.tick();
    }
    near(feed.forecast()!.eventsPerDay, PER_DAY, 'events a day with the queue full');
  });
});

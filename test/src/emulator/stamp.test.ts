import assert from 'node:assert/strict';
import { stampEvent } from '../../../src/emulator/stamp';
import { START_MS, startFixture, type Fixture } from './fixture';

/** START_MS minus exactly 10 calendar years: 2017-01-15T08:00:00Z. */
const TEN_YEARS_AGO_S = Date.UTC(2017, 0, 15, 8, 0, 0) / 1000;

describe('stampEvent', () => {
  const stamp = (event: { epoch?: number; iso8601?: string }): [number, boolean] => {
    const stored = stampEvent({ key: 'k', value: 1, ...event }, 'b', START_MS);
    return [stored.epoch, stored.serverStamped];
  };

  it('uses the client epoch, which wins over iso8601', () => {
    assert.deepEqual(stamp({ epoch: 1_790_000_000.5, iso8601: '2020-01-01T00:00:00Z' }), [1_790_000_000.5, false]);
  });

  it('uses iso8601 without an epoch', () => {
    assert.deepEqual(stamp({ iso8601: '2026-06-01T12:00:00.250+02:00' }), [Date.UTC(2026, 5, 1, 10, 0, 0, 250) / 1000, false]);
  });

  it('stamps the arrival time without a timestamp', () => {
    assert.deepEqual(stamp({}), [START_MS / 1000, true]);
  });

  it('replaces a timestamp 10 or more years old with the arrival time, keeps a younger or future one', () => {
    assert.deepEqual(stamp({ epoch: TEN_YEARS_AGO_S }), [START_MS / 1000, true]);
    assert.deepEqual(stamp({ epoch: TEN_YEARS_AGO_S - 1 }), [START_MS / 1000, true]);
    assert.deepEqual(stamp({ epoch: TEN_YEARS_AGO_S + 1 }), [TEN_YEARS_AGO_S + 1, false]);
    assert.deepEqual(stamp({ iso8601: '2016-12-31T23:59:59Z' }), [START_MS / 1000, true]);
    assert.deepEqual(stamp({ epoch: 0 }), [START_MS / 1000, true]);
    assert.deepEqual(stamp({ epoch: START_MS / 1000 + 3600 }), [START_MS / 1000 + 3600, false]);
  });
});

describe('emulator: timestamps over HTTP', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.close());

  it('stores epoch, iso8601, arrival time and the 10-year rule with receivedAt', async () => {
    f.clock.now = START_MS + 250;
    const reply = await f.postEvents([
      { key: 'epoch', value: 1, epoch: 1_790_000_000 },
      { key: 'iso', value: 2, iso8601: '2026-06-01T12:00:00Z' },
      { key: 'none', value: 3 },
      { key: 'old', value: 4, epoch: TEN_YEARS_AGO_S },
    ]);
    assert.equal(reply.status, 204);
    assert.deepEqual(
      f.emulator.events().map((e) => [e.key, e.epoch, e.serverStamped, e.receivedAt]),
      [
        ['epoch', 1_790_000_000, false, START_MS + 250],
        ['iso', Date.UTC(2026, 5, 1, 12) / 1000, false, START_MS + 250],
        ['none', (START_MS + 250) / 1000, true, START_MS + 250],
        ['old', (START_MS + 250) / 1000, true, START_MS + 250],
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { toEpochSeconds } from '../../../src/mapping';
import { oldestKeptEpoch, SECONDS_BELOW } from '../../../src/mapping/timestamp';

describe('toEpochSeconds', () => {
  it('reads numbers below 1e11 as seconds and the rest as milliseconds, keeping fractions', () => {
    assert.equal(toEpochSeconds(1_700_000_000.000001), 1_700_000_000.000001);
    assert.equal(toEpochSeconds(1_700_000_000_123), 1_700_000_000.123);
    assert.equal(toEpochSeconds(SECONDS_BELOW - 1), SECONDS_BELOW - 1);
    assert.equal(toEpochSeconds(SECONDS_BELOW), SECONDS_BELOW / 1000);
    assert.equal(toEpochSeconds(0), 0);
  });

  it('reads numeric strings as numbers', () => {
    assert.equal(toEpochSeconds('1700000000123'), 1_700_000_000.123);
    assert.equal(toEpochSeconds(' 1700000000.5 '), 1_700_000_000.5);
  });

  it('reads ISO-8601 strings with any fraction and zone', () => {
    assert.equal(toEpochSeconds('2024-01-01T00:00:00Z'), 1_704_067_200);
    assert.equal(toEpochSeconds('2024-01-01T00:00:00.123456Z'), 1_704_067_200.123456);
    assert.equal(toEpochSeconds('2024-01-01T01:30:00+01:30'), 1_704_067_200);
    assert.equal(toEpochSeconds('2024-01-01T01:30:00+0130'), 1_704_067_200);
    assert.equal(toEpochSeconds('2024-01-01 02:00:00+02'), 1_704_067_200);
    assert.equal(toEpochSeconds('2024-01-01'), 1_704_067_200);
  });

  it('reads an ISO string without a zone as local time, as JavaScript does', () => {
    assert.equal(toEpochSeconds('2024-01-01T10:20:30.5'), new Date(2024, 0, 1, 10, 20, 30, 500).getTime() / 1000);
  });

  it('reads Dates', () => {
    assert.equal(toEpochSeconds(new Date(1_700_000_000_250)), 1_700_000_000.25);
  });

  it('gives undefined for anything else', () => {
    for (const t of [NaN, Infinity, 'yesterday', '', '2024-13-45', '2024-01-01T10:00.5Z', new Date(NaN), null, undefined, {}, 10n, 9e15 * 1000, true]) {
      assert.equal(toEpochSeconds(t), undefined, String(t));
    }
  });
});

describe('oldestKeptEpoch', () => {
  it('is the same calendar moment ten years earlier', () => {
    assert.equal(oldestKeptEpoch(Date.UTC(2024, 1, 29, 12)), Date.UTC(2014, 2, 1, 12) / 1000);
    assert.equal(oldestKeptEpoch(Date.UTC(2025, 5, 1)), Date.UTC(2015, 5, 1) / 1000);
  });
});

import assert from 'node:assert/strict';
import sinon from 'sinon';
import { causeCode, OutageLog, shortCause } from '../../../src/engine/outage-log';

describe('OutageLog (fake timers)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0 });
  });
  afterEach(() => clock.restore());

  it('shortens network errors to their code and address, and keeps other texts', () => {
    assert.equal(shortCause('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8890'), 'ECONNREFUSED 127.0.0.1:8890');
    assert.equal(shortCause('ENOTFOUND: getaddrinfo ENOTFOUND example.invalid'), 'ENOTFOUND example.invalid');
    assert.equal(shortCause("ETIMEDOUT: Timeout awaiting 'request' for 100ms"), "ETIMEDOUT: Timeout awaiting 'request' for 100ms");
    assert.equal(shortCause('HTTP 503: busy'), 'HTTP 503: busy');
    assert.equal(causeCode('ECONNREFUSED 127.0.0.1:8890'), 'ECONNREFUSED');
    assert.equal(causeCode('HTTP 503: busy'), 'HTTP 503');
  });

  it('tells the first failure at once, the next ones once per interval while they last, and the recovery once', async () => {
    const lines: string[] = [];
    const log = new OutageLog((text) => lines.push(text), 10_000);
    log.recovered(0);
    assert.deepEqual(lines, [], 'no outage, no recovery line');
    log.failed('ECONNREFUSED 127.0.0.1:8890', 5);
    for (let i = 0; i < 6; i++) {
      await clock.tickAsync(1000);
      log.failed('ECONNREFUSED 127.0.0.1:8890', 5 + i);
    }
    assert.deepEqual(lines, ['retrying: ECONNREFUSED 127.0.0.1:8890 (5 queued)']);
    assert.equal(log.cause, 'ECONNREFUSED 127.0.0.1:8890');
    await clock.tickAsync(4000);
    assert.equal(lines[1], 'still retrying: ECONNREFUSED 127.0.0.1:8890 (6 more failed attempt(s) in the last 10 s, 10 queued)');
    await clock.tickAsync(10_000);
    assert.equal(lines.length, 2, 'a quiet interval tells nothing');
    await clock.tickAsync(2000);
    log.recovered(0);
    assert.equal(lines[2], 'reachable again after 22 s: sending (0 queued)');
    assert.equal(log.cause, undefined);
    await clock.tickAsync(60_000);
    assert.equal(lines.length, 3);
    log.close();
  });
});

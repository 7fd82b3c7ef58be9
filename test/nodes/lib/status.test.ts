import * as assert from 'node:assert/strict';
import { quotaLevel } from '../../../src/engine/month-counter';
import { deliveryStatus } from '../../../nodes/lib/status';

describe('nodes/lib/status', () => {
  it('is empty before anything was sent', () => {
    assert.deepEqual(deliveryStatus({ state: 'idle' }, { queued: 0, delivered: 0 }), {});
  });

  it('shows queued and sent counts in green while sending', () => {
    assert.deepEqual(deliveryStatus({ state: 'sending' }, { queued: 3, delivered: 12 }), { fill: 'green', shape: 'ring', text: '3 queued, 12 sent' });
    assert.deepEqual(deliveryStatus({ state: 'idle' }, { queued: 0, delivered: 12 }), { fill: 'green', shape: 'dot', text: '12 sent' });
  });

  it('shows waiting states in yellow and stopped states in red', () => {
    assert.deepEqual(deliveryStatus({ state: 'rate-limited' }, { queued: 40, delivered: 0 }), { fill: 'yellow', shape: 'ring', text: 'rate-limited, 40 q' });
    assert.equal(deliveryStatus({ state: 'retrying' }, { queued: 1, delivered: 0 }).fill, 'yellow');
    assert.deepEqual(deliveryStatus({ state: 'key-rejected' }, { queued: 0, delivered: 5 }), { fill: 'red', shape: 'ring', text: 'key rejected' });
    assert.deepEqual(deliveryStatus({ state: 'quota-exceeded' }, { queued: 7, delivered: 5 }), { fill: 'red', shape: 'ring', text: 'quota used up, 7 q' });
    assert.deepEqual(deliveryStatus({ state: 'spool-unreadable' }, { queued: 0, delivered: 5 }), { fill: 'red', shape: 'ring', text: 'spool unreadable' });
  });

  it('turns yellow at 80 % of the monthly quota and red at 100 %, while still sending', () => {
    assert.deepEqual(quotaLevel(79, 100), 0);
    assert.deepEqual(quotaLevel(80, 100), 80);
    assert.deepEqual(quotaLevel(100, 100), 100);
    assert.deepEqual(quotaLevel(5_000_000, 0), 0, 'an unlimited quota never warns');
    assert.deepEqual(deliveryStatus({ state: 'idle', quotaLevel: 80 }, { queued: 0, delivered: 12 }), { fill: 'yellow', shape: 'dot', text: 'quota 80%, 12 sent' });
    assert.deepEqual(deliveryStatus({ state: 'sending', quotaLevel: 100 }, { queued: 2, delivered: 12 }), { fill: 'red', shape: 'dot', text: 'quota 100%, 12 sent' });
    // A stopped or waiting account says so first.
    assert.equal(deliveryStatus({ state: 'key-rejected', quotaLevel: 100 }, { queued: 0, delivered: 0 }).text, 'key rejected');
    assert.equal(deliveryStatus({ state: 'rate-limited', quotaLevel: 80 }, { queued: 4, delivered: 0 }).text, 'rate-limited, 4 q');
  });

  it('names the cause of an outage in short while retrying, and a key shared with other clients', () => {
    assert.deepEqual(deliveryStatus({ state: 'retrying', outage: 'ECONNREFUSED 127.0.0.1:8890' }, { queued: 5, delivered: 0 }), { fill: 'yellow', shape: 'ring', text: 'ECONNREFUSED, 5 q' });
    assert.equal(deliveryStatus({ state: 'retrying', outage: 'HTTP 503: busy' }, { queued: 5, delivered: 0 }).text, 'HTTP 503, 5 q');
    assert.equal(deliveryStatus({ state: 'retrying' }, { queued: 5, delivered: 0 }).text, 'retrying, 5 q');
    assert.deepEqual(deliveryStatus({ state: 'sending', sharing: 'shared' }, { queued: 7, delivered: 3 }), { fill: 'green', shape: 'ring', text: 'shared key, 7 q' });
    assert.deepEqual(deliveryStatus({ state: 'rate-limited', sharing: 'shared' }, { queued: 7, delivered: 3 }), { fill: 'yellow', shape: 'ring', text: 'rate-limited, 7 q' }, 'waiting says so first');
    assert.deepEqual(deliveryStatus({ state: 'idle', sharing: 'shared' }, { queued: 0, delivered: 3 }), { fill: 'green', shape: 'dot', text: '3 sent' });
  });

  it('says when Redis is configured but unreachable (yellow), after a stopped state', () => {
    for (const state of ['idle', 'sending', 'rate-limited', 'retrying'] as const) {
      assert.deepEqual(deliveryStatus({ state, sharing: 'redis-down' }, { queued: 4, delivered: 3 }), { fill: 'yellow', shape: 'ring', text: 'Redis unreachable, limiting locally' });
    }
    assert.equal(deliveryStatus({ state: 'key-rejected', sharing: 'redis-down' }, { queued: 4, delivered: 3 }).text, 'key rejected, 4 q');
    assert.deepEqual(deliveryStatus({ state: 'sending', sharing: 'redis' }, { queued: 4, delivered: 3 }), { fill: 'green', shape: 'ring', text: '4 queued, 3 sent' });
  });

  it('shows an invalid account whatever the state', () => {
    assert.deepEqual(deliveryStatus({ state: 'closed', configError: 'bad' }, { queued: 0, delivered: 0 }), { fill: 'red', shape: 'ring', text: 'invalid account' });
  });

  it('keeps status text short', () => {
    for (const state of ['idle', 'sending', 'rate-limited', 'retrying', 'key-rejected', 'quota-exceeded', 'spool-unreadable', 'closed'] as const) {
      for (const level of [0, 80, 100] as const) {
        for (const outage of [undefined, 'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate']) {
          const text = deliveryStatus({ state, quotaLevel: level, outage, sharing: 'shared' }, { queued: 9999, delivered: 99999 }).text ?? '';
          assert.ok(text.length <= 24, `${state}: "${text}"`);
        }
      }
    }
  });
});

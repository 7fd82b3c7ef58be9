import * as assert from 'node:assert/strict';
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
  });

  it('shows an invalid account whatever the state', () => {
    assert.deepEqual(deliveryStatus({ state: 'closed', configError: 'bad' }, { queued: 0, delivered: 0 }), { fill: 'red', shape: 'ring', text: 'invalid account' });
  });

  it('keeps status text short', () => {
    for (const state of ['idle', 'sending', 'rate-limited', 'retrying', 'key-rejected', 'quota-exceeded', 'closed'] as const) {
      const text = deliveryStatus({ state }, { queued: 9999, delivered: 99999 }).text ?? '';
      assert.ok(text.length <= 24, `${state}: "${text}"`);
    }
  });
});

import assert from 'node:assert/strict';
import { describeFailed } from '../../../src/engine';
import type { FailedEvent } from '../../../src/engine/types';

const failed = (key: string, reason: FailedEvent['reason'], message = ''): FailedEvent => ({ bucketKey: 'b', event: { key, value: 1 }, reason, message });

describe('describeFailed', () => {
  it('gives one sentence per reason, naming the first event and the service message', () => {
    assert.equal(describeFailed([failed('temp', 'rejected', 'HTTP 400: value too long')]), '1 event rejected by the API (key "temp": HTTP 400: value too long)');
    assert.equal(
      describeFailed([failed('a', 'overflow', 'the queue is full'), failed('b', 'closed'), failed('c', 'overflow', 'the queue is full')]),
      '2 events dropped because the queue was full (key "a": the queue is full, …); 1 event not delivered before close (key "b")',
    );
  });

  it('counts every failure of a large drop', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => failed(`k${i}`, 'closed'));
    assert.equal(describeFailed(many), '100000 events not delivered before close (key "k0", …)');
  });
});

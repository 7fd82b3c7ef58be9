import assert from 'node:assert/strict';
import type { IsEvent } from '../../../src/event';
import { decideCreated, decidePiece, explainAnswer } from '../../../src/engine/answer';
import type { Piece } from '../../../src/engine/bucket';
import type { ResponseKind } from '../../../src/engine/response';

function piece(count: number, start = 10): Piece {
  const events: IsEvent[] = Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: i }));
  return { events, tickets: events.map(() => undefined), start, oldest: 1000, attempts: 2, sending: false, timed: true };
}

describe('answer decisions', () => {
  it('delivers on ok, resends on 429, backs off on transient, 404 and other 4xx, holds on 401/403 and 402', () => {
    const expected: [ResponseKind, string][] = [
      ['ok', 'deliver'],
      ['rate-limited', 'resend'],
      ['transient', 'back-off'],
      ['not-found', 'back-off'],
      ['client-error', 'back-off'],
      ['key-rejected', 'hold'],
      ['quota-exceeded', 'hold'],
    ];
    for (const [kind, action] of expected) assert.equal(decidePiece(kind, piece(3)).action, action, kind);
  });

  it('splits a refused piece of several events into halves, the first the larger, with their spool indices', () => {
    for (const kind of ['invalid', 'too-large'] as const) {
      const whole = piece(5, 10);
      const decision = decidePiece(kind, whole);
      assert.equal(decision.action, 'split');
      if (decision.action !== 'split') return;
      const [left, right] = decision.halves;
      assert.deepEqual(left.events, whole.events.slice(0, 3));
      assert.deepEqual(right.events, whole.events.slice(3));
      assert.equal(left.tickets.length, 3);
      assert.equal(right.tickets.length, 2);
      assert.equal(left.start, 10);
      assert.equal(right.start, 13);
      assert.equal(right.oldest, 1000);
      assert.equal(right.attempts, 2);
    }
  });

  it('fails a refused piece of one event: rejected for 400/409, too-large for 413', () => {
    assert.deepEqual(decidePiece('invalid', piece(1)), { action: 'fail', reason: 'rejected' });
    assert.deepEqual(decidePiece('too-large', piece(1)), { action: 'fail', reason: 'too-large' });
  });

  it('decides what an answer to creating a bucket does', () => {
    const expected: [ResponseKind, ReturnType<typeof decideCreated>][] = [
      ['ok', 'created'],
      ['rate-limited', 'resend'],
      ['transient', 'back-off'],
      ['not-found', 'back-off'],
      ['client-error', 'back-off'],
      ['invalid', 'assume-created'],
      ['too-large', 'assume-created'],
      ['key-rejected', 'hold'],
      ['quota-exceeded', 'hold'],
    ];
    for (const [kind, decision] of expected) assert.equal(decideCreated(kind), decision, kind);
  });

  it('explains a 404 by naming the endpoint, anything else by the server message', () => {
    const endpoint = 'https://groker.example/api';
    assert.equal(
      explainAnswer('not-found', { status: 404, body: 'nope' }, endpoint),
      `endpoint ${endpoint} answered 404: check the endpoint URL (HTTP 404: nope)`,
    );
    assert.equal(explainAnswer('invalid', { status: 400, body: '{"message":"bad key"}' }, endpoint), 'HTTP 400: bad key');
  });
});

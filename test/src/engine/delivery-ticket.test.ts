import assert from 'node:assert/strict';
import { DeliveryTicket, ticketOf, ticketSlot, TokenSlot } from '../../../src/engine/delivery-ticket';
import type { DeliveryResult } from '../../../src/engine';

describe('delivery tickets', () => {
  const results: DeliveryResult[] = [];
  const onSettled = (result: DeliveryResult): void => {
    results.push(result);
  };
  beforeEach(() => {
    results.length = 0;
  });

  describe('ticketSlot', () => {
    it('keeps nothing without a callback, the callback itself for one event, a shared ticket otherwise', () => {
      assert.equal(ticketSlot('b', 1, 0, undefined), undefined);
      assert.equal(ticketSlot('b', 1, 0, onSettled), onSettled);
      assert.ok(ticketSlot('b', 2, 0, onSettled) instanceof DeliveryTicket);
      assert.ok(ticketSlot('b', 0, 0, onSettled) instanceof DeliveryTicket);
    });

    it('keeps a one-event submit\'s token beside its callback, and hands every submit\'s token back with its result', () => {
      const tokens: unknown[] = [];
      const withToken = (result: DeliveryResult, token: unknown): void => {
        results.push(result);
        tokens.push(token);
      };
      const one = ticketSlot('b', 1, 0, withToken, 'first');
      assert.ok(one instanceof TokenSlot);
      ticketOf(one, 'b', 40)!.delivered(1, 204, 100);
      const shared = ticketSlot('b', 2, 0, withToken, 'second') as DeliveryTicket;
      shared.delivered(1, 204, 100);
      shared.spooled(120);
      assert.deepEqual(tokens, ['first', 'second']);
      assert.deepEqual(results, [
        { bucketKey: 'b', delivered: 1, failed: [], attempts: 1, latencyMs: 60, status: 204 },
        { bucketKey: 'b', delivered: 1, failed: [], attempts: 1, latencyMs: 120, status: 204, spooled: 1 },
      ]);
    });
  });

  describe('ticketOf', () => {
    it('makes a one-event ticket from a callback, with the bucket and the time the event was queued', () => {
      const ticket = ticketOf(onSettled, 'b', 1000)!;
      assert.notEqual(ticketOf(onSettled, 'b', 1000), ticket, 'a ticket of its own per event');
      ticket.delivered(3, 204, 1250);
      assert.deepEqual(results, [{ bucketKey: 'b', delivered: 1, failed: [], attempts: 3, latencyMs: 250, status: 204 }]);
    });

    it('passes a shared ticket and an empty slot through', () => {
      const shared = new DeliveryTicket('b', 2, 0, onSettled);
      assert.equal(ticketOf(shared, 'other', 5), shared);
      assert.equal(ticketOf(undefined, 'b', 5), undefined);
    });
  });

  describe('DeliveryTicket', () => {
    it('settles once, when the last event is delivered or failed, with the most attempts and the last status', () => {
      const ticket = new DeliveryTicket('b', 3, 100, onSettled);
      ticket.delivered(2, 204, 150);
      const failure = ticket.failed({ key: 'k', value: 1 }, 'rejected', 'HTTP 400: bad', 1, 400, 180);
      assert.equal(results.length, 0);
      ticket.delivered(1, 204, 200);
      assert.deepEqual(results, [{ bucketKey: 'b', delivered: 2, failed: [failure], attempts: 2, latencyMs: 100, status: 204 }]);
      assert.deepEqual(failure, { bucketKey: 'b', event: { key: 'k', value: 1 }, reason: 'rejected', message: 'HTTP 400: bad' });
    });

    it('settles an empty submit at once, and only an empty one', () => {
      new DeliveryTicket('b', 1, 0, onSettled).settleIfEmpty(10);
      assert.equal(results.length, 0);
      new DeliveryTicket('b', 0, 0, onSettled).settleIfEmpty(10);
      assert.deepEqual(results, [{ bucketKey: 'b', delivered: 0, failed: [], attempts: 0, latencyMs: 10, status: 0 }]);
    });
  });
});

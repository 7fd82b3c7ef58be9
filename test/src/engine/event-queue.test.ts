import assert from 'node:assert/strict';
import { EventQueue } from '../../../src/engine/event-queue';
import type { IsEvent } from '../../../src/event';
import { events } from './fake-http';

describe('EventQueue', () => {
  const COUNT = 100;
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

  /** `COUNT` events across several chunks, every third with a ticket, queued at 1000 + index. */
  function filled(): EventQueue<string> {
    const queue = new EventQueue<string>();
    events(COUNT).forEach((event, i) => queue.push(event, 1000 + i, i % 3 === 0 ? `t${i}` : undefined, false));
    return queue;
  }

  it('shifts oldest first, handing take each event’s ticket and queue time', () => {
    const queue = filled();
    const shifted: IsEvent[] = [];
    const taken: { ticket: string | undefined; queuedAt: number }[] = [];
    for (let i = 0; i < 40; i++) queue.shiftInto(shifted, taken, (ticket, queuedAt) => ({ ticket, queuedAt }));
    assert.equal(queue.length, COUNT - 40);
    assert.equal(queue.headTime(), 1040);
    assert.deepEqual(shifted.map((event) => event.value), range(40));
    assert.deepEqual(taken, range(40).map((i) => ({ ticket: i % 3 === 0 ? `t${i}` : undefined, queuedAt: 1000 + i })));
  });

  it('drains everything in order and empties', () => {
    const queue = filled();
    const drained: IsEvent[] = [];
    const times: number[] = [];
    queue.drainInto(drained, times, (_, queuedAt) => queuedAt);
    assert.deepEqual(drained.map((event) => event.value), range(COUNT));
    assert.deepEqual(times, range(COUNT).map((i) => 1000 + i));
    assert.equal(queue.length, 0);
    assert.equal(queue.peek(), undefined);
    assert.equal(queue.headTime(), Infinity);
  });
});

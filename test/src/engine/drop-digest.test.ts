import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import type { FailedEvent } from '../../../src/engine/types';
import { DROP_DIGEST_MS, DropDigest } from '../../../src/engine/drop-digest';

const failed = (key: string, reason: FailedEvent['reason'], message = ''): FailedEvent => ({ bucketKey: 'b', event: { key, value: 1 }, reason, message });
const overflow = (n: number, key = 'k'): FailedEvent[] => Array.from({ length: n }, () => failed(key, 'overflow', 'the queue is full'));

describe('DropDigest', () => {
  let clock: sinon.SinonFakeTimers;
  let lines: string[];
  let digest: DropDigest;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
    lines = [];
    digest = new DropDigest((text) => lines.push(text));
  });
  afterEach(() => {
    digest.close();
    clock.restore();
  });

  it('tells the first drop at once and gathers the next ones into one line per interval', () => {
    digest.add(overflow(1, 'first'));
    assert.deepEqual(lines, ['1 event dropped because the queue was full (key "first": the queue is full)']);
    for (let i = 0; i < 500; i++) digest.add(overflow(2));
    digest.add([failed('bad', 'rejected', 'HTTP 400: value too long')]);
    clock.tick(DROP_DIGEST_MS - 1);
    assert.equal(lines.length, 1, 'nothing more inside the interval');
    clock.tick(1);
    assert.deepEqual(lines.slice(1), [
      'in the last 10 s: 1000 events dropped because the queue was full (key "k": the queue is full, …); 1 event rejected by the API (key "bad": HTTP 400: value too long)',
    ]);
    digest.add(overflow(3));
    clock.tick(DROP_DIGEST_MS);
    assert.equal(lines[2], 'in the last 10 s: 3 events dropped because the queue was full (key "k": the queue is full, …)', 'drops that keep coming: a line per interval');
    clock.tick(DROP_DIGEST_MS);
    assert.equal(lines.length, 3, 'a quiet interval writes nothing and ends the digest');
    digest.add(overflow(1, 'later'));
    assert.equal(lines.length, 4, 'so the next drop is told at once');
  });

  it('counts every dropped event in exactly one line', () => {
    let sent = 0;
    for (let i = 0; i < 300; i++) {
      const n = (i % 7) + 1;
      sent += n;
      digest.add(overflow(n));
      clock.tick(97);
    }
    digest.close();
    const told = lines.reduce((sum, line) => sum + Number(/(\d+) events? dropped/.exec(line)![1]), 0);
    assert.equal(told, sent);
    assert.ok(lines.length <= 5, `${lines.length} lines for 300 drops over 29 s`);
  });

  it('tells what it gathered on close, and drops after close at once without a timer', () => {
    digest.add(overflow(1));
    digest.add(overflow(4));
    digest.close();
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /^in the last 10 s: 4 events dropped/);
    digest.add([failed('x', 'closed')]);
    assert.equal(lines[2], '1 event not delivered before close (key "x")');
    assert.equal(clock.countTimers(), 0, 'no timer keeps a closed node alive');
  });

  it('ignores an empty list', () => {
    digest.add([]);
    assert.equal(lines.length, 0);
    assert.equal(clock.countTimers(), 0);
  });
});

import assert from 'node:assert/strict';
import { IndexRanges } from '../../../src/engine/index-ranges';

/** The set's members below `limit`, by asking `has` for each. */
function members(set: IndexRanges, limit: number): number[] {
  return Array.from({ length: limit }, (_, i) => i).filter((i) => set.has(i));
}

describe('IndexRanges', () => {
  it('merges ranges added in any order, touching or overlapping', () => {
    const set = new IndexRanges();
    set.add(10, 12);
    set.add(0, 2);
    set.add(5, 6);
    set.add(2, 3);
    set.add(4, 11);
    set.add(20, 20);
    assert.deepEqual(members(set, 25), [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('counts the members not in another set', () => {
    const written = new IndexRanges();
    written.add(0, 10);
    written.add(15, 20);
    const removed = new IndexRanges();
    removed.add(0, 3);
    removed.add(5, 6);
    removed.add(9, 16);
    removed.add(30, 40);
    assert.equal(written.countWithout(removed), 5 + 4);
    assert.equal(written.countWithout(new IndexRanges()), 15);
    assert.equal(removed.countWithout(written), 15);
  });
});

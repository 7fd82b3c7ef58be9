import * as assert from 'node:assert/strict';
import { BucketError } from '../../src/engine/bucket-error';
import { NodeError, nodeError } from '../../nodes/lib/node-error';

describe('nodes/lib/node-error', () => {
  it('reads as its message alone, with no stack, and keeps a code', () => {
    const err = new NodeError('bucket "x" not created: the account is closing', 'closed');
    assert.equal(String(err), 'bucket "x" not created: the account is closing');
    assert.equal(Object.prototype.hasOwnProperty.call(err, 'stack'), false);
    assert.equal(err.code, 'closed');
    assert.ok(err instanceof Error);
    assert.equal(Object.prototype.hasOwnProperty.call(new NodeError('m'), 'code'), false, 'no code when none is given');
  });

  it('turns any thrown value into one: an Error loses its name, a BucketError keeps its code', () => {
    assert.equal(String(nodeError(new TypeError('Expected `separator` to be a string'))), 'Expected `separator` to be a string');
    const fromBucket = nodeError(new BucketError('key-rejected', 'access key …9999 rejected'));
    assert.deepEqual([String(fromBucket), fromBucket.code], ['access key …9999 rejected', 'key-rejected']);
    assert.equal(String(nodeError('plain text')), 'plain text');
    const same = new NodeError('x');
    assert.equal(nodeError(same), same);
  });
});

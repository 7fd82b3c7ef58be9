import * as assert from 'node:assert/strict';
import { BucketError, describeBucketNotCreated } from '../../../src/engine/bucket-error';
import { describeErrorBody } from '../../../src/engine/error-body';
import { describeKeyRejected } from '../../../src/engine/mask-key';

const KEY = 'ist_abcdefghijklmnopqrstuvwxyz129999';
const count = (text: string, part: string) => text.split(part).length - 1;

describe('error texts: one sentence per case, the cause first', () => {
  it('a rejected key: the key masked once, the service\'s answer once', () => {
    const answer = describeErrorBody(401, '{"message":"ACCESS_DENIED_KEY: this access key is not accepted"}');
    const text = describeKeyRejected(KEY, answer);
    assert.equal(text, 'access key …9999 rejected (HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted)');
    assert.equal(count(text, '…9999'), 1);
    assert.equal(describeKeyRejected(KEY, answer, 'http://127.0.0.1:8890/api'), 'access key …9999 rejected by http://127.0.0.1:8890/api (HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted)');
    assert.equal(describeKeyRejected(KEY, ''), 'access key …9999 rejected');
  });

  it('a rejected key never shows the key, even when the answer quotes it', () => {
    const text = describeKeyRejected(KEY, `HTTP 401: key ${KEY} unknown`);
    assert.ok(!text.includes(KEY), text);
  });

  it('a bucket not created names the bucket, then the cause, once', () => {
    const text = describeBucketNotCreated('trial', describeKeyRejected(KEY, describeErrorBody(401, 'ACCESS_DENIED_KEY')));
    assert.equal(text, 'bucket "trial" not created: access key …9999 rejected (HTTP 401 ACCESS_DENIED_KEY)');
    assert.equal(count(text, 'rejected'), 1);
    assert.equal(count(text, 'not created'), 1);
  });

  it('a BucketError reads as its message alone, keeping its code', () => {
    const err = new BucketError('key-rejected', 'bucket "trial" not created: access key …9999 rejected');
    assert.equal(String(err), 'bucket "trial" not created: access key …9999 rejected');
    assert.equal(err.code, 'key-rejected');
  });
});

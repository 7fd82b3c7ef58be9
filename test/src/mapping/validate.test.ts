import assert from 'node:assert/strict';
import { RULES, validateBucketKey, validateBucketName } from '../../../src/mapping';

describe('validateBucketKey', () => {
  it('accepts a string of 1 to 250 allowed characters', () => {
    for (const key of ['a', 'apiary_bucket', 'b'.repeat(250), 'mit Ümlaut / und Leer zeichen']) {
      assert.equal(validateBucketKey(key), undefined, key);
    }
  });

  it('names the rule a bad bucket key breaks', () => {
    const cases: [unknown, string, string][] = [
      [undefined, RULES.bucketType, 'undefined'],
      [42, RULES.bucketType, '42'],
      ['', RULES.bucketEmpty, '""'],
      ['b'.repeat(251), RULES.bucketLength, `"${'b'.repeat(45)}…" (251 chars)`],
      ['a:b', RULES.bucketForbidden, '"a:b"'],
      ['a"b', RULES.bucketForbidden, '"a\\"b"'],
      ["a'b", RULES.bucketForbidden, '"a\'b"'],
      ['a\nb', RULES.bucketControl, '"a\\nb"'],
    ];
    for (const [key, rule, value] of cases) {
      assert.deepEqual(validateBucketKey(key), { key: '', field: 'bucketKey', rule, value }, value);
    }
  });
});

describe('validateBucketName', () => {
  it('accepts no name, an empty one and up to 250 characters', () => {
    for (const name of [undefined, '', 'Apiary: "hive" 1', 'n'.repeat(250)]) assert.equal(validateBucketName(name), undefined);
  });

  it('names the rule a bad bucket name breaks', () => {
    assert.deepEqual(validateBucketName(null), { key: '', field: 'bucketName', rule: RULES.bucketType, value: 'null' });
    assert.deepEqual(validateBucketName('n'.repeat(251))?.rule, RULES.bucketLength);
  });
});

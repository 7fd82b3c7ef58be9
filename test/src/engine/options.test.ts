import assert from 'node:assert/strict';
import { DEFAULT_ACCOUNT_OPTIONS, maskKey, resolveAccountOptions } from '../../../src/engine';
import type { AccountOptions } from '../../../src/engine';

const KEY = 'ist_SECRETSECRETSECRETSECRETSECRET';

function error(options: Record<string, unknown>): Error {
  try {
    resolveAccountOptions({ accessKey: KEY, ...options } as unknown as AccountOptions);
  } catch (caught) {
    assert.ok(!(caught as Error).message.includes(KEY), 'the key leaked into the message');
    return caught as Error;
  }
  assert.fail(`no error for ${JSON.stringify(options)}`);
}

describe('resolveAccountOptions', () => {
  it('applies the defaults', () => {
    const options = resolveAccountOptions({ accessKey: KEY });
    assert.deepEqual({ ...options, accessKey: undefined }, { ...DEFAULT_ACCOUNT_OPTIONS, accessKey: undefined });
    assert.equal(options.batchSize, 10);
    assert.equal(options.closeTimeout, 5000);
  });

  it('keeps given options and treats undefined as the default', () => {
    const options = resolveAccountOptions({ accessKey: KEY, batchSize: 3, tier: 60, flushInterval: undefined });
    assert.equal(options.batchSize, 3);
    assert.equal(options.tier, 60);
    assert.equal(options.flushInterval, 1000);
  });

  it('defaults memoryWindow to 10 000, or to maxQueue when that is smaller', () => {
    assert.equal(resolveAccountOptions({ accessKey: KEY }).memoryWindow, 10_000);
    assert.equal(resolveAccountOptions({ accessKey: KEY, maxQueue: 8 }).memoryWindow, 8);
    assert.equal(resolveAccountOptions({ accessKey: KEY, maxQueue: 8, memoryWindow: 3 }).memoryWindow, 3);
  });

  it('names the access key without showing it', () => {
    for (const accessKey of ['', '   ', 42]) {
      const caught = error({ accessKey });
      assert.ok(caught instanceof TypeError);
      assert.equal(caught.message, `'accessKey' must be a non-empty string`);
    }
  });

  const cases: [Record<string, unknown>, ErrorConstructor, string][] = [
    [{ batchSize: 0 }, RangeError, `Expected 'batchSize' to be an integer from 1 to 10, got 0 (number)`],
    [{ batchSize: 11 }, RangeError, `Expected 'batchSize' to be an integer from 1 to 10, got 11 (number)`],
    [{ batchSize: 2.5 }, RangeError, `Expected 'batchSize' to be an integer from 1 to 10, got 2.5 (number)`],
    [{ batchSize: '5' }, TypeError, `Expected 'batchSize' to be an integer from 1 to 10, got '5' (string)`],
    [{ flushInterval: -1 }, RangeError, `Expected 'flushInterval' to be an integer from 0 to 60000, got -1 (number)`],
    [{ maxQueue: 0 }, RangeError, `Expected 'maxQueue' to be an integer from 1 to 10000000, got 0 (number)`],
    [{ memoryWindow: 0 }, RangeError, `Expected 'memoryWindow' to be an integer from 1 to 100000, got 0 (number)`],
    [{ maxQueue: 8, memoryWindow: 9 }, RangeError, `Expected 'memoryWindow' to be an integer from 1 to 8, got 9 (number)`],
    [{ memoryWindow: '10' }, TypeError, `Expected 'memoryWindow' to be an integer from 1 to 100000, got '10' (string)`],
    [{ overflow: 'drop-newest' }, RangeError, `Expected 'overflow' to be one of 'drop-oldest', 'refuse-newest', got 'drop-newest' (string)`],
    [{ persist: true }, TypeError, `Expected 'persist' to be one of 'off', 'file', got true (boolean)`],
    [{ persist: 'file' }, TypeError, `Expected 'spoolFile' to be a non-empty file path when 'persist' is 'file', got undefined (undefined)`],
    [{ spoolFile: '' }, TypeError, `Expected 'spoolFile' to be a non-empty file path, got '' (string)`],
    [{ autoCreate: 'yes' }, TypeError, `Expected 'autoCreate' to be one of true, false, got 'yes' (string)`],
    [{ monthlyQuota: -5 }, RangeError, `Expected 'monthlyQuota' to be an integer from 0 to 9007199254740991, got -5 (number)`],
    [{ quotaFile: 7 }, TypeError, `Expected 'quotaFile' to be a non-empty file path, got 7 (number)`],
    [{ transport: 'grpc' }, RangeError, `Expected 'transport' to be one of 'json', 'url', got 'grpc' (string)`],
    [{ closeTimeout: 15000 }, RangeError, `Expected 'closeTimeout' to be an integer from 0 to 14000, got 15000 (number)`],
    [{ requestTimeout: 0 }, RangeError, `Expected 'requestTimeout' to be an integer from 1 to 600000, got 0 (number)`],
    [{ quotaProbeInterval: NaN }, RangeError, `Expected 'quotaProbeInterval' to be an integer from 1 to 86400000, got NaN (number)`],
    [{ backoffBase: 0 }, RangeError, `Expected 'backoffBase' to be an integer from 1 to 3600000, got 0 (number)`],
    [{ backoffBase: 500, backoffCap: 100 }, RangeError, `Expected 'backoffCap' to be an integer from 500 to 3600000, got 100 (number)`],
    [{ windowMs: null }, TypeError, `Expected 'windowMs' to be an integer from 1 to 3600000, got null (null)`],
    [{ tier: 'gold' }, RangeError, `Expected 'tier' to be one of 'student', 'individual', 'enterprise', got 'gold' (string)`],
    [{ tier: 0 }, RangeError, `Expected 'tier' to be an integer from 1 to 10000, got 0 (number)`],
    [{ endpoint: 'ftp://example.com' }, TypeError, `Expected 'endpoint' to be an http or https URL, got 'ftp://example.com' (string)`],
    [{ endpoint: 'not a url' }, TypeError, `Expected 'endpoint' to be an http or https URL, got 'not a url' (string)`],
  ];
  for (const [options, type, message] of cases) {
    it(`rejects ${JSON.stringify(options)}`, () => {
      const caught = error(options);
      assert.equal(caught.constructor, type);
      assert.equal(caught.message, message);
    });
  }

  it('shortens long bad values to 60 characters', () => {
    const caught = error({ overflow: 'x'.repeat(200) });
    assert.match(caught.message, /got 'x{58}… \(string\)$/);
  });
});

describe('maskKey', () => {
  it('shows at most the last 4 characters', () => {
    assert.equal(maskKey('ist_abcdefghijklmnopqrstuvwxyz123456'), '…3456');
    assert.equal(maskKey('short'), '…');
    assert.equal(maskKey(''), '…');
  });
});

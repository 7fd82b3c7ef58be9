import assert from 'node:assert/strict';
import { startEmulator } from '../../../src/emulator';
import type { EmulatorOptions } from '../../../src/emulator/types';
import { resolveOptions, resolveRateLimit } from '../../../src/emulator/validate-options';

describe('emulator options', () => {
  it('fills in the defaults', () => {
    const options = resolveOptions();
    assert.deepEqual(
      [options.port, options.host, options.rateLimit, options.windowMs, options.maxEventsPerRequest, options.monthlyQuota, options.accessKeys, options.maxStoredEvents],
      [0, '127.0.0.1', 30, 10_000, 10, 0, undefined, 1_000_000],
    );
    assert.equal(options.now, Date.now);
  });

  it('takes tier names or numbers as rateLimit', () => {
    assert.deepEqual(['student', 'individual', 'enterprise', 7].map((t) => resolveRateLimit(t)), [10, 30, 60, 7]);
  });

  it('rejects bad options naming the option, the rule and the value', () => {
    const cases: [EmulatorOptions, string][] = [
      [{ port: 70000 }, 'Expected `port` to be an integer from 0 to 65535, got `70000` (number)'],
      [{ host: '' }, 'Expected `host` to be a non-empty string, got `""` (string)'],
      [{ rateLimit: 'gold' as 'student' }, 'Expected `rateLimit` to be one of student, individual, enterprise or an integer from 1 to 1000000, got `"gold"` (string)'],
      [{ rateLimit: 0 }, 'Expected `rateLimit` to be one of student, individual, enterprise or an integer from 1 to 1000000, got `0` (number)'],
      [{ windowMs: 0 }, 'Expected `windowMs` to be an integer from 1 to 86400000 (ms), got `0` (number)'],
      [{ maxEventsPerRequest: -1 }, 'Expected `maxEventsPerRequest` to be an integer from 0 (no limit) to 1000000, got `-1` (number)'],
      [{ monthlyQuota: 1.5 }, 'Expected `monthlyQuota` to be an integer from 0 (unlimited) and up, got `1.5` (number)'],
      [{ accessKeys: 'ist_x' as unknown as string[] }, 'Expected `accessKeys` to be an array of non-empty strings, got `"ist_x"` (string)'],
      [{ now: 5 as unknown as () => number }, 'Expected `now` to be a function, got `5` (number)'],
      [{ maxStoredEvents: 0 }, 'Expected `maxStoredEvents` to be an integer from 1 and up, got `0` (number)'],
    ];
    for (const [options, message] of cases) assert.throws(() => resolveOptions(options), { name: 'TypeError', message });
  });

  it('never echoes an access key from a bad accessKeys list', () => {
    assert.throws(() => resolveOptions({ accessKeys: ['ist_secretsecretsecret', ''] }), (err: Error) => {
      assert.equal(err.message, 'Expected `accessKeys[1]` to be a non-empty string, got `""` (string)');
      return true;
    });
    assert.throws(() => resolveOptions({ accessKeys: [42 as unknown as string] }), /`accessKeys\[0\]` to be a non-empty string, got `"number"`/);
  });

  it('startEmulator() and configure() reject bad options', async () => {
    await assert.rejects(startEmulator({ windowMs: -5 }), /`windowMs`/);
    const emulator = await startEmulator();
    try {
      assert.throws(() => emulator.configure({ monthlyQuota: -1 }), /`monthlyQuota`/);
      assert.throws(() => emulator.injectFault({ kind: 'slow', delayMs: -1 }), /`delayMs`/);
      assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(emulator.apiUrl, `${emulator.url}/api`);
      assert.ok(emulator.port > 0);
    } finally {
      await emulator.close();
    }
  });
});

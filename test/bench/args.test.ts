import assert from 'node:assert/strict';
import { defaultOptions, parseArgs, PARTS } from '../../bench/args';

describe('bench args', () => {
  it('runs every part with the 10 s window by default', () => {
    const options = parseArgs([]);
    assert.deepEqual(options.only, [...PARTS]);
    assert.equal(options.windowMs, 10_000);
    assert.equal(options.events, 3000);
    assert.equal(options.rateLimit, 30);
  });

  it('--fast shortens the window and the counts, and later flags still win', () => {
    const options = parseArgs(['--fast', '--window-ms', '2000']);
    assert.equal(options.fast, true);
    assert.equal(options.windowMs, 2000);
    assert.ok(options.processEvents < defaultOptions(false).processEvents);
    assert.equal(parseArgs(['--fast']).windowMs, 1000);
  });

  it('--only keeps the run order whatever order it is given in', () => {
    assert.deepEqual(parseArgs(['--only', 'memory,quota']).only, ['quota', 'memory']);
  });

  it('reads lists and integers', () => {
    const options = parseArgs(['--queue-sizes', '1000,2000', '--events', '50', '--out', '/tmp/x.json']);
    assert.deepEqual(options.queueSizes, [1000, 2000]);
    assert.equal(options.events, 50);
    assert.equal(options.out, '/tmp/x.json');
  });

  it('names the flag, the rule and the bad value', () => {
    assert.throws(() => parseArgs(['--window-ms', 'ten']), { name: 'RangeError', message: "Expected `--window-ms` to be an integer from 100 to 60000, got 'ten'" });
    assert.throws(() => parseArgs(['--events']), { message: 'Expected `--events` to be an integer from 10 to 1000000, got nothing' });
    assert.throws(() => parseArgs(['--only', 'quota,speed']), { message: /`--only` to list parts among quota, .*, got 'speed'/ });
    assert.throws(() => parseArgs(['--rate-limit', '2.5']), { message: /got '2.5'/ });
    assert.throws(() => parseArgs(['--turbo']), { message: /Expected a flag among .*--window-ms.*, got '--turbo'/ });
  });

  it('shortens a long bad value', () => {
    assert.throws(() => parseArgs(['--events', 'x'.repeat(100)]), (err: Error) => err.message.endsWith(`'${'x'.repeat(39)}…'`));
  });
});

import assert from 'node:assert/strict';
import { DEFAULT_BACKLOGS, defaultOptions, parseArgs, PARTS } from '../../bench/args';

describe('bench args', () => {
  it('runs every part with the 10 s window by default', () => {
    const options = parseArgs([]);
    assert.deepEqual(options.only, [...PARTS]);
    assert.equal(options.windowMs, 10_000);
    assert.deepEqual(options.backlogs.map((b) => `${b.events}@${b.rateLimit}${b.countBuckets ? '+buckets' : ''}`).join(','), DEFAULT_BACKLOGS);
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
    assert.deepEqual(parseArgs(['--only', 'memory,backlog']).only, ['backlog', 'memory']);
  });

  it('reads lists and integers', () => {
    const options = parseArgs(['--queue-sizes', '1000,2000', '--backlogs', '50@10, 3000@60+buckets', '--out', '/tmp/x.json']);
    assert.deepEqual(options.queueSizes, [1000, 2000]);
    assert.deepEqual(options.backlogs, [
      { events: 50, rateLimit: 10, countBuckets: false },
      { events: 3000, rateLimit: 60, countBuckets: true },
    ]);
    assert.equal(options.out, '/tmp/x.json');
  });

  it('names the flag, the rule and the bad value', () => {
    assert.throws(() => parseArgs(['--window-ms', 'ten']), { name: 'RangeError', message: "Expected `--window-ms` to be an integer from 100 to 60000, got 'ten'" });
    assert.throws(() => parseArgs(['--process-events']), { message: 'Expected `--process-events` to be an integer from 10 to 1000000, got nothing' });
    assert.throws(() => parseArgs(['--backlogs', '600@30,600at30']), { message: /`--backlogs` entries as EVENTS@LIMIT\[\+buckets\] .*, got '600at30'/ });
    assert.throws(() => parseArgs(['--backlogs', '5@30']), { message: /got '5@30'/ });
    assert.throws(() => parseArgs(['--only', 'backlog,speed']), { message: /`--only` to list parts among backlog, .*, got 'speed'/ });
    assert.throws(() => parseArgs(['--rate-limit', '2.5']), { message: /got '2.5'/ });
    assert.throws(() => parseArgs(['--turbo']), { message: /Expected a flag among .*--window-ms.*, got '--turbo'/ });
  });

  it('shortens a long bad value', () => {
    assert.throws(() => parseArgs(['--messages', 'x'.repeat(100)]), (err: Error) => err.message.endsWith(`'${'x'.repeat(39)}…'`));
  });
});

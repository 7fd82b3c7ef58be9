import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseCli } from '../../../src/emulator/cli';

const CLI = path.resolve(__dirname, '../../../src/emulator/cli.js');

/** Runs the CLI; `onOutput` sees stdout as it grows and may signal the process. */
function run(args: string[], onOutput: (stdout: string, kill: (signal: NodeJS.Signals) => void) => void = () => {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onOutput(stdout, (signal) => child.kill(signal));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('initialstate-emulator CLI', () => {
  it('parses every flag into options', () => {
    const options = parseCli([
      '--port', '9000', '--host', '0.0.0.0', '--rate-limit', 'student', '--window-ms', '2000', '--quota', '100',
      '--access-key', 'ist_a', '--access-key', 'ist_b', '--max-events', '0', '--count-buckets', '--strict', '--quiet',
    ]);
    assert.deepEqual(options, {
      port: 9000, host: '0.0.0.0', rateLimit: 10, windowMs: 2000, monthlyQuota: 100, accessKeys: ['ist_a', 'ist_b'], maxEventsPerRequest: 0, countBuckets: true, strict: true,
    });
    assert.equal(parseCli([])?.countBuckets, undefined, 'buckets not counted unless asked (the option defaults to false)');
    assert.equal(parseCli(['--rate-limit', '45'])?.rateLimit, 45);
    assert.equal(parseCli([])?.port, 8888, 'port 8888 by default');
    assert.equal(typeof parseCli([])?.log, 'function', 'logs requests unless --quiet');
    assert.equal(parseCli(['--help']), undefined);
  });

  it('rejects bad flag values naming the flag', () => {
    assert.throws(() => parseCli(['--port', 'abc']), /Expected `--port` to be a whole number, got `abc`/);
    assert.throws(() => parseCli(['--rate-limit', 'gold']), /Expected `--rate-limit` to be one of student, individual, enterprise/);
    assert.throws(() => parseCli(['--bogus']), /bogus/);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /Usage: initialstate-emulator/);
    assert.match(stdout, /--access-key/);
    assert.match(stdout, /--strict/);
    assert.match(stdout, /typed by guess/, 'says how URL-parameter values are typed');
  });

  it('prints the dashboard and API URLs, serves, and closes cleanly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      let served = false;
      const { code, stdout } = await run(['--port', '0', '--quiet'], (out, kill) => {
        const api = /API:\s+(http:\/\/127\.0\.0\.1:\d+\/api)/.exec(out)?.[1];
        if (!api || served) return;
        served = true;
        fetch(`${api}/versions`)
          .then((res) => assert.equal(res.status, 200))
          .finally(() => kill(signal));
      });
      assert.ok(served, stdout);
      assert.match(stdout, /dashboard: http:\/\/127\.0\.0\.1:\d+\//);
      assert.match(stdout, new RegExp(`${signal}: closing`));
      assert.equal(code, 0);
    }
  });

  it('exits 2 with the error for a bad option', async () => {
    const { code, stderr } = await run(['--window-ms', 'soon']);
    assert.equal(code, 2);
    assert.match(stderr, /initialstate-emulator: Expected `--window-ms` to be a whole number, got `soon`/);
  });
});

/**
 * The published tarball, installed into a plain Node-RED user directory as a user would
 * (`npm install <tarball>` in ~/.node-red), loads: Node-RED starts and its admin API lists our
 * three node types. Runs against the Node-RED under test (4 by default, 5 in the compat run).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_RED_CLI } from '../support/node-red-path';
import { freePort } from '../support/poll';
import { systemNpmEnv } from '../support/system-npm';

const root = path.resolve(__dirname, '..', '..', '..');

async function waitForNodes(port: number, red: ChildProcess, output: () => string): Promise<unknown[]> {
  for (let i = 0; i < 240; i++) {
    if (red.exitCode !== null) throw new Error(`Node-RED exited with ${red.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/nodes`, { headers: { Accept: 'application/json' } });
      if (res.ok) return (await res.json()) as unknown[];
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Node-RED did not answer on port ${port}:\n${output()}`);
}

describe('package: npm pack, install into a Node-RED user dir', function () {
  this.timeout(180_000);
  let work: string;
  let red: ChildProcess | undefined;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'is-pack-'));
  });

  after(async () => {
    if (red && red.exitCode === null) {
      const exited = new Promise((r) => red!.once('exit', r));
      red.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('ships only what a user needs, and Node-RED lists the three nodes after install', async () => {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', env: systemNpmEnv() }),
    ) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    for (const needed of [
      'package.json',
      'dist/nodes/initialstate-account.js',
      'dist/nodes/initialstate-account.html',
      'dist/nodes/initialstate-stream.js',
      'dist/nodes/initialstate-stream.html',
      'dist/nodes/initialstate-bucket.js',
      'dist/nodes/initialstate-bucket.html',
      'dist/src/emulator/cli.js',
    ]) {
      assert.ok(files.includes(needed), `tarball lacks ${needed}`);
    }
    assert.ok(files.some((f) => f.startsWith('dist/nodes/icons/')), 'tarball lacks the icons beside the nodes');
    assert.ok(files.some((f) => f.startsWith('dist/nodes/locales/en-US/')), 'tarball lacks the locales beside the nodes');
    assert.ok(files.some((f) => f.startsWith('examples/')), 'tarball lacks the examples');
    assert.deepEqual(files.filter((f) => /^(dist\/test|test|src|nodes|bench)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts')), []);

    const userDir = path.join(work, 'userdir');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', path.join(work, packed[0].filename)], {
      cwd: userDir,
      stdio: 'pipe',
      env: systemNpmEnv(),
    });

    // The programmatic API and the emulator's command are usable from the installed package.
    const api = execFileSync(process.execPath, ['-p', "Object.keys(require('node-red-contrib-initial-state')).sort().join(' ')"], { cwd: userDir, encoding: 'utf8' });
    for (const name of ['AccountEngine', 'mapPayload', 'startEmulator', 'resolveAccountOptions']) assert.match(api, new RegExp(`\\b${name}\\b`));
    const help = execFileSync(path.join(userDir, 'node_modules', '.bin', 'initialstate-emulator'), ['--help'], { encoding: 'utf8' });
    assert.match(help, /--rate-limit/);

    const port = await freePort();
    let log = '';
    red = spawn(process.execPath, [NODE_RED_CLI, '--userDir', userDir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    red.stdout!.on('data', (c) => (log += c));
    red.stderr!.on('data', (c) => (log += c));
    const sets = (await waitForNodes(port, red, () => log)) as { module: string; types: string[]; enabled: boolean; err?: string }[];
    const ours = sets.filter((s) => s.module === 'node-red-contrib-initial-state');
    assert.deepEqual(ours.map((s) => s.err).filter(Boolean), [], 'node sets failed to load');
    assert.deepEqual(ours.flatMap((s) => s.types).sort(), ['initialstate-account', 'initialstate-bucket', 'initialstate-stream']);
    assert.ok(ours.every((s) => s.enabled));
  });
});

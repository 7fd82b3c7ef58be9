/**
 * Node-RED processes for the Redis part: this package packed (`npm pack`, as it would be
 * published) and installed once into a temporary folder with `npm install`, then one real
 * Node-RED process per instance, each on its own user directory whose `node_modules` is that
 * install. Each flow holds one account on the given key and a `POST /backlog?count=N` endpoint
 * that pushes N events at once into a stream node (values 0..N-1, key `seq`).
 */
import { execFileSync, spawn, type ChildProcess, type ExecFileSyncOptionsWithStringEncoding } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, waitFor } from '../../test/support/poll';
import { systemNpmEnv } from '../../test/support/system-npm';

/** The repository: `dist/bench/parts` is three levels below it. */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const NODE_RED_CLI = path.join(path.dirname(require.resolve('node-red/package.json')), 'red.js');

/** A packed and installed copy of the package; {@link PackedInstall.dispose} removes it. */
export interface PackedInstall {
  /** The folder whose `node_modules` holds the package and its dependencies. */
  dir: string;
  /** The tarball's file name. */
  tarball: string;
  dispose(): void;
}

/**
 * Packs the package from the build already in `dist` (`--ignore-scripts`: `prepare` would
 * rebuild `dist` under the running bench) and installs the tarball into a temporary folder.
 */
export function packAndInstall(): PackedInstall {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'initialstate-account.js'))) throw new Error('no build in dist: run `npm run build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'is-bench-redis-install-'));
  const quiet: ExecFileSyncOptionsWithStringEncoding = { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: systemNpmEnv() };
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], quiet)) as Array<{ filename: string }>;
  const tarball = packed[0]!.filename;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-redis-install', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', path.join(dir, tarball)], { ...quiet, cwd: dir });
  return { dir, tarball, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** What one instance's account is set to. */
export interface InstanceSettings {
  endpoint: string;
  accessKey: string;
  bucketKey: string;
  rateLimit: number;
  windowMs: number;
  /** Absent: `rateShare` local (headers only). */
  redisUrl?: string;
  redisPrefix?: string;
}

/** The flow of one instance (see the file's TSDoc). */
function flow(settings: InstanceSettings): unknown[] {
  const z = 'bench-tab';
  const at = { z, x: 100, y: 100 };
  return [
    { id: z, type: 'tab', label: 'Bench' },
    {
      id: 'bench-account',
      type: 'initialstate-account',
      name: 'bench',
      endpoint: settings.endpoint,
      bucketKey: settings.bucketKey,
      bucketName: settings.bucketKey,
      tier: 'custom',
      rateLimit: settings.rateLimit,
      windowMs: settings.windowMs,
      batchSize: 10,
      flushInterval: 100,
      maxQueue: 100_000,
      monthlyQuota: 0,
      rateShare: settings.redisUrl ? 'redis' : 'local',
      redisPrefix: settings.redisPrefix ?? '',
    },
    { id: 'bench-in', type: 'http in', ...at, url: '/backlog', method: 'post', wires: [['bench-fill']] },
    {
      id: 'bench-fill',
      type: 'function',
      ...at,
      outputs: 2,
      func: 'const n = Number(msg.req.query.count);\nfor (let i = 0; i < n; i++) node.send([{ payload: i }, null]);\nmsg.payload = String(n);\nreturn [null, msg];',
      wires: [['bench-stream'], ['bench-out']],
    },
    { id: 'bench-stream', type: 'initialstate-stream', ...at, account: 'bench-account', key: 'seq', keyType: 'str', wires: [] },
    { id: 'bench-out', type: 'http response', ...at, statusCode: '200', wires: [] },
  ];
}

/** One Node-RED process running {@link flow}. */
export class BenchInstance {
  readonly userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'is-bench-redis-red-'));
  output = '';
  #child: ChildProcess | undefined;
  #port = 0;

  constructor(
    install: PackedInstall,
    readonly settings: InstanceSettings,
  ) {
    fs.symlinkSync(path.join(install.dir, 'node_modules'), path.join(this.userDir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(this.userDir, 'package.json'), JSON.stringify({ name: 'bench-redis-user', private: true }));
    fs.writeFileSync(path.join(this.userDir, 'flows.json'), JSON.stringify(flow(settings)));
    const credentials: Record<string, string> = { accessKey: settings.accessKey };
    if (settings.redisUrl) credentials.redisUrl = settings.redisUrl;
    fs.writeFileSync(path.join(this.userDir, 'flows_cred.json'), JSON.stringify({ 'bench-account': credentials }));
  }

  /** Starts Node-RED and resolves once its flows started. */
  async start(): Promise<void> {
    this.#port = await freePort();
    const settings = path.join(this.userDir, 'settings.js');
    const values = { uiHost: '127.0.0.1', uiPort: this.#port, flowFile: 'flows.json', credentialSecret: false, httpAdminRoot: false, logging: { console: { level: 'info', metrics: false, audit: false } } };
    fs.writeFileSync(settings, `module.exports = ${JSON.stringify(values)};\n`);
    const child = spawn(process.execPath, [NODE_RED_CLI, '--userDir', this.userDir, '--settings', settings], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await waitFor('Node-RED to start its flows', () => {
      if (child.exitCode !== null) throw new Error(`Node-RED exited (${child.exitCode}):\n${this.output.slice(-2000)}`);
      return /Started flows/.test(this.output);
    }, { timeoutMs: 60_000, intervalMs: 50, describe: () => this.output.slice(-1000) });
  }

  /** Pushes `count` events into the stream node at once; resolves when the flow took them. */
  async backlog(count: number): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.#port}/backlog?count=${count}`, { method: 'POST' });
    const text = await res.text();
    if (res.status !== 200 || text !== String(count)) throw new Error(`POST /backlog answered ${res.status}: ${text.slice(0, 200)}`);
  }

  /** Stops Node-RED (SIGINT, SIGKILL after 10 s) and removes its user directory. */
  async dispose(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.userDir, { recursive: true, force: true });
  }
}

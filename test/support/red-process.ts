import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_RED_CLI } from './node-red-path';
import { freePort, waitFor } from './poll';

/** The compiled tree these tests run from (`dist` or a private build folder): holds nodes/ and src/. */
export const BUILD_ROOT = path.resolve(__dirname, '..', '..');

/** The package's source tree (its package.json and node_modules): the build's parent or the working directory. */
export const PACKAGE_ROOT: string = (() => {
  for (const dir of [path.dirname(BUILD_ROOT), process.cwd()]) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).name === 'node-red-contrib-initial-state') return dir;
  }
  throw new Error(`cannot find the package root above ${BUILD_ROOT} or in ${process.cwd()}: run mocha from the repository`);
})();

/** A node of a flow as `flows.json` and `POST /flows` hold it. */
export type FlowNode = Record<string, unknown> & { id: string; type: string };

/**
 * A real Node-RED process on a temporary user directory that has this package installed
 * (a package folder in `node_modules` whose `dist` links to {@link BUILD_ROOT}), settings with
 * `credentialSecret: false` and console logging at `trace`. The build's modules resolve their
 * dependencies from its real path, so a private build folder needs a `node_modules` link beside it. Stdout and stderr are kept for
 * assertions. The user directory survives `stop()`, so `start()` again is a restart on it.
 */
export class RedProcess {
  /** The temporary user directory (flows, credentials, spool files); removed by {@link RedProcess.dispose}. */
  readonly userDir: string;
  #child: ChildProcess | undefined;
  #output = '';
  #port = 0;

  constructor() {
    this.userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'is-reliability-red-'));
    const pkg = path.join(this.userDir, 'node_modules', 'node-red-contrib-initial-state');
    fs.mkdirSync(pkg, { recursive: true });
    fs.copyFileSync(path.join(PACKAGE_ROOT, 'package.json'), path.join(pkg, 'package.json'));
    fs.symlinkSync(BUILD_ROOT, path.join(pkg, 'dist'), 'dir');
    fs.writeFileSync(path.join(this.userDir, 'package.json'), JSON.stringify({ name: 'reliability-user-dir', private: true }));
  }

  /** Everything the process (all its runs) wrote to stdout and stderr. */
  get output(): string {
    return this.#output;
  }

  /** `http://127.0.0.1:PORT` of the running editor and admin API. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** True while the Node-RED process runs. */
  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Writes `flows.json` and `flows_cred.json` (plain: credentialSecret is false). */
  writeFlows(flows: FlowNode[], credentials: Record<string, Record<string, string>>): void {
    fs.writeFileSync(path.join(this.userDir, 'flows.json'), JSON.stringify(flows, null, 2));
    fs.writeFileSync(path.join(this.userDir, 'flows_cred.json'), JSON.stringify(credentials, null, 2));
  }

  /** Reads a file of the user directory, `''` when it does not exist. */
  readFile(name: string): string {
    const file = path.join(this.userDir, name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  /** Starts Node-RED (on a new free port) and resolves once it logged that the flows started. */
  async start(): Promise<void> {
    if (this.running) throw new Error('Node-RED is already running');
    this.#port = await freePort();
    const settings = path.join(this.userDir, 'settings.js');
    fs.writeFileSync(
      settings,
      `module.exports = ${JSON.stringify({
        uiHost: '127.0.0.1',
        uiPort: this.#port,
        flowFile: 'flows.json',
        credentialSecret: false,
        editorTheme: { tours: false },
        logging: { console: { level: 'trace', metrics: false, audit: false } },
      })};\n`,
    );
    const runStart = this.#output.length;
    const child = spawn(process.execPath, [NODE_RED_CLI, '--userDir', this.userDir, '--settings', settings], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    await waitFor('Node-RED to start its flows', () => {
      if (!this.running) throw new Error(`Node-RED exited (${child.exitCode ?? child.signalCode}):\n${this.#output.slice(runStart)}`);
      return /Started flows/.test(this.#output.slice(runStart));
    }, { timeoutMs: 30_000, intervalMs: 50, describe: () => this.#output.slice(runStart).slice(-2000) });
  }

  /** Sends `signal` and resolves once the process exited (SIGKILL after `graceMs`, default 20 000). */
  async stop(signal: NodeJS.Signals = 'SIGINT', graceMs = 20_000): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the process if it runs (SIGKILL) and removes the user directory: for `after` hooks. */
  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    fs.rmSync(this.userDir, { recursive: true, force: true });
  }

  /** A request to the running Node-RED's admin API or HTTP endpoints. */
  request(route: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${route}`, init);
  }

  /** Deploys `flows` (`POST /flows`, full deployment) and waits until they started again. */
  async deployFull(flows: FlowNode[]): Promise<void> {
    const before = this.#output.length;
    const res = await this.request('/flows', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(flows),
    });
    if (res.status !== 204 && res.status !== 200) throw new Error(`deploy answered ${res.status}: ${await res.text()}`);
    await waitFor('the redeployed flows to start', () => /Started flows/.test(this.#output.slice(before)), { timeoutMs: 30_000 });
  }
}

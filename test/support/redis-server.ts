/**
 * A real `redis-server` for one test: started on a free loopback port with no persistence
 * (`--save "" --appendonly no`), stopped by its pid. Where the binary is missing the Redis
 * suites skip, each with one line saying so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { freePort, waitFor } from './poll';

/** The `redis-server` binary on the PATH, or undefined when there is none. */
export const REDIS_SERVER: string | undefined = (() => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const file = found.status === 0 ? found.stdout.trim() : '';
  return file && fs.existsSync(file) ? file : undefined;
})();

/** The line a Redis suite skips with where there is no `redis-server`. */
export const NO_REDIS = 'skipped: no redis-server binary on the PATH (Debian: apt-get install redis-server)';

/** A Redis suite's title: where there is no `redis-server`, it says the suite is skipped and why (one line in the run). */
export function redisSuite(title: string): string {
  return REDIS_SERVER ? title : `${title}: ${NO_REDIS}`;
}

/** Skips the running mocha test (call in `before`/`beforeEach` or the test) when there is no `redis-server`. */
export function requireRedis(context: Mocha.Context): void {
  if (!REDIS_SERVER) context.skip();
}

/** One `redis-server` process; `start()` again after `stop()` restarts it on the same port. */
export class RedisServer {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'is-redis-'));
  port = 0;
  #child: ChildProcess | undefined;
  #output = '';

  /** `redis://127.0.0.1:PORT`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The pid of the running server, undefined when stopped. */
  get pid(): number | undefined {
    return this.#child?.exitCode === null && this.#child.signalCode === null ? this.#child.pid : undefined;
  }

  /** Starts the server (on a new free port the first time) and resolves once it accepts connections. */
  async start(): Promise<void> {
    if (!REDIS_SERVER) throw new Error(NO_REDIS);
    if (this.pid) throw new Error('redis-server already runs');
    if (!this.port) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--protected-mode', 'no'];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const from = this.#output.length;
    child.stdout!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    await waitFor('redis-server to accept connections', () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}):\n${this.#output.slice(from)}`);
      return /Ready to accept connections/.test(this.#output.slice(from));
    }, { intervalMs: 20 });
  }

  /** Stops the server by its pid (`SIGKILL` by default: Redis dies as a crash would) and waits for its exit. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child || !this.pid) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid!, signal);
    await exited;
  }

  /** Stops the server and removes its folder: for `after` hooks. */
  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs one command on the server with a short-lived client (for inspection). */
  async command(args: string[]): Promise<unknown> {
    const client = createClient({ url: this.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await client.sendCommand(args);
    } finally {
      client.destroy();
    }
  }

  /**
   * The calls Redis has answered so far, from `INFO commandstats`: those named in `only` (e.g.
   * `['evalsha', 'eval']`), else every command (those scripts ran included) but the ones an
   * inspecting client sends (`INFO`, `HELLO`, `CLIENT`, `FLUSHALL`, `KEYS`, `HGETALL`).
   */
  async commandCount(only?: string[]): Promise<number> {
    const info = String(await this.command(['INFO', 'commandstats']));
    const inspection = ['info', 'hello', 'client|setinfo', 'client', 'flushall', 'keys', 'hgetall'];
    return [...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)]
      .filter((m) => (only ? only.includes(m[1]!) : !inspection.includes(m[1]!)))
      .reduce((n, m) => n + Number(m[2]), 0);
  }
}

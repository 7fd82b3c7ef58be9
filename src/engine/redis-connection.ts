/**
 * One connection to Redis for a shared rate limit: the official client (`redis`, node-redis),
 * loaded only when an account asks for Redis; whether Redis is reachable now; the scripts run
 * by `EVALSHA` (loaded on `NOSCRIPT`); reconnection by itself; and the log of an outage (its
 * cause once, then at most once a minute while it lasts, and the recovery).
 */
import type { RedisClientType } from 'redis';
import { maskRedisUrl } from './redis-url';
import { scriptSha } from './redis-script';

/** Where the connection's lines go (the account node's log and warnings). */
export interface RedisLog {
  info(text: string): void;
  warn(text: string): void;
}

/** Options of a {@link RedisConnection}; the checked URL is required, every other has a default. */
export interface RedisConnectionOptions {
  /** A checked `redis://` or `rediss://` URL. */
  url: string;
  /** ms the first connection may take before the account starts limiting locally. Default 2000. */
  connectTimeoutMs?: number;
  /** ms a script may take before Redis counts as unreachable. Default 2000. */
  commandTimeoutMs?: number;
  /** Longest ms between reconnection attempts. Default 1000. */
  reconnectMs?: number;
  /** ms between repeated outage lines while Redis stays unreachable. Default 60 000. */
  repeatLogMs?: number;
  /** Where outages and recoveries are told. Default: nowhere. */
  log?: RedisLog;
  /** Called when Redis becomes reachable (`true`) or unreachable (`false`). */
  onChange?: (up: boolean) => void;
}

type State = 'connecting' | 'up' | 'down' | 'closed';

/** A short cause such as `ECONNREFUSED 127.0.0.1:6379` for an error of the client or the socket. */
export function shortCause(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; errors?: unknown[] };
  if (Array.isArray(e?.errors) && e.errors.length > 0) return shortCause(e.errors[e.errors.length - 1]);
  if (e?.code && e.address) return `${e.code} ${e.address}${e.port ? `:${e.port}` : ''}`;
  if (e?.code) return String(e.code);
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 120 ? `${message.slice(0, 119)}…` : message;
}

/** See the file's TSDoc. */
export class RedisConnection {
  readonly #url: string;
  readonly #shown: string;
  readonly #commandTimeoutMs: number;
  readonly #reconnectMs: number;
  readonly #repeatLogMs: number;
  readonly #log?: RedisLog;
  readonly #onChange?: (up: boolean) => void;
  readonly #loaded = new Set<string>();
  #state: State = 'connecting';
  #client: RedisClientType | undefined;
  #firstAttempt: Promise<void>;
  #downSince = 0;
  #lastLog = 0;
  #probe: NodeJS.Timeout | undefined;

  constructor(options: RedisConnectionOptions) {
    this.#url = options.url;
    this.#shown = maskRedisUrl(options.url);
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 2000;
    this.#reconnectMs = options.reconnectMs ?? 1000;
    this.#repeatLogMs = options.repeatLogMs ?? 60_000;
    this.#log = options.log;
    this.#onChange = options.onChange;
    this.#firstAttempt = this.#start(options.connectTimeoutMs ?? 2000);
  }

  /** True while scripts can run (connected, and the last command was answered). */
  get up(): boolean {
    return this.#state === 'up';
  }

  /** True until the first connection attempt succeeded or failed. */
  get connecting(): boolean {
    return this.#state === 'connecting';
  }

  /** Resolves once the first connection attempt succeeded or failed (at most `connectTimeoutMs`). */
  ready(): Promise<void> {
    return this.#firstAttempt;
  }

  /**
   * Runs `script` with `EVALSHA` (loading it on `NOSCRIPT`) and resolves with its integer reply.
   * Rejects while Redis is unreachable; a failure or a reply later than `commandTimeoutMs`
   * marks Redis unreachable until it answers again.
   */
  async run(script: string, keys: string[], args: Array<string | number>): Promise<number[]> {
    const client = this.#client;
    if (!client || this.#state !== 'up') throw new Error('Redis is unreachable');
    const sha = scriptSha(script);
    const options = { keys, arguments: args.map(String) };
    const call = async (): Promise<unknown> => {
      if (!this.#loaded.has(sha)) {
        try {
          return await client.evalSha(sha, options);
        } catch (err) {
          if (!/^NOSCRIPT/.test((err as Error).message)) throw err;
          await client.scriptLoad(script);
          this.#loaded.add(sha);
        }
      }
      return client.evalSha(sha, options);
    };
    try {
      const reply = await this.#timed(call(), `no answer from Redis within ${this.#commandTimeoutMs} ms`);
      return (reply as unknown[]).map(Number);
    } catch (err) {
      // A NOSCRIPT after a Redis restart (its script cache is empty) loads the script again.
      if (/^NOSCRIPT/.test((err as Error).message)) this.#loaded.delete(sha);
      else this.#down(err);
      throw err;
    }
  }

  /** Closes the connection (waiting for nothing Redis still owes). */
  async close(): Promise<void> {
    this.#state = 'closed';
    clearInterval(this.#probe);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      try {
        client.destroy();
      } catch {
        // Already closed.
      }
    }
  }

  /** Loads the client, then gives the first connection `connectTimeoutMs` (the module's loading is not counted). */
  async #start(connectTimeoutMs: number): Promise<void> {
    let createClient: typeof import('redis').createClient;
    try {
      ({ createClient } = await import('redis'));
    } catch (err) {
      this.#down(err);
      return;
    }
    if (this.#state === 'closed') return;
    const client = createClient({
      url: this.#url,
      // While Redis is away, commands fail at once: the account limits locally meanwhile.
      disableOfflineQueue: true,
      socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, this.#reconnectMs) },
    }) as RedisClientType;
    this.#client = client;
    client.on('error', (err: unknown) => this.#down(err));
    client.on('ready', () => this.#up());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.#state === 'connecting') this.#down(new Error(`no connection within ${connectTimeoutMs} ms`));
        resolve();
      }, connectTimeoutMs);
    });
    const connected = client.connect().then(
      () => undefined,
      (err: unknown) => this.#down(err),
    );
    await Promise.race([connected, timeout]).finally(() => clearTimeout(timer));
  }

  #timed<T>(work: Promise<T>, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(message)), this.#commandTimeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  #up(): void {
    if (this.#state === 'closed' || this.#state === 'up') return;
    const wasDown = this.#state === 'down';
    this.#state = 'up';
    clearInterval(this.#probe);
    this.#probe = undefined;
    if (wasDown) {
      const seconds = Math.round((Date.now() - this.#downSince) / 1000);
      this.#log?.info(`Redis reachable again at ${this.#shown} after ${seconds} s: the rate limit is shared through Redis again`);
    } else {
      this.#log?.info(`sharing the rate limit through Redis at ${this.#shown}`);
    }
    this.#onChange?.(true);
  }

  #down(err: unknown): void {
    if (this.#state === 'closed') return;
    const now = Date.now();
    const cause = shortCause(err);
    if (this.#state !== 'down') {
      this.#state = 'down';
      this.#downSince = now;
      this.#lastLog = now;
      this.#log?.warn(`Redis unreachable at ${this.#shown} (${cause}): limiting locally until it is back`);
      // A hung Redis keeps its socket: ask it now and then whether it answers again.
      this.#probe = setInterval(() => this.#ping(), this.#reconnectMs);
      this.#probe.unref();
      this.#onChange?.(false);
    } else if (now - this.#lastLog >= this.#repeatLogMs) {
      this.#lastLog = now;
      this.#log?.warn(`Redis still unreachable at ${this.#shown} (${cause}) for ${Math.round((now - this.#downSince) / 1000)} s: limiting locally`);
    }
  }

  #ping(): void {
    const client = this.#client;
    if (!client?.isReady) return;
    this.#timed(client.ping(), 'no PONG').then(
      () => this.#up(),
      () => undefined,
    );
  }
}

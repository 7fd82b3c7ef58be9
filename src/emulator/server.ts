import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerApi, type Answer, type ApiContext } from './api-routes';
import { DashboardHub, serveAsset, snapshot } from './dashboard';
import { FaultQueue } from './faults';
import { inspectBuckets, inspectEvents } from './inspect';
import { maskKey } from '../engine/mask-key';
import { RateWindows } from './rate-window';
import { Store } from './store';
import type { Emulator, EmulatorOptions, Fault, RequestRecord, StoredEvent } from './types';
import { resolveOptions, validateRuntimeOptions, type ResolvedOptions } from './validate-options';

/**
 * A local Initial State Events API: the `/api/*` routes (see `answerApi` for the order of checks
 * and `RateWindows` for the rate limit), the live dashboard at `/` and the inspection routes
 * `GET /inspect/buckets` and `GET /inspect/events?bucketKey=`. Decisions where the service's
 * documentation is silent:
 * - Injected faults come before anything else; a faulted request stores nothing (a `slow` one is
 *   answered normally after its delay).
 * - Events sent to a bucket that was never created create it (as the service does), without a name.
 * - The monthly quota refuses a request once the events accepted for its key reached `monthlyQuota`;
 *   the request that crosses it is still accepted whole. Only `reset()` starts a new "month".
 * - An empty JSON array, or a POST with neither a body nor event URL parameters, is 400 (`NO_EVENTS`);
 *   a GET without event parameters, which the Blueprint allows, is 204 and stores nothing.
 * - A 400 body has the service's shape `{message: {error: {type, message}}}` plus the emulator's
 *   `errors` list (see `badRequestBody`).
 * - Only `/api/*` requests are logged and listed by `requests()`; a reset or hanging request has status 0.
 * - A faulted request never counts against the rate window (`counted: false`).
 */
export class EmulatorServer implements Emulator {
  readonly #server: Server;
  readonly #ctx: ApiContext;
  readonly #faults: FaultQueue;
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(options: ResolvedOptions) {
    const now = (): number => this.#ctx.options.now();
    this.#ctx = {
      options,
      store: new Store(options.maxStoredEvents),
      windows: new RateWindows(options.rateLimit, options.windowMs, now),
      hub: new DashboardHub(),
    };
    this.#faults = new FaultQueue(now);
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: Error) => {
        this.#ctx.options.log(`emulator error: ${err.message}`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'internal emulator error' }));
      });
    });
  }

  /** Validates `options`, starts listening and resolves once the port is bound. */
  static async start(options: EmulatorOptions = {}): Promise<EmulatorServer> {
    const emulator = new EmulatorServer(resolveOptions(options));
    const server = emulator.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(emulator.#ctx.options.port, emulator.#ctx.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return emulator;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    const host = this.#ctx.options.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api`;
  }

  events(filter: { accessKey?: string; bucketKey?: string } = {}): StoredEvent[] {
    return this.#ctx.store.events(filter).map(({ accessKey: _key, ...event }) => event);
  }

  buckets(filter: { accessKey?: string } = {}): { bucketKey: string; bucketName?: string; createdAt: number }[] {
    return this.#ctx.store
      .buckets(filter)
      .map(({ bucketKey, bucketName, createdAt }) => ({ bucketKey, ...(bucketName === undefined ? {} : { bucketName }), createdAt }));
  }

  requests(): RequestRecord[] {
    return this.#ctx.store.requests();
  }

  stats(): { requests: number; byStatus: Record<number, number>; eventsAccepted: number } {
    return this.#ctx.store.stats();
  }

  configure(options: Omit<EmulatorOptions, 'port' | 'host' | 'log'>): void {
    const changed = validateRuntimeOptions(options);
    // `accessKeys: undefined` given on purpose accepts any key again.
    if ('accessKeys' in options && options.accessKeys === undefined) changed.accessKeys = undefined;
    const { options: current, windows, store } = this.#ctx;
    Object.assign(current, changed);
    windows.limit = current.rateLimit;
    windows.windowMs = current.windowMs;
    store.maxEvents = current.maxStoredEvents;
  }

  injectFault(fault: Fault): void {
    this.#faults.push(fault);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  reset(): void {
    this.#ctx.store.clear();
    this.#ctx.windows.clear();
    this.#faults.clear();
    this.#ctx.hub.broadcast('reset', {});
  }

  close(): Promise<void> {
    this.#timers.forEach(clearTimeout);
    this.#timers.clear();
    this.#ctx.hub.close();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return this.#handleApi(req, res, url);
    if (req.method === 'GET' && (await this.#handlePage(req, res, url))) return;
    writeAnswer(res, { status: 404, headers: {}, body: { message: `No route ${req.method} ${url.pathname}` } });
  }

  async #handlePage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const { store, hub } = this.#ctx;
    if (url.pathname === '/dashboard/stream') {
      hub.connect(req, res, snapshot(store.buckets(), store.events()));
      return true;
    }
    if (url.pathname === '/inspect/buckets' || url.pathname === '/inspect/events') {
      const body = url.pathname === '/inspect/buckets' ? inspectBuckets(store) : inspectEvents(store, url.searchParams.get('bucketKey'));
      writeAnswer(res, { status: 200, headers: { 'Cache-Control': 'no-store' }, body });
      return true;
    }
    return serveAsset(url.pathname, res);
  }

  async #handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { options, store } = this.#ctx;
    const at = options.now();
    // Answer after the requests that arrived with this one are stamped: each counts when it
    // arrived, as on a service that answers in parallel, not once the earlier ones were answered.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const record = (answer: Pick<Answer, 'status' | 'events' | 'bucketKey' | 'accessKey' | 'counted'>): void => {
      const events = answer.events ?? 0;
      const bucketKey = answer.bucketKey === undefined ? {} : { bucketKey: answer.bucketKey };
      store.addRequest({ method: req.method ?? '', path: url.pathname, status: answer.status, events, ...bucketKey, at, counted: answer.counted ?? false });
      const bucket = answer.bucketKey === undefined ? '' : ` bucket=${answer.bucketKey}`;
      const account = answer.accessKey === undefined ? '' : ` account=${maskKey(answer.accessKey)}`;
      options.log(`${req.method} ${url.pathname} ${answer.status} events=${events}${bucket}${account}`);
    };

    const fault = this.#faults.next();
    if (fault) options.log(`fault ${fault.kind} applied to ${req.method} ${url.pathname}`);
    if (fault?.kind === 'reset' || fault?.kind === 'hang') {
      record({ status: 0 });
      // A hanging request is left open; close() destroys its socket with the others.
      if (fault.kind === 'reset') req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      record({ status: fault.status });
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) };
      writeAnswer(res, { status: fault.status, headers, body: fault.body ?? { message: `Emulated fault: status ${fault.status}` } });
      return;
    }
    if (fault?.kind === 'slow') await this.#sleep(fault.delayMs);

    const answer = await answerApi(this.#ctx, req, url, at);
    record(answer);
    // The client may still be sending a body over the limit: do not keep the connection for more.
    if (answer.status === 413) answer.headers.Connection = 'close';
    writeAnswer(res, answer);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }
}

/** Writes an answer: a string body as is, any other body as JSON. */
function writeAnswer(res: ServerResponse, answer: Pick<Answer, 'status' | 'headers' | 'body'>): void {
  const headers = { ...answer.headers };
  let body: string | undefined;
  if (answer.body !== undefined) {
    const isText = typeof answer.body === 'string';
    body = isText ? (answer.body as string) : JSON.stringify(answer.body);
    headers['Content-Type'] ??= isText ? 'text/plain; charset=utf-8' : 'application/json';
  }
  res.writeHead(answer.status, headers);
  res.end(body);
}

/** Starts an emulator (see {@link EmulatorServer} for its behaviour) and resolves once it listens. */
export function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  return EmulatorServer.start(options);
}

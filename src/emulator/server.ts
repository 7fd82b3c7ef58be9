import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LIMITS, type IsEvent } from '../event';
import { DashboardHub, publicBucket, serveAsset, snapshot } from './dashboard';
import { FaultQueue } from './faults';
import { maskKey } from './mask-key';
import { readBody } from './read-body';
import { RateWindows, rateLimitHeaders } from './rate-window';
import { stampEvent } from './stamp';
import { Store } from './store';
import type { Emulator, EmulatorOptions, Fault, RequestRecord, StoredEvent } from './types';
import { resolveOptions, validateRuntimeOptions, type ResolvedOptions } from './validate-options';
import { bucketKeyErrors, bucketNameErrors, eventsFromQuery, validateEvents, type RequestError } from './validate-request';

/** What `GET /api/versions` answers, as the Blueprint lists it. */
export const API_VERSIONS: readonly string[] = ['0.0.1', '0.0.2', '0.0.3', '0.0.4'];

/** An answer to an `/api/*` request before it is written. */
interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** JSON-encoded when not a string. */
  body?: unknown;
  events?: number;
  bucketKey?: string;
  accessKey?: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}, extra: Partial<Answer> = {}): Answer => ({
  status,
  body,
  headers,
  ...extra,
});

function badRequest(errors: RequestError[], headers: Record<string, string>, extra: Partial<Answer> = {}): Answer {
  const details = errors.map((e) => `${e.index === undefined ? '' : `event ${e.index} `}${e.field}: ${e.rule}, got ${e.value}`);
  return json(400, { message: `Invalid request: ${details.join('; ')}`, errors }, headers, extra);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: RequestError } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: { field: 'body', rule: 'well-formed JSON', value: (err as Error).message } };
  }
}

/**
 * A local Initial State Events API (see `types.ts` for the contract and `rate-window.ts` for the
 * rate limit). Decisions where the service's documentation is silent:
 * - An `/api/*` request meets, in order: an injected fault; route (404); access key (401, from the
 *   `X-IS-AccessKey` header, else the `accessKey` URL parameter); rate limit (429, every other
 *   answer takes a slot); monthly quota (402, events only); body size (413); validation (400).
 * - Events sent to a bucket that was never created create it (as the service does), without a name.
 * - The monthly quota refuses a request once the events accepted for its key reached `monthlyQuota`;
 *   the request that crosses it is still accepted whole. Only `reset()` starts a new "month".
 * - An empty array, or a URL-form request without event parameters, is 400 (`at least one event`).
 * - Only `/api/*` requests are logged and listed by `requests()`; a reset or hanging request has status 0.
 */
export class EmulatorServer implements Emulator {
  readonly #server: Server;
  readonly #options: ResolvedOptions;
  readonly #store: Store;
  readonly #windows: RateWindows;
  readonly #faults: FaultQueue;
  readonly #hub = new DashboardHub();
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(options: ResolvedOptions) {
    this.#options = options;
    const now = (): number => this.#options.now();
    this.#store = new Store(options.maxStoredEvents);
    this.#windows = new RateWindows(options.rateLimit, options.windowMs, now);
    this.#faults = new FaultQueue(now);
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: Error) => {
        this.#options.log(`emulator error: ${err.message}`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'internal emulator error' }));
      });
    });
  }

  /** Validates `options`, starts listening and resolves once the port is bound. */
  static async start(options: EmulatorOptions = {}): Promise<EmulatorServer> {
    const emulator = new EmulatorServer(resolveOptions(options));
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(emulator.#options.port, emulator.#options.host, () => {
        emulator.#server.off('error', reject);
        resolve();
      });
    });
    return emulator;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    const host = this.#options.host.includes(':') ? `[${this.#options.host}]` : this.#options.host;
    return `http://${host}:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api`;
  }

  events(filter: { accessKey?: string; bucketKey?: string } = {}): StoredEvent[] {
    return this.#store.events(filter).map(({ accessKey: _key, ...event }) => event);
  }

  buckets(filter: { accessKey?: string } = {}): { bucketKey: string; bucketName?: string; createdAt: number }[] {
    return this.#store.buckets(filter).map(({ bucketKey, bucketName, createdAt }) => ({ bucketKey, ...(bucketName === undefined ? {} : { bucketName }), createdAt }));
  }

  requests(): RequestRecord[] {
    return this.#store.requests();
  }

  stats(): { requests: number; byStatus: Record<number, number>; eventsAccepted: number } {
    return this.#store.stats();
  }

  configure(options: Omit<EmulatorOptions, 'port' | 'host' | 'log'>): void {
    const changed = validateRuntimeOptions(options);
    // accessKeys may be given as undefined on purpose to accept any key again.
    if ('accessKeys' in options && options.accessKeys === undefined) changed.accessKeys = undefined;
    Object.assign(this.#options, changed);
    this.#windows.limit = this.#options.rateLimit;
    this.#windows.windowMs = this.#options.windowMs;
    this.#store.maxEvents = this.#options.maxStoredEvents;
  }

  injectFault(fault: Fault): void {
    this.#faults.push(fault);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  reset(): void {
    this.#store.clear();
    this.#windows.clear();
    this.#faults.clear();
    this.#hub.broadcast('reset', {});
  }

  close(): Promise<void> {
    this.#timers.forEach(clearTimeout);
    this.#timers.clear();
    this.#hub.close();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return this.#handleApi(req, res, url);
    if (req.method === 'GET' && (await this.#handlePage(req, res, url))) return;
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: `No route ${req.method} ${url.pathname}` }));
  }

  async #handlePage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/dashboard/stream') {
      this.#hub.connect(req, res, snapshot(this.#store.buckets(), this.#store.events()));
      return true;
    }
    if (url.pathname === '/inspect/buckets' || url.pathname === '/inspect/events') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(url.pathname === '/inspect/buckets' ? this.#inspectBuckets() : this.#inspectEvents(url.searchParams.get('bucketKey'))));
      return true;
    }
    return serveAsset(url.pathname, res);
  }

  /** Buckets with their access key masked and their event count. */
  #inspectBuckets(): unknown[] {
    const counts = new Map<string, number>();
    for (const e of this.#store.events()) counts.set(`${e.accessKey}\n${e.bucketKey}`, (counts.get(`${e.accessKey}\n${e.bucketKey}`) ?? 0) + 1);
    return this.#store.buckets().map((b) => ({ ...publicBucket(b), events: counts.get(`${b.accessKey}\n${b.bucketKey}`) ?? 0 }));
  }

  /** Events (of one bucket key when given) with their access key masked. */
  #inspectEvents(bucketKey: string | null): unknown[] {
    return this.#store
      .events(bucketKey === null ? {} : { bucketKey })
      .map(({ accessKey, ...event }) => ({ account: maskKey(accessKey), ...event }));
  }

  async #handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const at = this.#options.now();
    const record = (answer: Pick<Answer, 'status' | 'events' | 'bucketKey' | 'accessKey'>): void => {
      this.#store.addRequest({
        method: req.method ?? '',
        path: url.pathname,
        status: answer.status,
        events: answer.events ?? 0,
        ...(answer.bucketKey === undefined ? {} : { bucketKey: answer.bucketKey }),
        at,
      });
      const account = answer.accessKey === undefined ? '' : ` account=${maskKey(answer.accessKey)}`;
      const bucket = answer.bucketKey === undefined ? '' : ` bucket=${answer.bucketKey}`;
      this.#options.log(`${req.method} ${url.pathname} ${answer.status} events=${answer.events ?? 0}${bucket}${account}`);
    };

    const fault = this.#faults.next();
    if (fault) this.#options.log(`fault ${fault.kind} applied to ${req.method} ${url.pathname}`);
    if (fault?.kind === 'reset' || fault?.kind === 'hang') {
      record({ status: 0 });
      // A hanging request is left open; close() destroys its socket with the others.
      if (fault.kind === 'reset') req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
      record({ status: fault.status });
      res.writeHead(fault.status, headers);
      res.end(fault.body ?? JSON.stringify({ message: `Emulated fault: status ${fault.status}` }));
      return;
    }
    if (fault?.kind === 'slow') await this.#sleep(fault.delayMs);

    const answer = await this.#answerApi(req, url, at);
    record(answer);
    const headers = { ...answer.headers };
    let body: string | undefined;
    if (answer.body !== undefined) {
      body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      headers['Content-Type'] ??= 'application/json';
    }
    if (answer.status === 413) headers.Connection = 'close';
    res.writeHead(answer.status, headers);
    res.end(body);
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

  async #answerApi(req: IncomingMessage, url: URL, at: number): Promise<Answer> {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /api/versions') return json(200, API_VERSIONS);
    const isEvents = route === 'POST /api/events' || route === 'GET /api/events';
    if (!isEvents && route !== 'POST /api/buckets') return json(404, { message: `No route ${route}` });

    const header = req.headers['x-is-accesskey'];
    const accessKey = (Array.isArray(header) ? header[0] : header) || url.searchParams.get('accessKey') || '';
    if (accessKey === '') {
      return json(401, { message: 'ACCESS_DENIED_KEY: no access key; send it in the X-IS-AccessKey header or the accessKey URL parameter' });
    }
    if (this.#options.accessKeys && !this.#options.accessKeys.has(accessKey)) {
      return json(401, { message: 'ACCESS_DENIED_KEY: this access key is not accepted' });
    }
    const decision = this.#windows.take(accessKey);
    const headers = rateLimitHeaders(decision);
    const keyed = { accessKey };
    if (!decision.allowed) {
      const message = `Rate limit exceeded: ${decision.limit} requests per ${this.#options.windowMs} ms window; retry after ${headers['Retry-After']} s`;
      return json(429, { message }, headers, keyed);
    }
    return isEvents ? this.#answerEvents(req, url, at, accessKey, headers) : this.#answerBucket(req, url, at, accessKey, headers);
  }

  async #answerBucket(req: IncomingMessage, url: URL, at: number, accessKey: string, headers: Record<string, string>): Promise<Answer> {
    const keyed = { accessKey };
    let fields: Record<string, unknown>;
    if (url.searchParams.has('bucketKey')) {
      fields = { bucketKey: url.searchParams.get('bucketKey'), bucketName: url.searchParams.get('bucketName') ?? undefined };
    } else {
      const body = await readBody(req, LIMITS.bodyBytes);
      if (body.tooLarge) return json(413, { message: `Request body over ${LIMITS.bodyBytes} bytes` }, headers, keyed);
      const parsed = parseJson(body.text || '{}');
      if (!parsed.ok) return badRequest([parsed.error], headers, keyed);
      if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
        return badRequest([{ field: 'body', rule: 'an object `{bucketKey, bucketName?}`', value: body.text.slice(0, 60) }], headers, keyed);
      }
      fields = parsed.value as Record<string, unknown>;
    }
    const errors = [...bucketKeyErrors(fields.bucketKey), ...bucketNameErrors(fields.bucketName)];
    if (errors.length > 0) return badRequest(errors, headers, keyed);
    const bucketKey = fields.bucketKey as string;
    const { created, bucket } = this.#store.ensureBucket(accessKey, bucketKey, fields.bucketName as string | undefined, at);
    this.#hub.broadcast('bucket', publicBucket(bucket));
    return created ? json(201, { bucketKey, ...(bucket.bucketName === undefined ? {} : { bucketName: bucket.bucketName }) }, headers, { ...keyed, bucketKey }) : json(204, undefined, headers, { ...keyed, bucketKey });
  }

  async #answerEvents(req: IncomingMessage, url: URL, at: number, accessKey: string, headers: Record<string, string>): Promise<Answer> {
    const header = req.headers['x-is-bucketkey'];
    const rawBucketKey = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('bucketKey') ?? undefined;
    const bucketKey = typeof rawBucketKey === 'string' ? rawBucketKey : undefined;
    const keyed = { accessKey, ...(bucketKey === undefined ? {} : { bucketKey }) };
    const quota = this.#options.monthlyQuota;
    if (quota > 0 && this.#store.accepted(accessKey) >= quota) {
      return json(402, { message: `Event limit exceeded for current cycle: ${quota} events per access key` }, headers, keyed);
    }

    let sent: unknown;
    if (req.method === 'GET') sent = eventsFromQuery(url.searchParams);
    else {
      const body = await readBody(req, LIMITS.bodyBytes);
      if (body.tooLarge) return json(413, { message: `Request body over ${LIMITS.bodyBytes} bytes` }, headers, keyed);
      const parsed = parseJson(body.text);
      if (!parsed.ok) return badRequest([parsed.error], headers, keyed);
      sent = parsed.value;
    }
    const events = validateEvents(sent, this.#options.maxEventsPerRequest);
    const errors = [...bucketKeyErrors(bucketKey), ...(events.ok ? [] : events.errors)];
    const count = Array.isArray(sent) ? sent.length : 1;
    if (!events.ok || errors.length > 0) return badRequest(errors, headers, { ...keyed, events: count });

    const { created, bucket } = this.#store.ensureBucket(accessKey, bucketKey as string, undefined, at);
    if (created) this.#hub.broadcast('bucket', publicBucket(bucket));
    const stored = events.value.map((e: IsEvent) => stampEvent(e, bucketKey as string, at));
    this.#store.addEvents(accessKey, stored);
    this.#hub.broadcast('events', { bucket: publicBucket(bucket), events: stored.map(({ key, value, epoch }) => ({ key, value, epoch })) });
    return json(204, undefined, headers, { ...keyed, events: stored.length });
  }
}

/** Starts an emulator (see {@link EmulatorServer} for its behaviour) and resolves once it listens. */
export function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  return EmulatorServer.start(options);
}

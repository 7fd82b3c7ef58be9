import http from 'node:http';
import https from 'node:https';
import type { IsEvent } from '../event';
import { redactKey } from './mask-key';
import type { RateInfo } from './limiter';

/**
 * One HTTP answer as the engine needs it. `status` 0 marks a network error or timeout, with
 * `error` saying which (never containing the access key). HTTP error statuses are results, not throws.
 */
export interface HttpResult extends RateInfo {
  status: number;
  /** The response body as text (`''` for none). */
  body: string;
  /** For status 0: what went wrong, e.g. `ETIMEDOUT: Timeout awaiting 'request' for 100ms`. */
  error?: string;
}

/**
 * The calls the engine makes; bound to one endpoint and access key. Never throws.
 * Each call takes an optional `signal`: once it aborts, the call resolves at once with status 0
 * and the request is torn down, so its answer can no longer arrive (close uses this).
 */
export interface HttpClient {
  /**
   * `POST /events` with the events as a JSON array. The bucket key travels in the
   * `X-IS-BucketKey` header, or as the `bucketKey` URL parameter when a header cannot carry it
   * (see {@link headerSafe}).
   */
  postEvents(bucketKey: string, events: readonly IsEvent[], signal?: AbortSignal): Promise<HttpResult>;
  /** `GET /events?accessKey=&bucketKey=&key=value…` (no timestamps). */
  getEvents(bucketKey: string, events: readonly IsEvent[], signal?: AbortSignal): Promise<HttpResult>;
  /** `POST /buckets` with `{bucketKey, bucketName?}`. */
  createBucket(bucketKey: string, bucketName?: string, signal?: AbortSignal): Promise<HttpResult>;
  /** Closes kept-alive connections. */
  close(): void;
}

/**
 * True when `text` can travel as an HTTP header value unchanged: printable ASCII without
 * leading or trailing spaces. Node refuses characters above U+00FF and control characters in
 * headers, servers decode bytes 0x80-0xFF differently (Latin-1 or UTF-8), and they trim the
 * spaces at either end; everything else is sent as a URL parameter instead, which is UTF-8.
 */
export function headerSafe(text: string): boolean {
  return /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(text);
}

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** API base URL, e.g. `https://groker.init.st/api`. */
  endpoint: string;
  accessKey: string;
  /** ms one request may take before it counts as a network error. */
  requestTimeout: number;
}

type Got = typeof import('got', { with: { 'resolution-mode': 'import' } }).default;
let gotLoading: Promise<Got> | undefined;

/** `got` is ESM-only: load it once, on first use. */
function loadGot(): Promise<Got> {
  gotLoading ??= import('got').then((module) => module.default);
  return gotLoading;
}

function headerNumber(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/** A {@link HttpClient} over `got` with keep-alive agents, a request timeout and got's retry off. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  // Loading got takes a few hundred ms: start now, not on the first request.
  loadGot().catch(() => undefined);
  const agent = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const base = options.endpoint.replace(/\/+$/, '');
  const headers = {
    'X-IS-AccessKey': options.accessKey,
    'Accept-Version': '~0',
    'Content-Type': 'application/json',
  };

  async function send(method: 'GET' | 'POST', path: string, extra: Record<string, string>, body: string | undefined, query: URLSearchParams | undefined, signal: AbortSignal | undefined): Promise<HttpResult> {
    try {
      signal?.throwIfAborted();
      const got = await loadGot();
      const response = await got(`${base}${path}`, {
        method,
        body,
        searchParams: query,
        headers: { ...headers, ...extra },
        agent,
        timeout: { request: options.requestTimeout },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        signal,
      });
      return {
        status: response.statusCode,
        body: response.body,
        limit: headerNumber(response.headers['x-ratelimit-limit']),
        remaining: headerNumber(response.headers['x-ratelimit-remaining']),
        reset: headerNumber(response.headers['x-ratelimit-reset']),
        retryAfter: headerNumber(response.headers['retry-after']),
      };
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      const text = `${code ?? 'ERROR'}: ${message ?? String(error)}`;
      return { status: 0, body: '', error: redactKey(text, options.accessKey) };
    }
  }

  return {
    postEvents(bucketKey, events, signal) {
      const body = JSON.stringify(events);
      if (headerSafe(bucketKey)) return send('POST', '/events', { 'X-IS-BucketKey': bucketKey }, body, undefined, signal);
      return send('POST', '/events', {}, body, new URLSearchParams({ bucketKey }), signal);
    },
    getEvents(bucketKey, events, signal) {
      const query = new URLSearchParams({ accessKey: options.accessKey, bucketKey });
      for (const event of events) query.append(event.key, String(event.value));
      return send('GET', '/events', {}, undefined, query, signal);
    },
    createBucket: (bucketKey, bucketName, signal) =>
      send('POST', '/buckets', {}, JSON.stringify(bucketName === undefined ? { bucketKey } : { bucketKey, bucketName }), undefined, signal),
    close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}

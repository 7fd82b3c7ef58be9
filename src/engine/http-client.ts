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

function headerNumber(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

/** An `Error` with a `code`, as Node's network errors have. */
function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * A {@link HttpClient} over `node:http` / `node:https` with a keep-alive agent and a timeout for the
 * whole request. Node's own client, not got: a window's requests go out together, and got took
 * about four times the CPU per request (README, "Choices worth knowing").
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  // Parsed once: a URL string would be parsed again by every request.
  const endpoint = new URL(options.endpoint.replace(/\/+$/, ''));
  const secure = endpoint.protocol === 'https:';
  const target = { hostname: endpoint.hostname.replace(/^\[(.*)\]$/, '$1'), port: endpoint.port, base: endpoint.pathname.replace(/\/+$/, '') };
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const headers = {
    'X-IS-AccessKey': options.accessKey,
    'Accept-Version': '~0',
    'Content-Type': 'application/json',
  };

  function exchange(method: 'GET' | 'POST', path: string, extra: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const length = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
      const { hostname, port } = target;
      const request = (secure ? https : http).request({ hostname, port, path, method, agent, signal, headers: { ...headers, ...extra, ...length } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          const h = response.headers;
          resolve({
            status: response.statusCode ?? 0,
            body: text,
            limit: headerNumber(h['x-ratelimit-limit']),
            remaining: headerNumber(h['x-ratelimit-remaining']),
            reset: headerNumber(h['x-ratelimit-reset']),
            retryAfter: headerNumber(h['retry-after']),
          });
        });
      });
      const timer = setTimeout(() => request.destroy(codedError('ETIMEDOUT', `Timeout awaiting 'request' for ${options.requestTimeout}ms`)), options.requestTimeout);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
  }

  async function send(method: 'GET' | 'POST', path: string, extra: Record<string, string>, body: string | undefined, query: URLSearchParams | undefined, signal: AbortSignal | undefined): Promise<HttpResult> {
    try {
      signal?.throwIfAborted();
      return await exchange(method, `${target.base}${path}${query ? `?${query}` : ''}`, extra, body, signal);
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
      agent.destroy();
    },
  };
}

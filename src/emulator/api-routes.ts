import type { IncomingMessage } from 'node:http';
import { LIMITS } from '../event';
import { publicBucket, type DashboardHub } from './dashboard';
import { readBody } from './read-body';
import { rateLimitHeaders, type RateWindows } from './rate-window';
import { stampEvent } from './stamp';
import type { Store } from './store';
import type { ResolvedOptions } from './validate-options';
import { bucketKeyErrors, bucketNameErrors, eventsFromQuery, validateEvents, type RequestError } from './validate-request';

/** What `GET /api/versions` answers, as the Blueprint lists it. */
export const API_VERSIONS: readonly string[] = ['0.0.1', '0.0.2', '0.0.3', '0.0.4'];

/** An answer to an `/api/*` request before it is written. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** JSON-encoded when not a string; no body when undefined. */
  body?: unknown;
  /** Events in the request, for the request log. */
  events?: number;
  bucketKey?: string;
  /** The request's access key, for the log (which masks it). */
  accessKey?: string;
  /** True when the request took a slot of the rate window (the request record's `counted`). */
  counted?: boolean;
}

/** What the routes read and change. */
export interface ApiContext {
  options: ResolvedOptions;
  store: Store;
  windows: RateWindows;
  hub: DashboardHub;
}

type Extra = Partial<Pick<Answer, 'events' | 'bucketKey' | 'accessKey' | 'counted'>>;

const answer = (status: number, body: unknown, headers: Record<string, string> = {}, extra: Extra = {}): Answer => ({ status, body, headers, ...extra });

function badRequest(errors: RequestError[], headers: Record<string, string>, extra: Extra): Answer {
  const details = errors.map((e) => `${e.index === undefined ? '' : `event ${e.index} `}${e.field}: ${e.rule}, got ${e.value}`);
  return answer(400, { message: `Invalid request: ${details.join('; ')}`, errors }, headers, extra);
}

const tooLarge = (headers: Record<string, string>, extra: Extra): Answer => answer(413, { message: `Request body over ${LIMITS.bodyBytes} bytes` }, headers, extra);

/** The body parsed as JSON, `{tooLarge}` over 1 MB, or the 400 error of malformed JSON. */
async function readJson(req: IncomingMessage): Promise<{ tooLarge: true } | { tooLarge: false; value: unknown; text: string } | { tooLarge: false; error: RequestError }> {
  const body = await readBody(req, LIMITS.bodyBytes);
  if (body.tooLarge) return body;
  try {
    return { tooLarge: false, value: JSON.parse(body.text || 'null'), text: body.text };
  } catch (err) {
    return { tooLarge: false, error: { field: 'body', rule: 'well-formed JSON', value: (err as Error).message } };
  }
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Answers an `/api/*` request that no fault took. In order: route (404); access key (401, from the
 * `X-IS-AccessKey` header, else the `accessKey` URL parameter); rate limit (429; every other answer
 * takes a slot, see `RateWindows`; `POST /buckets` only with `countBuckets`); monthly quota (402,
 * events only); body size (413); validation (400).
 */
export async function answerApi(ctx: ApiContext, req: IncomingMessage, url: URL, at: number): Promise<Answer> {
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /api/versions') return answer(200, API_VERSIONS);
  const isEvents = route === 'POST /api/events' || route === 'GET /api/events';
  if (!isEvents && route !== 'POST /api/buckets') return answer(404, { message: `No route ${route}` });

  const accessKey = firstHeader(req, 'x-is-accesskey') || url.searchParams.get('accessKey') || '';
  if (accessKey === '') {
    return answer(401, { message: 'ACCESS_DENIED_KEY: no access key; send it in the X-IS-AccessKey header or the accessKey URL parameter' });
  }
  if (ctx.options.accessKeys && !ctx.options.accessKeys.has(accessKey)) {
    return answer(401, { message: 'ACCESS_DENIED_KEY: this access key is not accepted' });
  }
  // Without countBuckets a bucket creation stays outside the window: no slot, no 429, no headers.
  if (!isEvents && !ctx.options.countBuckets) return { ...(await answerBucket(ctx, req, url, at, accessKey, {})), counted: false };
  const decision = ctx.windows.take(accessKey);
  const headers = rateLimitHeaders(decision);
  if (!decision.allowed) {
    const message = `Rate limit exceeded: ${decision.limit} requests per ${ctx.windows.windowMs} ms window; retry after ${headers['Retry-After']} s`;
    return answer(429, { message }, headers, { accessKey, counted: false });
  }
  const counted = await (isEvents ? answerEvents(ctx, req, url, at, accessKey, headers) : answerBucket(ctx, req, url, at, accessKey, headers));
  return { ...counted, counted: true };
}

/** `POST /api/buckets`, JSON or URL-parameter form: 201 created, 204 existed. */
async function answerBucket(ctx: ApiContext, req: IncomingMessage, url: URL, at: number, accessKey: string, headers: Record<string, string>): Promise<Answer> {
  let fields: Record<string, unknown>;
  if (url.searchParams.has('bucketKey')) {
    fields = { bucketKey: url.searchParams.get('bucketKey'), bucketName: url.searchParams.get('bucketName') ?? undefined };
  } else {
    const body = await readJson(req);
    if (body.tooLarge) return tooLarge(headers, { accessKey });
    if ('error' in body) return badRequest([body.error], headers, { accessKey });
    if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
      return badRequest([{ field: 'body', rule: 'an object `{bucketKey, bucketName?}`', value: body.text.slice(0, 60) }], headers, { accessKey });
    }
    fields = body.value as Record<string, unknown>;
  }
  const errors = [...bucketKeyErrors(fields.bucketKey), ...bucketNameErrors(fields.bucketName)];
  if (errors.length > 0) return badRequest(errors, headers, { accessKey });
  const bucketKey = fields.bucketKey as string;
  const { created, bucket } = ctx.store.ensureBucket(accessKey, bucketKey, fields.bucketName as string | undefined, at);
  ctx.hub.broadcast('bucket', publicBucket(bucket));
  const extra = { accessKey, bucketKey };
  if (!created) return answer(204, undefined, headers, extra);
  return answer(201, { bucketKey, ...(bucket.bucketName === undefined ? {} : { bucketName: bucket.bucketName }) }, headers, extra);
}

/** `POST /api/events` (JSON) or `GET /api/events` (URL parameters): 204 stored. */
async function answerEvents(ctx: ApiContext, req: IncomingMessage, url: URL, at: number, accessKey: string, headers: Record<string, string>): Promise<Answer> {
  const bucketKey = firstHeader(req, 'x-is-bucketkey') ?? url.searchParams.get('bucketKey') ?? undefined;
  const extra = { accessKey, ...(bucketKey === undefined ? {} : { bucketKey }) };
  const quota = ctx.options.monthlyQuota;
  if (quota > 0 && ctx.store.accepted(accessKey) >= quota) {
    return answer(402, { message: `Event limit exceeded for current cycle: ${quota} events per access key` }, headers, extra);
  }

  let sent: unknown;
  if (req.method === 'GET') sent = eventsFromQuery(url.searchParams);
  else {
    const body = await readJson(req);
    if (body.tooLarge) return tooLarge(headers, extra);
    if ('error' in body) return badRequest([body.error], headers, extra);
    sent = body.value;
  }
  const events = validateEvents(sent, ctx.options.maxEventsPerRequest);
  const errors = [...bucketKeyErrors(bucketKey), ...(events.ok ? [] : events.errors)];
  if (!events.ok || errors.length > 0) return badRequest(errors, headers, { ...extra, events: Array.isArray(sent) ? sent.length : 1 });

  const key = bucketKey as string;
  const { created, bucket } = ctx.store.ensureBucket(accessKey, key, undefined, at);
  if (created) ctx.hub.broadcast('bucket', publicBucket(bucket));
  const stored = events.value.map((e) => stampEvent(e, key, at));
  ctx.store.addEvents(accessKey, stored);
  ctx.hub.broadcast('events', { bucket: publicBucket(bucket), events: stored.map(({ key: k, value, epoch }) => ({ key: k, value, epoch })) });
  return answer(204, undefined, headers, { ...extra, events: stored.length });
}

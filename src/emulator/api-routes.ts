import type { IncomingMessage } from 'node:http';
import { LIMITS } from '../event';
import { publicBucket, type DashboardHub } from './dashboard';
import { readBody } from './read-body';
import { rateLimitHeaders, type RateWindows } from './rate-window';
import { stampEvent } from './stamp';
import type { Store } from './store';
import type { ResolvedOptions } from './validate-options';
import { badRequestBody } from './bad-request';
import { bucketKeyErrors, bucketNameErrors, eventsFromQuery, hasQueryEvents, validateEvents, type RequestError } from './validate-request';

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

const badRequest = (errors: RequestError[], headers: Record<string, string>, extra: Extra): Answer => answer(400, badRequestBody(errors), headers, extra);

const tooLarge = (headers: Record<string, string>, extra: Extra): Answer => answer(413, { message: `Request body over ${LIMITS.bodyBytes} bytes` }, headers, extra);

/** The body parsed as JSON, `{tooLarge}` over 1 MB, or the 400 error of malformed JSON. */
async function readJson(req: IncomingMessage): Promise<{ tooLarge: true } | { tooLarge: false; value: unknown; text: string } | { tooLarge: false; error: RequestError }> {
  const body = await readBody(req, LIMITS.bodyBytes);
  if (body.tooLarge) return body;
  try {
    return { tooLarge: false, value: JSON.parse(body.text || 'null'), text: body.text };
  } catch (err) {
    return { tooLarge: false, error: { type: 'INVALID_JSON', field: 'body', rule: 'well-formed JSON', value: (err as Error).message } };
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
  const decision = ctx.windows.take(accessKey, at);
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
      return badRequest([{ type: 'INVALID_BODY', field: 'body', rule: 'an object `{bucketKey, bucketName?}`', value: body.text.slice(0, 60) }], headers, { accessKey });
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

/** Where a request's events came from: parsed JSON, or URL parameters (`sent` then is the event list). */
type Sent = { sent: unknown; source: 'body' | 'URL parameters' };

/**
 * The events a request carries: a GET's URL parameters; a POST's JSON body, or its URL
 * parameters when it has no body (the docs' `curl --request POST '…/events?…&temperature=25.4'`).
 * `undefined` for a GET without event parameters; an answer for a body that cannot be read.
 */
async function readEvents(req: IncomingMessage, url: URL, headers: Record<string, string>, extra: Extra): Promise<Sent | Answer | undefined> {
  const inUrl = hasQueryEvents(url.searchParams);
  const fromUrl: Sent = { sent: eventsFromQuery(url.searchParams), source: 'URL parameters' };
  if (req.method === 'GET') return inUrl ? fromUrl : undefined;
  const body = await readJson(req);
  if (body.tooLarge) return tooLarge(headers, extra);
  const empty = !('error' in body) && body.text.trim() === '';
  if (empty && inUrl) return fromUrl;
  if (empty) return badRequest([{ type: 'NO_EVENTS', field: 'body', rule: 'events as a JSON body or as URL parameters (a POST without either sends nothing)', value: 'an empty body' }], headers, extra);
  if ('error' in body) return badRequest([body.error], headers, extra);
  if (inUrl) {
    const rule = 'events either as a JSON body or as URL parameters, not both';
    return badRequest([{ type: 'INVALID_BODY', field: 'URL parameters', rule, value: 'a JSON body too' }], headers, extra);
  }
  return { sent: body.value, source: 'body' };
}

/**
 * `POST /api/events` (JSON body, or URL parameters without a body) or `GET /api/events` (URL
 * parameters): 204 stored. A GET without event parameters, which the Blueprint allows, stores
 * nothing and answers 204 (its bucket key is still checked; no bucket is created).
 */
async function answerEvents(ctx: ApiContext, req: IncomingMessage, url: URL, at: number, accessKey: string, headers: Record<string, string>): Promise<Answer> {
  const bucketKey = firstHeader(req, 'x-is-bucketkey') ?? url.searchParams.get('bucketKey') ?? undefined;
  const extra = { accessKey, ...(bucketKey === undefined ? {} : { bucketKey }) };
  const quota = ctx.options.monthlyQuota;
  if (quota > 0 && ctx.store.accepted(accessKey) >= quota) {
    return answer(402, { message: `Event limit exceeded for current cycle: ${quota} events per access key` }, headers, extra);
  }

  const read = await readEvents(req, url, headers, extra);
  if (read !== undefined && 'status' in read) return read;
  const bucketErrors = bucketKeyErrors(bucketKey);
  if (read === undefined) return bucketErrors.length > 0 ? badRequest(bucketErrors, headers, extra) : answer(204, undefined, headers, extra);
  const { sent, source } = read;
  const events = validateEvents(sent, { maxEvents: ctx.options.maxEventsPerRequest, strict: ctx.options.strict }, source);
  const errors = [...bucketErrors, ...(events.ok ? [] : events.errors)];
  if (!events.ok || errors.length > 0) return badRequest(errors, headers, { ...extra, events: Array.isArray(sent) ? sent.length : 1 });

  const key = bucketKey as string;
  const { created, bucket } = ctx.store.ensureBucket(accessKey, key, undefined, at);
  if (created) ctx.hub.broadcast('bucket', publicBucket(bucket));
  const stored = events.value.map((e) => stampEvent(e, key, at));
  ctx.store.addEvents(accessKey, stored);
  ctx.hub.broadcast('events', { bucket: publicBucket(bucket), events: stored.map(({ key: k, value, epoch }) => ({ key: k, value, epoch })) });
  return answer(204, undefined, headers, { ...extra, events: stored.length });
}

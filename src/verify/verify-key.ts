/**
 * "Verify key": asks an Events API endpoint whether it accepts an access key, with one request
 * that carries no events, so nothing is stored: `GET <endpoint>/events?accessKey=…[&bucketKey=…]`.
 * The service checks the key before it looks at the events (the emulator does the same), so a
 * `401`/`403` means the key is refused, and any answer past that check means it passed: the
 * emulator answers `204` (nothing stored, no bucket made), or `400` when no bucket key went along.
 * The key travels only in that request: no answer, cause or error text here carries it.
 */
import { describeErrorBody } from '../engine/error-body';
import { createHttpClient, type HttpResult } from '../engine/http-client';
import { maskKey, redactKey } from '../engine/mask-key';

/** What the check found. */
export type VerifyOutcome = 'accepted' | 'rejected' | 'unreachable';

/** The answer shown beside the Verify key button. */
export interface VerifyAnswer {
  outcome: VerifyOutcome;
  /** One sentence saying why, e.g. `ECONNREFUSED 127.0.0.1:8890` or `HTTP 401 ACCESS_DENIED_KEY: …`. Never holds the key. */
  cause: string;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** The key as logs show it (`…abcd`). */
  key: string;
  /** The endpoint asked. */
  endpoint: string;
}

/** Options of {@link verifyKey}. */
export interface VerifyKeyOptions {
  /** Events API base URL, e.g. `https://groker.init.st/api`: `http://` or `https://`. */
  endpoint: string;
  /** The key to check; must not be empty. */
  accessKey: string;
  /** Sent along when given (the account's default bucket), as a real send would; default none (an empty `bucketKey` parameter). */
  bucketKey?: string;
  /** ms the answer may take before the endpoint counts as unreachable; default 5000. */
  timeoutMs?: number;
}

/** Sends the check request; resolves with status 0 and `error` for a network failure (never rejects). */
export type VerifyRequest = (options: Required<Omit<VerifyKeyOptions, 'bucketKey'>> & { bucketKey?: string }) => Promise<Pick<HttpResult, 'status' | 'body' | 'error' | 'retryAfter'>>;

/** Default of {@link VerifyKeyOptions.timeoutMs}. */
export const VERIFY_TIMEOUT_MS = 5000;

/**
 * Checks `options`: throws naming the field and the rule, quoting the bad value (never the key).
 */
export function validateVerifyOptions(options: VerifyKeyOptions): void {
  if (typeof options.endpoint !== 'string' || !/^https?:\/\/[^\s/]+/.test(options.endpoint)) {
    throw new Error(`endpoint must be an http:// or https:// URL (got ${JSON.stringify(options.endpoint)})`);
  }
  if (typeof options.accessKey !== 'string' || options.accessKey.trim() === '') {
    throw new Error('accessKey must be a non-empty string: type the key, or deploy the account once so its stored key can be used');
  }
  if (options.bucketKey !== undefined && (typeof options.bucketKey !== 'string' || /[:"']/.test(options.bucketKey) || options.bucketKey.length > 250)) {
    throw new Error(`bucketKey must be at most 250 characters without : " or ' (got ${JSON.stringify(options.bucketKey)})`);
  }
  const timeout = options.timeoutMs;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 60_000)) {
    throw new Error(`timeoutMs must be a whole number of ms from 1 to 60000 (got ${JSON.stringify(timeout)})`);
  }
}

/**
 * A network error as a short cause: `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8890` becomes
 * `ECONNREFUSED 127.0.0.1:8890`; a timeout says how long was waited.
 */
export function shortCause(error: string, timeoutMs: number): string {
  const [code, ...rest] = error.split(': ');
  const message = rest.join(': ');
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) return `no answer within ${timeoutMs} ms (ETIMEDOUT)`;
  const repeated = new RegExp(`^(?:\\w+ )?${code} (.+)$`).exec(message);
  if (repeated) return `${code} ${repeated[1]}`;
  return message ? `${code}: ${message}` : code;
}

/** Reads an answer to the check request (pure). `accessKey` is only used to keep it out of the cause. */
export function classifyAnswer(answer: Pick<HttpResult, 'status' | 'body' | 'error' | 'retryAfter'>, options: Pick<VerifyKeyOptions, 'endpoint' | 'accessKey' | 'timeoutMs'>): VerifyAnswer {
  const base = { key: maskKey(options.accessKey), endpoint: options.endpoint };
  const { status } = answer;
  // The key comes out before the body is read and shortened, so no part of it can be left.
  const body = redactKey(answer.body, options.accessKey);
  let outcome: VerifyOutcome;
  let cause: string;
  if (status === 0) {
    outcome = 'unreachable';
    cause = shortCause(answer.error ?? 'ERROR', options.timeoutMs ?? VERIFY_TIMEOUT_MS);
  } else if (status === 401 || status === 403) {
    outcome = 'rejected';
    cause = describeErrorBody(status, body);
  } else if (status === 402) {
    outcome = 'accepted';
    cause = `the key is accepted, but the monthly event quota is used up (${describeErrorBody(status, body)})`;
  } else if (status === 429) {
    outcome = 'accepted';
    cause = `the key is accepted; the account is rate-limited right now (HTTP 429${answer.retryAfter === undefined ? '' : `, retry after ${answer.retryAfter} s`})`;
  } else if ((status >= 200 && status < 300) || status === 400) {
    outcome = 'accepted';
    cause = `the key is accepted (HTTP ${status} to a request without events)`;
  } else if (status === 404) {
    outcome = 'unreachable';
    cause = `HTTP 404: no Events API at ${options.endpoint} (is the endpoint right? it ends in /api)`;
  } else if (status >= 300 && status < 400) {
    outcome = 'unreachable';
    cause = `HTTP ${status}: the endpoint redirects (is it https://…/api?)`;
  } else {
    outcome = 'unreachable';
    cause = describeErrorBody(status, body);
  }
  return { outcome, cause: redactKey(cause, options.accessKey), ...(status === 0 ? {} : { status }), ...base };
}

/** The check request over the engine's HTTP client (no retries, a timeout, no redirects followed). */
export const defaultVerifyRequest: VerifyRequest = async ({ endpoint, accessKey, bucketKey, timeoutMs }) => {
  const client = createHttpClient({ endpoint, accessKey, requestTimeout: timeoutMs });
  try {
    return await client.getEvents(bucketKey ?? '', []);
  } finally {
    client.close();
  }
};

/**
 * Asks `options.endpoint` whether it accepts `options.accessKey`; never rejects for a network
 * failure or an HTTP status (those are outcomes).
 *
 * @throws when an option is invalid (see {@link validateVerifyOptions}).
 */
export async function verifyKey(options: VerifyKeyOptions, request: VerifyRequest = defaultVerifyRequest): Promise<VerifyAnswer> {
  validateVerifyOptions(options);
  const timeoutMs = options.timeoutMs ?? VERIFY_TIMEOUT_MS;
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const answer = await request({ endpoint, accessKey: options.accessKey, timeoutMs, ...(options.bucketKey ? { bucketKey: options.bucketKey } : {}) });
  return classifyAnswer(answer, { ...options, endpoint, timeoutMs });
}

import { describeErrorBody } from './error-body';
import type { HttpResult } from './http-client';

/**
 * What a response means for the request that got it (the table in `initial-state-api.md`).
 *
 * 409 (conflict) is taken like 400: the service refuses what the request holds, so sending the
 * same events again would only conflict again. The events are bisected like a 400's and the
 * refused ones reported as 'rejected' with the server's message; the rest are delivered.
 * 404 means the endpoint URL is wrong (the data is fine): it is reported as such and retried
 * with back-off, keeping the events, until the URL is corrected. Any other 4xx is unexpected:
 * it is reported with the server's message and retried with back-off too, never in a tight loop.
 */
export type ResponseKind =
  | 'ok'             // 2xx: delivered
  | 'rate-limited'   // 429: wait, resend
  | 'transient'      // 5xx, network, timeout, 408 and anything unexpected: back off, resend
  | 'too-large'      // 413: split
  | 'invalid'        // 400 and 409: bisect to the bad event(s)
  | 'key-rejected'   // 401/403: stop
  | 'quota-exceeded' // 402: pause and probe
  | 'not-found'      // 404: wrong endpoint URL; report, back off, resend
  | 'client-error';  // any other 4xx: report, back off, resend

/** Classifies a response by its status. */
export function classifyResponse(result: HttpResult): ResponseKind {
  const { status } = result;
  if (status >= 200 && status < 300) return 'ok';
  switch (status) {
    case 400:
    case 409:
      return 'invalid';
    case 401:
    case 403:
      return 'key-rejected';
    case 402:
      return 'quota-exceeded';
    case 413:
      return 'too-large';
    case 404:
      return 'not-found';
    case 408:
      return 'transient';
    case 429:
      return 'rate-limited';
    default:
      return status > 400 && status < 500 ? 'client-error' : 'transient';
  }
}

/** True for answers whose request is sent again after a back-off (the events are kept). */
export function backsOff(kind: ResponseKind): boolean {
  return kind === 'transient' || kind === 'not-found' || kind === 'client-error';
}

/**
 * The answer in one phrase: the network error for status 0, else the status with the service's
 * type and message once each (`HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted`,
 * `HTTP 400: bad value`, `HTTP 503`), read from any of the body shapes `error-body.ts` knows.
 */
export function responseMessage(result: HttpResult): string {
  if (result.status === 0) return result.error ?? 'network error';
  return describeErrorBody(result.status, result.body);
}

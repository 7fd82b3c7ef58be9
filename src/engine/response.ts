import type { HttpResult } from './http-client';

/** What a response means for the request that got it (the table in `initial-state-api.md`). */
export type ResponseKind =
  | 'ok'             // 2xx: delivered
  | 'rate-limited'   // 429: wait, resend
  | 'transient'      // 5xx, network, timeout and anything unexpected: back off, resend
  | 'too-large'      // 413: split
  | 'invalid'        // 400: bisect to the bad event(s)
  | 'key-rejected'   // 401/403: stop
  | 'quota-exceeded'; // 402: pause and probe

/** Classifies a response by its status. */
export function classifyResponse(result: HttpResult): ResponseKind {
  const { status } = result;
  if (status >= 200 && status < 300) return 'ok';
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
    case 403:
      return 'key-rejected';
    case 402:
      return 'quota-exceeded';
    case 413:
      return 'too-large';
    case 429:
      return 'rate-limited';
    default:
      return 'transient';
  }
}

/** Longest server message kept. */
const MESSAGE_CHARS = 200;

/** The server's message: `message` of a JSON body, else the body text, else the status. */
export function responseMessage(result: HttpResult): string {
  if (result.status === 0) return result.error ?? 'network error';
  let text = result.body.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
      text = (parsed as { message: string }).message;
    }
  } catch {
    // not JSON: the text is the message
  }
  if (text.length > MESSAGE_CHARS) text = `${text.slice(0, MESSAGE_CHARS - 1)}…`;
  return text === '' ? `HTTP ${result.status}` : `HTTP ${result.status}: ${text}`;
}

/**
 * What an error answer of the Events API says, read from its body in any of the shapes the
 * service and its emulator send:
 * - `{"message": {"error": {"type": "…", "message": "…"}}}` (the service's nested shape);
 * - `{"message": "…"}` (the flat one, as the 402 of the API Blueprint), where a leading
 *   `TYPE: ` (`ACCESS_DENIED_KEY: …`) is taken as the type;
 * - `{"error": {"type": "…", "message": "…"}}` or `{"error": "…"}`;
 * - a bare type as text or as a JSON string (`ACCESS_DENIED_KEY`, the Blueprint's 403);
 * - any other text, which is the message.
 * Pure and total: never throws, whatever the body.
 */

/** An error answer's type (e.g. `ACCESS_DENIED_KEY`) and message, each only when the body gives it. */
export interface ErrorBody {
  type?: string;
  message?: string;
}

/** Longest message kept, in characters (the rest becomes `…`). */
export const ERROR_MESSAGE_CHARS = 200;

/** An error type: an upper-case identifier such as `ACCESS_DENIED_KEY` or `INVALID_EVENT`. */
const TYPE = /^[A-Z][A-Z0-9_]{2,}$/;
/** A type the nested shape names: one word of at most 60 characters. */
const GIVEN_TYPE = /^\S{1,60}$/;
/** A message that starts with its type: `ACCESS_DENIED_KEY: this access key is not accepted`. */
const TYPED_MESSAGE = /^([A-Z][A-Z0-9_]{2,}):\s*([\s\S]*)$/;

/** Reads the type and message of an error answer's `body` (see the module notes for the shapes). */
export function parseErrorBody(body: string): ErrorBody {
  const text = body.trim();
  if (text === '') return {};
  if (text.startsWith('{') || text.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fromText(text);
    }
    if (typeof parsed === 'string') return fromText(parsed);
    const found = fromObject(parsed);
    if (found) return found;
  }
  return fromText(text);
}

/**
 * The answer in one phrase, its status first, the service's type and message once each:
 * `HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted`, `HTTP 402: Event limit
 * exceeded …`, `HTTP 503`.
 */
export function describeErrorBody(status: number, body: string): string {
  const { type, message } = parseErrorBody(body);
  return `HTTP ${status}${type ? ` ${type}` : ''}${message ? `: ${message}` : ''}`;
}

function fromObject(parsed: unknown): ErrorBody | undefined {
  if (!isRecord(parsed)) return undefined;
  const nested = isRecord(parsed.message) && isRecord(parsed.message.error) ? parsed.message.error : isRecord(parsed.error) ? parsed.error : undefined;
  if (nested) {
    const given = typeof nested.type === 'string' ? nested.type.trim() : '';
    const text = typeof nested.message === 'string' ? nested.message : '';
    // A type is one short word; anything else the service put there is part of its message.
    if (given !== '' && !GIVEN_TYPE.test(given)) return fromText(text.trim() ? `${given}: ${text.trim()}` : given);
    return withType(given || undefined, fromText(text));
  }
  if (typeof parsed.message === 'string') return fromText(parsed.message);
  if (typeof parsed.error === 'string') return fromText(parsed.error);
  return undefined;
}

/** A type given beside the message wins; the message does not repeat it. */
function withType(type: string | undefined, text: ErrorBody): ErrorBody {
  if (!type) return text;
  if (text.type === undefined || text.type === type) return text.message ? { type, message: text.message } : { type };
  // The message names a type of its own: keep it, it is part of what the service said.
  return { type, message: `${text.type}: ${text.message ?? ''}`.replace(/: $/, '') };
}

function fromText(raw: string): ErrorBody {
  const text = raw.trim();
  if (text === '') return {};
  if (TYPE.test(text)) return { type: text };
  const typed = TYPED_MESSAGE.exec(text);
  if (typed) {
    const message = shorten(typed[2]!.trim());
    return message ? { type: typed[1]!, message } : { type: typed[1]! };
  }
  return { message: shorten(text) };
}

function shorten(text: string): string {
  return text.length > ERROR_MESSAGE_CHARS ? `${text.slice(0, ERROR_MESSAGE_CHARS - 1)}…` : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

import type { RequestError } from './validate-request';

/**
 * A 400 body in the service's shape, as Initial State's own Python client ISStreamer reads it
 * (`json["message"]["error"]["type"]` and `["message"]`):
 *
 * ```json
 * {"message": {"error": {"type": "INVALID_EVENT_KEY", "message": "Invalid request: event 2 key: …"}},
 *  "errors": [{"type": "INVALID_EVENT_KEY", "index": 2, "field": "key", "rule": "…", "value": "…"}]}
 * ```
 *
 * `type` is the first broken rule's; `message` names every one; `errors` (the emulator's own
 * addition) lists each with its event's position.
 */
export interface BadRequestBody {
  message: { error: { type: string; message: string } };
  errors: RequestError[];
}

/** One broken rule in words: `event 2 key: 1 to 100 characters, got … (string)`. */
export function describeError(e: RequestError): string {
  return `${e.index === undefined ? '' : `event ${e.index} `}${e.field}: ${e.rule}, got ${e.value}`;
}

/** The 400 body for `errors` (at least one). */
export function badRequestBody(errors: readonly RequestError[]): BadRequestBody {
  const first = errors[0];
  if (first === undefined) throw new RangeError('badRequestBody needs at least one error');
  return {
    message: { error: { type: first.type, message: `Invalid request: ${errors.map(describeError).join('; ')}` } },
    errors: [...errors],
  };
}

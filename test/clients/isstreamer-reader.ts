/**
 * How ISStreamer 2.0.0 reads a 400 answer (Streamer.py, `ship_to_api`), with Python's semantics:
 * `json_err = json.loads(response_body)`, then `json_err["message"]["error"]["type"]` and
 * `json_err["message"]["error"]["message"]`. Indexing a string with a string raises TypeError
 * (`string indices must be integers`), a missing key KeyError: ISStreamer then takes the 400 for
 * a network failure, retries three times and writes its missed-events file.
 */

function pyIndex(value: unknown, key: string): unknown {
  if (typeof value === 'string') throw new TypeError('string indices must be integers');
  if (Array.isArray(value)) throw new TypeError('list indices must be integers or slices, not str');
  if (value === null || typeof value !== 'object') throw new TypeError(`'${value === null ? 'NoneType' : typeof value}' object is not subscriptable`);
  if (!Object.hasOwn(value, key)) throw new Error(`KeyError: '${key}'`);
  return (value as Record<string, unknown>)[key];
}

/** The `type` and `message` ISStreamer reads from a 400 body; throws where ISStreamer's handler would. */
export function readAsIsStreamer(body: string): { type: unknown; message: unknown } {
  const error = pyIndex(pyIndex(JSON.parse(body), 'message'), 'error');
  return { type: pyIndex(error, 'type'), message: pyIndex(error, 'message') };
}

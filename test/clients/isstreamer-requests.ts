/**
 * The requests Initial State's Python streamer ISStreamer 2.0.0 sends, byte for byte in their
 * headers and bodies, as its source shows them (ISStreamer/Streamer.py, `ship_to_api`):
 * - one `http.client` connection per request to the host of `stream_api_base`; `http.client`
 *   writes `Host`, `Accept-Encoding: identity` and `Content-Length`, then ISStreamer's own headers
 *   in this order: `Content-Type`, `User-Agent`, `Accept-Version`, `X-IS-AccessKey`, `X-IS-BucketKey`
 *   (the bucket key rides along on `/api/buckets` too);
 * - bodies are Python's `json.dumps(...)`: `", "` and `": "` separators, non-ASCII as `\uXXXX`,
 *   floats in `repr` form (`1799999990.1234567`, `1.2e-05`), `True`/`None` as `true`/`null`;
 * - `Streamer(bucket_name, bucket_key)` posts `{"bucketKey", "bucketName"}` to `/api/buckets`;
 *   `log()` queues `{"key", "value", "epoch": time.time()}` and ships 10 at a time (`BufferSize`),
 *   `log_object()` names keys `dict_<key>` / `list_<i>`, `flush()` / `close()` ship the rest.
 *
 * Epochs sit just before the test clock's start (2027-01-15T08:00:00Z = 1800000000 s).
 */

/** One request as ISStreamer sends it, and what the service answers. */
export interface IsStreamerRequest {
  /** The ISStreamer call that sends it. */
  call: string;
  path: '/api/buckets' | '/api/events';
  /** The access key ISStreamer was given ('' when neither argument nor ini file had one). */
  accessKey: string;
  bucketKey: string;
  body: string;
  /** The status the service gives. */
  status: number;
  /** For a 400: the `type` ISStreamer reads from `json["message"]["error"]["type"]`. */
  errorType?: string;
}

/** ISStreamer's `version.__version__`. */
export const ISSTREAMER_VERSION = '2.0.0';

/** The headers ISStreamer adds after `http.client`'s own, in its order. */
export function isStreamerHeaders(accessKey: string, bucketKey: string): [string, string][] {
  return [
    ['Content-Type', 'application/json'],
    ['User-Agent', `PyStreamer v${ISSTREAMER_VERSION}`],
    ['Accept-Version', '<=0.0.4'],
    ['X-IS-AccessKey', accessKey],
    ['X-IS-BucketKey', bucketKey],
  ];
}

const KEY = 'ist_pyStreamerKeyAbCdEfGhIjKlMnOp12';

/** A session of ISStreamer calls, in order, with the service's answers. */
export const ISSTREAMER_SESSION: readonly IsStreamerRequest[] = [
  {
    call: 'Streamer(bucket_name="Python Streamer", bucket_key="py_bucket")',
    path: '/api/buckets',
    accessKey: KEY,
    bucketKey: 'py_bucket',
    body: '{"bucketKey": "py_bucket", "bucketName": "Python Streamer"}',
    status: 201,
  },
  {
    call: 'a second Streamer on the same bucket',
    path: '/api/buckets',
    accessKey: KEY,
    bucketKey: 'py_bucket',
    body: '{"bucketKey": "py_bucket", "bucketName": "Python Streamer"}',
    status: 204,
  },
  {
    call: 'Streamer(bucket_name="No key given") (bucket_key = str(uuid.uuid4()))',
    path: '/api/buckets',
    accessKey: KEY,
    bucketKey: '5b0c1f9e-8d2a-4c47-9f0e-3a1d2b7c6e51',
    body: '{"bucketKey": "5b0c1f9e-8d2a-4c47-9f0e-3a1d2b7c6e51", "bucketName": "No key given"}',
    status: 201,
  },
  {
    call: '10 x log(): the buffer ships (ints, floats, bools, unicode text, a location, a big int, an exponent float)',
    path: '/api/events',
    accessKey: KEY,
    bucketKey: 'py_bucket',
    body:
      '[{"key": "temperature", "value": 21.5, "epoch": 1799999990.1234567}, {"key": "temperature", "value": 1, "epoch": 1799999990.3734567}, ' +
      '{"key": "temperature", "value": 21.7, "epoch": 1799999990.6234567}, {"key": "temperature", "value": 3, "epoch": 1799999990.8734567}, ' +
      '{"key": "door", "value": true, "epoch": 1799999991.6234567}, {"key": "door", "value": false, "epoch": 1799999991.8734567}, ' +
      '{"key": "status", "value": "ok \\u2603", "epoch": 1799999992.1234567}, {"key": "location", "value": "40.7128,-74.0060", "epoch": 1799999992.3734567}, ' +
      '{"key": "count", "value": 1234567890123, "epoch": 1799999992.6234567}, {"key": "ratio", "value": 1.2e-05, "epoch": 1799999992.8734567}]',
    status: 204,
  },
  {
    call: 'log_object({"temperature": 20.25, "humidity": 48}); log_object(["a", "b"]); flush()',
    path: '/api/events',
    accessKey: KEY,
    bucketKey: 'py_bucket',
    body:
      '[{"key": "dict_temperature", "value": 20.25, "epoch": 1799999993.1234567}, {"key": "dict_humidity", "value": 48, "epoch": 1799999993.1234567}, ' +
      '{"key": "list_0", "value": "a", "epoch": 1799999993.1234567}, {"key": "list_1", "value": "b", "epoch": 1799999993.1234567}]',
    status: 204,
  },
  {
    call: 'log("override", 1, epoch=1799990000); flush() (time_override_example)',
    path: '/api/events',
    accessKey: KEY,
    bucketKey: 'py_bucket',
    body: '[{"key": "override", "value": 1, "epoch": 1799990000}]',
    status: 204,
  },
  {
    call: 'log("old", "x", epoch=1400000000.0); flush() (over 10 years old: the server stamps it)',
    path: '/api/events',
    accessKey: KEY,
    bucketKey: 'py_bucket',
    body: '[{"key": "old", "value": "x", "epoch": 1400000000.0}]',
    status: 204,
  },
  {
    call: 'log("k" * 101, 1); flush() (ISStreamer does not check the 100-character key limit)',
    path: '/api/events',
    accessKey: KEY,
    bucketKey: 'py_bucket',
    body: `[{"key": "${'k'.repeat(101)}", "value": 1, "epoch": 1799999994.1234567}]`,
    status: 400,
    errorType: 'INVALID_EVENT_KEY',
  },
  {
    call: 'log_object({"sensor": None}); flush() (None goes out as null)',
    path: '/api/events',
    accessKey: KEY,
    bucketKey: 'py_bucket',
    body: '[{"key": "dict_sensor", "value": null, "epoch": 1799999995.1234567}]',
    status: 400,
    errorType: 'INVALID_EVENT_VALUE',
  },
  {
    call: 'close() on a Streamer given no access key (no argument, no isstreamer.ini)',
    path: '/api/events',
    accessKey: '',
    bucketKey: 'py_bucket',
    body: '[{"key": "late", "value": "x", "epoch": 1799999996.1234567}]',
    status: 401,
  },
  {
    call: 'log() x 2; close()',
    path: '/api/events',
    accessKey: KEY,
    bucketKey: 'py_bucket',
    body: '[{"key": "late", "value": "x", "epoch": 1799999996.1234567}, {"key": "late", "value": "y", "epoch": 1799999996.6234567}]',
    status: 204,
  },
];

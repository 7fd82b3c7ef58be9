import assert from 'node:assert/strict';

/** POSTs `events` as JSON to `${apiUrl}/events` with the key and bucket in headers; asserts the 204. */
export async function postEvents(apiUrl: string, accessKey: string, bucketKey: string, events: unknown): Promise<void> {
  const res = await fetch(`${apiUrl}/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-IS-AccessKey': accessKey, 'X-IS-BucketKey': bucketKey },
    body: JSON.stringify(events),
  });
  assert.equal(res.status, 204, await res.text());
}

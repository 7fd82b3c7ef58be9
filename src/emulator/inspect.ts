import { publicBucket, type PublicBucket } from './dashboard';
import { maskKey } from '../engine/mask-key';
import { bucketId, type Store } from './store';
import type { StoredEvent } from './types';

/** `GET /inspect/buckets`: every bucket, its access key masked, with its stored event count. */
export function inspectBuckets(store: Store): (PublicBucket & { events: number })[] {
  const counts = new Map<string, number>();
  for (const e of store.events()) {
    const id = bucketId(e.accessKey, e.bucketKey);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return store.buckets().map((b) => ({ ...publicBucket(b), events: counts.get(bucketId(b.accessKey, b.bucketKey)) ?? 0 }));
}

/** `GET /inspect/events?bucketKey=`: stored events (of one bucket key when given), access key masked. */
export function inspectEvents(store: Store, bucketKey: string | null): (StoredEvent & { account: string })[] {
  return store.events(bucketKey === null ? {} : { bucketKey }).map(({ accessKey, ...event }) => ({ account: maskKey(accessKey), ...event }));
}

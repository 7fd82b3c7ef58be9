import type { RequestRecord, StoredEvent } from './types';

/** A bucket as the store keeps it. */
export interface BucketRecord {
  /** Number of the bucket in creation order, from 1: names it where the access key may not be shown. */
  seq: number;
  accessKey: string;
  bucketKey: string;
  bucketName?: string;
  createdAt: number;
}

/** A stored event with the access key it came with. */
export interface KeyedEvent extends StoredEvent {
  accessKey: string;
}

/** What `stats()` answers. */
export interface Stats {
  requests: number;
  byStatus: Record<number, number>;
  eventsAccepted: number;
}

/** One string naming a bucket of an access key, for maps. */
export const bucketId = (accessKey: string, bucketKey: string): string => `${accessKey}\n${bucketKey}`;

/**
 * Everything the emulator received, in memory: buckets per access key, events in arrival order
 * (the oldest forgotten beyond `maxEvents`), the request log, and per access key the events
 * accepted, which the monthly quota counts.
 */
export class Store {
  #buckets = new Map<string, BucketRecord>();
  #events: KeyedEvent[] = [];
  #requests: RequestRecord[] = [];
  #byStatus: Record<number, number> = {};
  #acceptedByKey = new Map<string, number>();
  #eventsAccepted = 0;
  #bucketSeq = 0;

  /** @param maxEvents events kept; beyond it the oldest are forgotten */
  constructor(public maxEvents: number) {}

  /**
   * Creates the bucket unless it exists; says whether it did. A name given for an existing bucket
   * replaces its name (the bucket shelf shows the latest one).
   */
  ensureBucket(accessKey: string, bucketKey: string, bucketName: string | undefined, at: number): { created: boolean; bucket: BucketRecord } {
    const id = bucketId(accessKey, bucketKey);
    const existing = this.#buckets.get(id);
    if (existing) {
      if (bucketName !== undefined) existing.bucketName = bucketName;
      return { created: false, bucket: existing };
    }
    const bucket: BucketRecord = { seq: ++this.#bucketSeq, accessKey, bucketKey, createdAt: at, ...(bucketName === undefined ? {} : { bucketName }) };
    this.#buckets.set(id, bucket);
    return { created: true, bucket };
  }

  /** Stores accepted events of one access key. */
  addEvents(accessKey: string, events: StoredEvent[]): void {
    for (const event of events) this.#events.push({ accessKey, ...event });
    this.#eventsAccepted += events.length;
    this.#acceptedByKey.set(accessKey, this.accepted(accessKey) + events.length);
    // Trim in steps of a tenth so a full store does not copy its whole array on every request.
    if (this.#events.length > this.maxEvents) this.#events.splice(0, this.#events.length - Math.ceil(this.maxEvents * 0.9));
  }

  /** Events accepted for `accessKey` since the last reset (what the monthly quota counts). */
  accepted(accessKey: string): number {
    return this.#acceptedByKey.get(accessKey) ?? 0;
  }

  /** Logs one answered request. */
  addRequest(record: RequestRecord): void {
    this.#requests.push(record);
    this.#byStatus[record.status] = (this.#byStatus[record.status] ?? 0) + 1;
  }

  /** Stored events, optionally of one access key and/or bucket, in arrival order. */
  events(filter: { accessKey?: string; bucketKey?: string } = {}): KeyedEvent[] {
    return this.#events.filter(
      (e) => (filter.accessKey === undefined || e.accessKey === filter.accessKey) && (filter.bucketKey === undefined || e.bucketKey === filter.bucketKey),
    );
  }

  /** Buckets, optionally of one access key, in creation order. */
  buckets(filter: { accessKey?: string } = {}): BucketRecord[] {
    return [...this.#buckets.values()].filter((b) => filter.accessKey === undefined || b.accessKey === filter.accessKey);
  }

  /** Every logged request, in order. */
  requests(): RequestRecord[] {
    return this.#requests.map((r) => ({ ...r }));
  }

  /** Counts by status code and totals. */
  stats(): Stats {
    return { requests: this.#requests.length, byStatus: { ...this.#byStatus }, eventsAccepted: this.#eventsAccepted };
  }

  /** Forgets everything. */
  clear(): void {
    this.#buckets.clear();
    this.#events = [];
    this.#requests = [];
    this.#byStatus = {};
    this.#acceptedByKey.clear();
    this.#eventsAccepted = 0;
  }
}

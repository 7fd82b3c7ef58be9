import fs from 'node:fs';
import path from 'node:path';
import type { IsEvent } from '../event';
import { IndexRanges } from './index-ranges';
import type { OverflowPolicy } from './types';

/** A contiguous run of live events of one bucket, as the engine holds them. */
export interface SpoolRun {
  bucketKey: string;
  /** Spool index of the run's first event (indices count per bucket). */
  start: number;
  events: readonly IsEvent[];
}

/** A record of the rewritten file, as {@link Spool.load} passes it on. */
export interface LoadedRecord {
  bucketKey: string;
  /** Spool index of `events[0]`: each bucket is numbered from 0 again. */
  start: number;
  /** Events of one submit (the URL transport keeps them in requests of their own). */
  events: IsEvent[];
  /** Byte offset of the record's line in the rewritten file, for {@link Spool.readRecords}. */
  offset: number;
}

/** What {@link Spool.load} found. */
export interface SpoolLoad {
  /** Undelivered events the file held, kept or not. */
  held: number;
  /** Lines that could not be read (corrupted or cut off) and were skipped. */
  badLines: number;
  /** The events not kept because the file held more than `maxEvents`, in file order. */
  overflow: { bucketKey: string; event: IsEvent }[];
}

/** An event record as {@link Spool.readRecords} passes it on. */
export interface SpoolRecord {
  /** Spool index of `events[0]`. */
  start: number;
  events: IsEvent[];
  /** Byte offset of the record's line. */
  offset: number;
}

/** ms between fsyncs at most: a power cut loses at most about this much. */
export const FSYNC_INTERVAL_MS = 1000;
/** Removals after which the file is rewritten (when they also outnumber the live events). */
const COMPACT_AFTER = 1000;
/** Removals after which an emptied queue truncates the file. */
const COMPACT_WHEN_EMPTY = 100;

/** An event record `{b, i, e}` or a removal record `{b, i, n}` (delivered, rejected or dropped). */
type SpoolLine = { b: string; i: number; e?: IsEvent[]; n?: number };

function isEvent(value: unknown): value is IsEvent {
  if (!value || typeof value !== 'object') return false;
  const { key, value: v } = value as Record<string, unknown>;
  return typeof key === 'string' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
}

function parseLine(line: string): SpoolLine | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined; // a line cut off by a crash, or changed under the engine
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const record = parsed as SpoolLine;
  if (typeof record.b !== 'string' || !Number.isSafeInteger(record.i) || record.i < 0) return undefined;
  if (Array.isArray(record.e)) return record.e.every(isEvent) ? record : undefined;
  return Number.isSafeInteger(record.n) && record.n! > 0 ? record : undefined;
}

/** Bytes read from the file at a time, and a rewrite collects before it writes them. */
const [READ_BYTES, WRITE_BYTES] = [64 * 1024, 1024 * 1024];

/**
 * The durable queue of one engine (`persist: 'file'`): an append-only file of JSON lines.
 *
 * Write strategy: every submit is written with one synchronous `write` before `submit()` returns,
 * so a crash or SIGKILL of the process loses nothing accepted; the file is `fsync`ed at most once
 * every {@link FSYNC_INTERVAL_MS} (1 s), so a power cut loses at most about the last second.
 * Deliveries and drops append small removal records; once removals outnumber the live events
 * (and exceed 1000) the file is rewritten with only the live events (write to `.tmp`, fsync, rename), and so is an emptied queue's file after 100 removals.
 */
export class Spool {
  readonly file: string;
  #fd: number;
  #live = 0;
  #removed = 0;
  /** The file's size: where the next record goes. */
  #size: number;
  #fsyncTimer: NodeJS.Timeout | undefined;

  /** Opens (creating the folder and file if needed) the spool at `file`. */
  constructor(file: string) {
    this.file = file;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#fd = fs.openSync(file, 'a+');
    this.#size = fs.fstatSync(this.#fd).size;
  }

  /**
   * Reads every intact record, skipping (and counting) unreadable lines, and rewrites the file
   * with the surviving events numbered from 0 in each bucket, one record per surviving record,
   * in the order they were written. Calls `keep` with each record of the new file, in order.
   *
   * When more than `maxEvents` survive, `policy` picks the events left out (and not written back):
   * the first written ('drop-oldest') or the last ('refuse-newest').
   *
   * The file is streamed twice (once to learn which indices were removed, once to rewrite it):
   * memory holds the removed and written index ranges of each bucket and what `keep` keeps, never
   * the whole file.
   */
  load(maxEvents: number, policy: OverflowPolicy, keep: (record: LoadedRecord) => void): SpoolLoad {
    const written = new Map<string, IndexRanges>();
    const removed = new Map<string, IndexRanges>();
    let badLines = 0;
    this.#scan(0, (buffer, start, end) => {
      const line = buffer.toString('utf8', start, end);
      if (line.trim() === '') return true;
      const record = parseLine(line);
      if (!record) badLines += 1;
      else {
        const ranges = record.e ? written : removed;
        let set = ranges.get(record.b);
        if (!set) ranges.set(record.b, (set = new IndexRanges()));
        set.add(record.i, record.i + (record.e ? record.e.length : record.n!));
      }
      return true;
    });
    let held = 0;
    for (const [bucketKey, set] of written) held += set.countWithout(removed.get(bucketKey) ?? new IndexRanges());
    const skipFirst = policy === 'drop-oldest' ? Math.max(0, held - maxEvents) : 0;
    const overflow: SpoolLoad['overflow'] = [];
    /** Per bucket: the next new index, and the last old index read (a repeated one is skipped). */
    const next = new Map<string, { index: number; last: number }>();
    let seen = 0;
    let live = 0;
    this.#replace((write) =>
      this.#scan(0, (buffer, start, end) => {
        const record = parseLine(buffer.toString('utf8', start, end));
        if (!record?.e) return true;
        const gone = removed.get(record.b);
        let bucket = next.get(record.b);
        if (!bucket) next.set(record.b, (bucket = { index: 0, last: -1 }));
        const kept: IsEvent[] = [];
        record.e.forEach((event, at) => {
          const index = record.i + at;
          if (index <= bucket.last || gone?.has(index)) return;
          bucket.last = index;
          seen += 1;
          if (seen <= skipFirst || seen > skipFirst + maxEvents) overflow.push({ bucketKey: record.b, event });
          else kept.push(event);
        });
        if (kept.length === 0) return true;
        const offset = write(`${JSON.stringify({ b: record.b, i: bucket.index, e: kept })}\n`);
        keep({ bucketKey: record.b, start: bucket.index, events: kept, offset });
        bucket.index += kept.length;
        live += kept.length;
        return true;
      }),
    );
    this.#live = live;
    return { held, badLines, overflow };
  }

  /**
   * Records events appended to a bucket's queue, the first at spool index `start`.
   * Returns the byte offset of the record's line, for {@link readRecords}.
   */
  append(bucketKey: string, start: number, events: readonly IsEvent[]): number {
    const offset = this.#size;
    this.#write(`${JSON.stringify({ b: bucketKey, i: start, e: events })}\n`);
    this.#live += events.length;
    return offset;
  }

  /**
   * Reads the event records of one bucket from the line at byte offset `from` on, in file order,
   * skipping other buckets' lines and removal records, until `visit` returns false or the file ends.
   */
  readRecords(bucketKey: string, from: number, visit: (record: SpoolRecord) => boolean): void {
    const prefix = Buffer.from(`{"b":${JSON.stringify(bucketKey)},`);
    this.#scan(from, (buffer, start, end, offset) => {
      if (buffer.compare(prefix, 0, prefix.length, start, Math.min(start + prefix.length, end)) !== 0) return true;
      const record = parseLine(buffer.toString('utf8', start, end));
      return !record?.e || visit({ start: record.i, events: record.e, offset });
    });
  }

  /**
   * Passes each line from byte offset `from` on (`buffer` bytes `start` to `end`, the newline left
   * out; `offset` where it starts in the file) to `visit` until it returns false or the file ends.
   * A last line without a newline is passed too.
   */
  #scan(from: number, visit: (buffer: Buffer, start: number, end: number, offset: number) => boolean): void {
    // Not zero-filled: only the bytes read are looked at. A scan runs on every refill.
    let buffer = Buffer.allocUnsafe(READ_BYTES);
    let offset = from;
    while (offset < this.#size) {
      const want = Math.min(buffer.length, this.#size - offset);
      const read = fs.readSync(this.#fd, buffer, 0, want, offset);
      // Shorter than written: the file was cut under the engine. Never loop on it.
      if (read === 0) return;
      let at = 0;
      for (let end = buffer.indexOf(10, at); end !== -1 && end < read; end = buffer.indexOf(10, at)) {
        if (!visit(buffer, at, end, offset + at)) return;
        at = end + 1;
      }
      if (at === 0) {
        if (read === this.#size - offset || read < want) {
          visit(buffer, 0, read, offset);
          return;
        }
        // A line longer than the buffer: read again with room for it.
        buffer = Buffer.allocUnsafe(buffer.length * 2);
      }
      offset += at;
    }
  }

  /** Records that `count` events from spool index `start` left the queue (delivered or dropped). */
  remove(bucketKey: string, start: number, count: number): void {
    this.#write(`${JSON.stringify({ b: bucketKey, i: start, n: count })}\n`);
    this.#live -= count;
    this.#removed += count;
  }

  /** True when the file holds more removed than live events and a rewrite would pay. */
  get wantsCompaction(): boolean {
    return (this.#removed >= COMPACT_AFTER && this.#removed >= this.#live) || (this.#live === 0 && this.#removed >= COMPACT_WHEN_EMPTY);
  }

  /** Replaces the file by the given live runs. */
  rewrite(runs: readonly SpoolRun[]): void {
    this.#replace((write) => {
      for (const run of runs) if (run.events.length > 0) write(`${JSON.stringify({ b: run.bucketKey, i: run.start, e: run.events })}\n`);
    });
    this.#live = runs.reduce((sum, run) => sum + run.events.length, 0);
  }

  /**
   * Replaces the file by the lines `fill` writes (to `.tmp`, fsync, rename); `write` returns the
   * byte offset of the line in the new file. The caller sets the live count.
   */
  #replace(fill: (write: (line: string) => number) => void): void {
    const temp = `${this.file}.tmp`;
    const fd = fs.openSync(temp, 'w');
    let size = 0;
    let pending: string[] = [];
    let pendingBytes = 0;
    const flush = (): void => {
      fs.writeSync(fd, pending.join(''));
      pending = [];
      pendingBytes = 0;
    };
    try {
      fill((line) => {
        const offset = size;
        const bytes = Buffer.byteLength(line);
        size += bytes;
        pending.push(line);
        pendingBytes += bytes;
        if (pendingBytes >= WRITE_BYTES) flush();
        return offset;
      });
      flush();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.closeSync(this.#fd);
    fs.renameSync(temp, this.file);
    this.#fd = fs.openSync(this.file, 'a+');
    this.#size = size;
    this.#removed = 0;
  }

  /** Syncs and closes the file. */
  close(): void {
    clearTimeout(this.#fsyncTimer);
    this.#fsyncTimer = undefined;
    fs.fsyncSync(this.#fd);
    fs.closeSync(this.#fd);
  }

  #write(text: string): void {
    this.#size += fs.writeSync(this.#fd, text);
    if (this.#fsyncTimer === undefined) {
      this.#fsyncTimer = setTimeout(() => {
        this.#fsyncTimer = undefined;
        fs.fsyncSync(this.#fd);
      }, FSYNC_INTERVAL_MS);
      this.#fsyncTimer.unref();
    }
  }
}

import fs from 'node:fs';
import path from 'node:path';
import type { IsEvent } from '../event';

/** A contiguous run of live events of one bucket, as the engine holds them. */
export interface SpoolRun {
  bucketKey: string;
  /** Spool index of the run's first event (indices count per bucket). */
  start: number;
  events: readonly IsEvent[];
}

/** What a spool file held when it was opened. */
export interface SpoolContents {
  /** The undelivered events of each bucket, in queue order. */
  buckets: Map<string, IsEvent[]>;
  /**
   * For each event of `buckets`, the number of the record that wrote it: events of one record
   * came in one submit (the URL transport keeps them in requests of their own), and a lower
   * number was written earlier (the overflow policy's oldest).
   */
  records: Map<string, number[]>;
  /** Lines that could not be read (corrupted or cut off) and were skipped. */
  badLines: number;
  /** For each event of `buckets`, the byte offset in the rewritten file of the line that holds it. */
  offsets: Map<string, number[]>;
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
interface SpoolLine {
  b: string;
  i: number;
  e?: IsEvent[];
  n?: number;
}

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
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const record = parsed as SpoolLine;
  if (typeof record.b !== 'string' || !Number.isSafeInteger(record.i) || record.i < 0) return undefined;
  if (Array.isArray(record.e)) return record.e.every(isEvent) ? record : undefined;
  return Number.isSafeInteger(record.n) && record.n! > 0 ? record : undefined;
}

/** The buckets' events as runs numbered from 0 in each bucket, one run per record. */
export function spoolRuns(buckets: ReadonlyMap<string, readonly IsEvent[]>, records: ReadonlyMap<string, readonly number[]>): SpoolRun[] {
  const runs: SpoolRun[] = [];
  for (const [bucketKey, events] of buckets) {
    const numbers = records.get(bucketKey)!;
    let start = 0;
    for (let index = 1; index <= events.length; index++) {
      if (index < events.length && numbers[index] === numbers[start]) continue;
      runs.push({ bucketKey, start, events: events.slice(start, index) });
      start = index;
    }
  }
  return runs;
}

/**
 * Rewrites `spool` with the given buckets' events, one line per record (see {@link spoolRuns}),
 * and returns for each event the byte offset of its line in the new file.
 */
export function rewriteBuckets(spool: Spool, buckets: ReadonlyMap<string, readonly IsEvent[]>, records: ReadonlyMap<string, readonly number[]>): Map<string, number[]> {
  const runs = spoolRuns(buckets, records);
  const lineOffsets = spool.rewrite(runs);
  const offsets = new Map<string, number[]>();
  runs.forEach((run, r) => {
    let list = offsets.get(run.bucketKey);
    if (!list) offsets.set(run.bucketKey, (list = []));
    for (let n = 0; n < run.events.length; n++) list.push(lineOffsets[r]!);
  });
  return offsets;
}

/** Bytes read from the file at a time by {@link Spool.readRecords}. */
const READ_BYTES = 64 * 1024;

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
   * Reads every intact record, skipping (and counting) unreadable lines, then rewrites the file
   * with the surviving events numbered from 0 in each bucket, one record per surviving record.
   *
   * The whole file is read into memory here (the events and a few numbers per event), so opening
   * a spool of a large backlog takes memory for all of it once; the engine then keeps at most
   * `memoryWindow` of the events and lets the rest go (it reads them back at `offsets`).
   */
  load(): SpoolContents {
    const text = fs.readFileSync(this.file, 'utf8');
    const live = new Map<string, Map<number, { event: IsEvent; record: number }>>();
    let badLines = 0;
    let records = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const record = parseLine(line);
      if (!record) {
        badLines += 1;
        continue;
      }
      let bucket = live.get(record.b);
      if (!bucket) live.set(record.b, (bucket = new Map()));
      if (record.e) {
        records += 1;
        record.e.forEach((event, offset) => bucket.set(record.i + offset, { event, record: records }));
      } else for (let index = record.i; index < record.i + record.n!; index++) bucket.delete(index);
    }
    const contents: SpoolContents = { buckets: new Map(), records: new Map(), badLines, offsets: new Map() };
    for (const [bucketKey, events] of live) {
      if (events.size === 0) continue;
      const kept = [...events].sort(([a], [b]) => a - b).map(([, entry]) => entry);
      contents.buckets.set(bucketKey, kept.map((entry) => entry.event));
      contents.records.set(bucketKey, kept.map((entry) => entry.record));
    }
    contents.offsets = rewriteBuckets(this, contents.buckets, contents.records);
    return contents;
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
    let buffer = Buffer.alloc(READ_BYTES);
    let offset = from;
    while (offset < this.#size) {
      const read = fs.readSync(this.#fd, buffer, 0, Math.min(buffer.length, this.#size - offset), offset);
      let at = 0;
      for (let end = buffer.indexOf(10, at); end !== -1 && end < read; end = buffer.indexOf(10, at)) {
        if (buffer.compare(prefix, 0, prefix.length, at, Math.min(at + prefix.length, end)) === 0) {
          const record = parseLine(buffer.toString('utf8', at, end));
          if (record?.e && !visit({ start: record.i, events: record.e, offset: offset + at })) return;
        }
        at = end + 1;
      }
      if (at === 0) {
        // No whole line left (a cut-off end), or a line longer than the buffer: read again with room for it.
        if (read < buffer.length) return;
        buffer = Buffer.alloc(buffer.length * 2);
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

  /** Replaces the file by the given live runs; returns the byte offset of each run's line. */
  rewrite(runs: readonly SpoolRun[]): number[] {
    const temp = `${this.file}.tmp`;
    const offsets: number[] = [];
    let size = 0;
    const lines = runs.map((run) => {
      offsets.push(size);
      const line = run.events.length > 0 ? `${JSON.stringify({ b: run.bucketKey, i: run.start, e: run.events })}\n` : '';
      size += Buffer.byteLength(line);
      return line;
    });
    fs.writeFileSync(temp, lines.join(''));
    const fd = fs.openSync(temp, 'r+');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.closeSync(this.#fd);
    fs.renameSync(temp, this.file);
    this.#fd = fs.openSync(this.file, 'a+');
    this.#size = size;
    this.#live = runs.reduce((sum, run) => sum + run.events.length, 0);
    this.#removed = 0;
    return offsets;
  }

  /** Syncs and closes the file. */
  close(): void {
    if (this.#fsyncTimer !== undefined) clearTimeout(this.#fsyncTimer);
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

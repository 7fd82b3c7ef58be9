import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { EventValue } from '../event';
import { maskKey } from '../engine/mask-key';
import { bucketId, type BucketRecord, type KeyedEvent } from './store';

/** A bucket as the dashboard and the inspection routes show it: the access key masked. */
export interface PublicBucket {
  /** Stable id of the bucket in this emulator (creation order). */
  id: number;
  /** The access key's last 4 characters, as `…abcd`. */
  account: string;
  bucketKey: string;
  bucketName?: string;
  createdAt: number;
}

/** One point of a stream: epoch seconds and value. */
export type Point = [epoch: number, value: EventValue];

/** The dashboard's first message: every bucket with the latest points of each stream. */
export interface Snapshot {
  buckets: (PublicBucket & { streams: { key: string; points: Point[] }[] })[];
}

/** Points per stream the snapshot carries (the page keeps as many). */
export const POINTS_PER_STREAM = 500;

/** Milliseconds between SSE comments that keep idle connections open through proxies. */
const KEEPALIVE_MS = 15_000;

/** The bucket without its access key. */
export function publicBucket(bucket: BucketRecord): PublicBucket {
  const { seq, accessKey, bucketKey, bucketName, createdAt } = bucket;
  return { id: seq, account: maskKey(accessKey), bucketKey, ...(bucketName === undefined ? {} : { bucketName }), createdAt };
}

/** Builds the snapshot from the stored buckets and events. */
export function snapshot(buckets: BucketRecord[], events: KeyedEvent[]): Snapshot {
  const streams = new Map<string, Map<string, Point[]>>();
  for (const e of events) {
    const id = bucketId(e.accessKey, e.bucketKey);
    const byKey = streams.get(id) ?? new Map<string, Point[]>();
    streams.set(id, byKey);
    const points = byKey.get(e.key) ?? [];
    byKey.set(e.key, points);
    points.push([e.epoch, e.value]);
    if (points.length > POINTS_PER_STREAM * 2) points.splice(0, points.length - POINTS_PER_STREAM);
  }
  return {
    buckets: buckets.map((b) => ({
      ...publicBucket(b),
      streams: [...(streams.get(bucketId(b.accessKey, b.bucketKey)) ?? new Map<string, Point[]>())].map(([key, points]) => ({
        key,
        points: points.slice(-POINTS_PER_STREAM),
      })),
    })),
  };
}

/**
 * The live dashboard's server side: server-sent events on `GET /dashboard/stream`. A new client
 * first gets a `snapshot`, then `bucket` (created), `events` (accepted) and `reset` messages.
 */
export class DashboardHub {
  readonly #clients = new Set<ServerResponse>();
  #keepalive: NodeJS.Timeout | undefined;

  /** Opens the stream on `res` and sends `first` as its `snapshot` message. */
  connect(req: IncomingMessage, res: ServerResponse, first: Snapshot): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(message('snapshot', first));
    this.#clients.add(res);
    req.once('close', () => this.#clients.delete(res));
    this.#keepalive ??= setInterval(() => this.#clients.forEach((c) => c.write(': keepalive\n\n')), KEEPALIVE_MS).unref();
  }

  /** Sends one message to every open stream. */
  broadcast(event: 'bucket' | 'events' | 'reset', data: unknown): void {
    const text = message(event, data);
    for (const client of this.#clients) client.write(text);
  }

  /** Ends every stream. */
  close(): void {
    clearInterval(this.#keepalive);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}

function message(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

const PUBLIC = path.join(__dirname, 'public');
const UPLOT = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));

/** The dashboard's static files by URL path: the page, its script and style, and uPlot served locally. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: path.join(PUBLIC, 'dashboard.html'), type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: path.join(PUBLIC, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { file: path.join(PUBLIC, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': { file: path.join(UPLOT, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/uPlot.min.css': { file: path.join(UPLOT, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/** Answers `pathname` with its static file; false when it is not one. */
export async function serveAsset(pathname: string, res: ServerResponse): Promise<boolean> {
  const asset = ASSETS[pathname];
  if (!asset) return false;
  const body = await readFile(asset.file);
  res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
  res.end(body);
  return true;
}

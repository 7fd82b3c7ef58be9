import type { IncomingMessage } from 'node:http';

/** A request body: its text, or `tooLarge` when it passed the limit (the rest is discarded unread). */
export type Body = { tooLarge: false; text: string } | { tooLarge: true };

/**
 * Reads the body of `req` up to `limit` bytes. A `Content-Length` over the limit is refused before
 * reading anything; a chunked body is refused as soon as it passes the limit.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.resolve({ tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        // Stop keeping the body; the rest flows away so the 413 can still be read by the client.
        req.off('data', onData);
        req.resume();
        resolve({ tooLarge: true });
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve({ tooLarge: false, text: Buffer.concat(chunks).toString('utf8') }));
    req.once('error', reject);
  });
}

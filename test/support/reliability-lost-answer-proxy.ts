import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of the emulator that can lose answers: the request reaches the
 * emulator (which stores its events) but the client never hears back, as when a response is lost
 * on the way or arrives after the client's timeout. Only `POST /api/events` answers are lost.
 */
export class LostAnswerProxy {
  /** `POST /api/events` answers still to lose. */
  lose = 0;
  /** The bodies (parsed JSON) of the requests whose answers were lost. */
  readonly lost: unknown[] = [];
  readonly #server: http.Server;
  readonly #target: URL;

  private constructor(target: string) {
    this.#target = new URL(target);
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.#forward(req, res, Buffer.concat(chunks)));
    });
  }

  /** Starts a proxy on a free 127.0.0.1 port forwarding to `target` (e.g. the emulator's `url`). */
  static async start(target: string): Promise<LostAnswerProxy> {
    const proxy = new LostAnswerProxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The endpoint to give the account node: `http://127.0.0.1:PORT/api`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/api`;
  }

  /** Stops listening and ends every connection, the held ones included. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const upstream = http.request(
      { host: this.#target.hostname, port: this.#target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          if (this.lose > 0 && req.method === 'POST' && req.url?.startsWith('/api/events') && answer.statusCode === 204) {
            this.lose -= 1;
            this.lost.push(JSON.parse(body.toString('utf8')));
            return; // stored upstream, never answered here
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        });
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }
}

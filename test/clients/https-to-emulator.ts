/**
 * Points a client's `https.request` calls at the emulator's plain-HTTP address, so that a client
 * written for the service (Initial State's Node SDK) runs against it unmodified.
 */
import http from 'node:http';
import https from 'node:https';
import sinon from 'sinon';

/** What the clients sent through the redirect, and how to undo it. */
export interface HttpsRedirect {
  /** Each request as sent: method, path, headers and body text. */
  readonly sent: { method: string; path: string; headers: http.OutgoingHttpHeaders; body: string }[];
  restore(): void;
}

/** Sends every `https.request(options, callback)` to `http://127.0.0.1:port` instead of `options.hostname`. */
export function redirectHttps(port: number): HttpsRedirect {
  const sent: HttpsRedirect['sent'] = [];
  const stub = sinon.stub(https, 'request').callsFake(((options: https.RequestOptions, callback?: (res: http.IncomingMessage) => void) => {
    const req = http.request({ ...options, protocol: 'http:', hostname: '127.0.0.1', port, agent: undefined }, callback);
    const end = req.end.bind(req) as (chunk?: unknown) => http.ClientRequest;
    req.end = ((chunk?: unknown) => {
      sent.push({ method: options.method ?? 'GET', path: options.path ?? '/', headers: { ...(options.headers as http.OutgoingHttpHeaders) }, body: chunk === undefined ? '' : String(chunk) });
      return end(chunk);
    }) as typeof req.end;
    return req;
  }) as unknown as typeof https.request);
  return { sent, restore: () => stub.restore() };
}

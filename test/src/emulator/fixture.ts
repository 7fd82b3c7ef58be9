/** A running emulator on a controllable clock, and small HTTP helpers, for the emulator tests. */
import { startEmulator } from '../../../src/emulator';
import type { Emulator, EmulatorOptions } from '../../../src/emulator/types';

/** A realistic access key; tests check it never appears whole in any output. */
export const KEY = 'ist_testKeyAbCdEfGhIjKlMnOpQrStUv1234';
/** A second account. */
export const OTHER_KEY = 'ist_otherKeyZyXwVuTsRqPoNmLkJiHg9876';
/** The clock's start: 2027-01-15T08:00:00.000Z. */
export const START_MS = Date.UTC(2027, 0, 15, 8, 0, 0);

/** A response read whole. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, undefined when it is empty or not JSON. */
  json: any;
}

export interface Fixture {
  emulator: Emulator;
  /** The emulator's clock, ms since 1970: move it to drive windows and fault durations. */
  clock: { now: number };
  /** Every log line the emulator wrote. */
  logs: string[];
  /** Every reply the helpers read, for the "no key leaks" check. */
  replies: Reply[];
  request(path: string, init?: RequestInit): Promise<Reply>;
  /** `POST /api/events` with `body` JSON-encoded (a string is sent as is). */
  postEvents(body: unknown, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

/** Starts an emulator with `options`, a fake clock at {@link START_MS} and a log collector. */
export async function startFixture(options: EmulatorOptions = {}): Promise<Fixture> {
  const clock = { now: START_MS };
  const logs: string[] = [];
  const replies: Reply[] = [];
  const emulator = await startEmulator({ now: () => clock.now, log: (line) => logs.push(line), ...options });
  const request = async (path: string, init?: RequestInit): Promise<Reply> => {
    const res = await fetch(`${emulator.url}${path}`, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const reply = { status: res.status, headers: res.headers, text, json };
    replies.push(reply);
    return reply;
  };
  return {
    emulator,
    clock,
    logs,
    replies,
    request,
    postEvents: (body, headers = {}) =>
      request('/api/events', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-IS-AccessKey': KEY, 'X-IS-BucketKey': 'b', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: () => emulator.close(),
  };
}

/**
 * What the emulator's request log says about a backlog's schedule, reckoned only from the
 * requests the server counted against its rate window (`counted`: they took one of its slots),
 * the yardstick of the backlog part.
 */
import type { RequestRecord } from '../src/emulator';

/** One rate window as the server opened it, in ms since 1970. */
export interface CountedWindow {
  /** When its first counted request arrived (it opened the window). */
  openedAt: number;
  /** When the server would have opened it at the earliest: the previous window's end (its own opening for the first). */
  earliest: number;
  /** Counted requests it let through. */
  counted: number;
  /** Requests refused with 429 while it was open. */
  limited: number;
  /** When its last request (counted, refused or not counted) arrived. */
  lastAt: number;
}

/**
 * The server's windows rebuilt from its log with its rule: a counted request at or after the
 * open window's end opens the next one, which lasts `windowMs`. A request the server does not
 * count opens none; it belongs to the window open when it arrived (none before the first).
 */
export function countedWindows(requests: readonly RequestRecord[], windowMs: number): CountedWindow[] {
  const windows: CountedWindow[] = [];
  for (const request of requests) {
    let window = windows[windows.length - 1];
    if (request.counted && (!window || request.at >= window.openedAt + windowMs)) {
      const earliest = window ? window.openedAt + windowMs : request.at;
      window = { openedAt: request.at, earliest, counted: 0, limited: 0, lastAt: request.at };
      windows.push(window);
    }
    if (!window) continue;
    if (request.counted) window.counted++;
    else if (request.status === 429) window.limited++;
    window.lastAt = Math.max(window.lastAt, request.at);
  }
  return windows;
}

/** How late the last request of a backlog left, in ms. */
export interface LastRequest {
  /** From its window's earliest opening (the previous window's end) to the last request. */
  sinceOpening: number;
  /** Of that, from the earliest opening to the window's first request (the client starting late). */
  opening: number;
  /** Windows the backlog took. */
  windows: number;
  /** When the last window could open at the earliest, ms since 1970 (NaN when nothing was counted). */
  earliestOpening: number;
}

/** How long after its window could open the backlog's last request arrived; NaN figures when nothing was counted. */
export function lastRequest(requests: readonly RequestRecord[], windowMs: number): LastRequest {
  const windows = countedWindows(requests, windowMs);
  const last = windows[windows.length - 1];
  const lastAt = requests.reduce((at, r) => Math.max(at, r.at), -Infinity);
  if (!last) return { sinceOpening: NaN, opening: NaN, windows: 0, earliestOpening: NaN };
  return { sinceOpening: lastAt - last.earliest, opening: last.openedAt - last.earliest, windows: windows.length, earliestOpening: last.earliest };
}

import { LIMITS, type IsEvent } from '../event';
import type { StoredEvent } from './types';

/** ms since 1970 of the instant `years` calendar years before `nowMs`. */
function yearsBefore(nowMs: number, years: number): number {
  const date = new Date(nowMs);
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.getTime();
}

/**
 * The event as stored: the client's `epoch` wins over its `iso8601`; without either, or with one
 * 10 or more years before `arrivedAt`, the server's arrival time is used and `serverStamped` set.
 * The event must already be valid (see `validateEvents`).
 */
export function stampEvent(event: IsEvent, bucketKey: string, arrivedAt: number): StoredEvent {
  const clientMs = event.epoch !== undefined ? event.epoch * 1000 : event.iso8601 !== undefined ? Date.parse(event.iso8601) : undefined;
  const serverStamped = clientMs === undefined || clientMs <= yearsBefore(arrivedAt, LIMITS.maxTimestampAgeYears);
  return {
    bucketKey,
    key: event.key,
    value: event.value,
    epoch: serverStamped ? arrivedAt / 1000 : (event.epoch ?? (clientMs as number) / 1000),
    serverStamped,
    receivedAt: arrivedAt,
  };
}

import { shorten } from '../mapping/shorten';
import type { DropReason, FailedEvent } from './types';

/** How each drop reason reads in an error message. */
const REASONS: Record<DropReason, string> = {
  rejected: 'rejected by the API',
  overflow: 'dropped because the queue was full',
  closed: 'not delivered before close',
  'too-large': 'larger than the 1 MB request limit',
};

/**
 * One sentence per drop reason naming the events concerned and the service's message, e.g.
 * `2 events rejected by the API (key "temp": value must be ...)`.
 */
export function describeFailed(failed: readonly FailedEvent[]): string {
  const byReason = new Map<DropReason, FailedEvent[]>();
  for (const f of failed) {
    const list = byReason.get(f.reason);
    // Pushed, not copied: a close or an overflow can fail thousands at once.
    if (list) list.push(f);
    else byReason.set(f.reason, [f]);
  }
  return [...byReason]
    .map(([reason, list]) => {
      const first = list[0];
      const count = list.length === 1 ? '1 event' : `${list.length} events`;
      const detail = `key ${shorten(first.event.key)}${first.message ? `: ${first.message}` : ''}`;
      return `${count} ${REASONS[reason]} (${detail}${list.length > 1 ? ', …' : ''})`;
    })
    .join('; ');
}

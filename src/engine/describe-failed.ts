import { shorten } from '../mapping/shorten';
import type { DropReason, FailedEvent } from './types';

/** How each drop reason reads in an error message. */
const REASONS: Record<DropReason, string> = {
  rejected: 'rejected by the API',
  overflow: 'dropped because the queue was full',
  closed: 'not delivered before close',
  'too-large': 'larger than the 1 MB request limit',
};

/** Failed events of one drop reason: how many, and the first of them as the example to name. */
export interface DropSummary {
  reason: DropReason;
  count: number;
  first: FailedEvent;
}

/** Groups failed events by drop reason, in the order each reason first occurs. */
export function summarizeFailed(failed: readonly FailedEvent[]): DropSummary[] {
  const byReason = new Map<DropReason, DropSummary>();
  for (const f of failed) {
    const summary = byReason.get(f.reason);
    // Counted, not collected: a close or an overflow can fail thousands at once.
    if (summary) summary.count += 1;
    else byReason.set(f.reason, { reason: f.reason, count: 1, first: f });
  }
  return [...byReason.values()];
}

/**
 * One sentence per summary naming its count, its reason and its first event with the service's
 * message, e.g. `2 events rejected by the API (key "temp": value must be ..., …)`.
 */
export function describeSummaries(summaries: readonly DropSummary[]): string {
  return summaries
    .map(({ reason, count, first }) => {
      const events = count === 1 ? '1 event' : `${count} events`;
      const detail = `key ${shorten(first.event.key)}${first.message ? `: ${first.message}` : ''}`;
      return `${events} ${REASONS[reason]} (${detail}${count > 1 ? ', …' : ''})`;
    })
    .join('; ');
}

/**
 * One sentence per drop reason naming the events concerned and the service's message, e.g.
 * `2 events rejected by the API (key "temp": value must be ...)`.
 */
export function describeFailed(failed: readonly FailedEvent[]): string {
  return describeSummaries(summarizeFailed(failed));
}

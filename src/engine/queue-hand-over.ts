import type { IsEvent } from '../event';
import type { DeliveryTicket } from './delivery-ticket';
import type { FailedEvent } from './types';

/** One event handed over, with the ticket of the submit that queued it (none when it asked for no result). */
export interface HandedEvent {
  bucketKey: string;
  event: IsEvent;
  ticket: DeliveryTicket | undefined;
}

/**
 * The queue a closing engine hands to its successor (`close({handOver: true})` without a spool):
 * the events not delivered, in order, still owed to their submits. Pass it to the new engine's
 * `adopt()`; if nobody does, {@link abandon} reports them not delivered.
 */
export class QueueHandOver {
  #events: HandedEvent[] | undefined;

  /** @param events the events, oldest first per bucket */
  constructor(events: HandedEvent[]) {
    this.#events = events;
  }

  /** Events handed over and not yet adopted or abandoned. */
  get count(): number {
    return this.#events?.length ?? 0;
  }

  /** Takes the events (once: later calls get none). */
  take(): HandedEvent[] {
    const events = this.#events ?? [];
    this.#events = undefined;
    return events;
  }

  /** Takes the events (once), in runs of one bucket and one submit, oldest first. */
  *takeRuns(): Generator<{ bucketKey: string; events: IsEvent[]; ticket: DeliveryTicket | undefined }> {
    const events = this.take();
    for (let from = 0, to = 1; from < events.length; from = to++) {
      const { bucketKey, ticket } = events[from]!;
      while (to < events.length && events[to]!.bucketKey === bucketKey && events[to]!.ticket === ticket) to++;
      yield { bucketKey, ticket, events: events.slice(from, to).map((handed) => handed.event) };
    }
  }

  /** Nobody adopted them: each fails with reason 'closed'; returns the failures. */
  abandon(now = Date.now()): FailedEvent[] {
    const message = 'not delivered before close (the account closed and no new configuration took its queue)';
    return this.take().map(({ bucketKey, event, ticket }) => ticket?.failed(event, 'closed', message, 0, 0, now) ?? { bucketKey, event, reason: 'closed', message });
  }
}

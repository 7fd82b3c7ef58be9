import type { IsEvent } from '../event';
import type { DeliveryResult, DropReason, FailedEvent } from './types';

/**
 * What `submit()` calls with its result, and with the `token` given to that submit: one callback
 * can serve every submit of a caller (the stream node passes each message's `done` as the token),
 * so a submit need not make a closure of its own.
 */
export type OnSettled<T = unknown> = (result: DeliveryResult, token: T) => void;

/** A one-event submit's callback and token, kept beside its event until it leaves the queue. */
export class TokenSlot {
  constructor(
    readonly onSettled: OnSettled,
    readonly token: unknown,
  ) {}
}

/**
 * What the queue keeps beside each event for the submit that queued it (nothing when the submit
 * asked for no result). A submit of several events shares one {@link DeliveryTicket}. A one-event
 * submit, the stream node's usual case, keeps only its callback (and its token, when it has one):
 * its ticket is made by {@link ticketOf} when the event leaves the queue.
 */
export type TicketSlot = DeliveryTicket | TokenSlot | OnSettled;

/** What a submit of `events` events keeps beside each of them (see {@link TicketSlot}). */
export function ticketSlot(bucketKey: string, events: number, submittedAt: number, onSettled: OnSettled | undefined, token?: unknown): TicketSlot | undefined {
  if (!onSettled) return undefined;
  if (events !== 1) return new DeliveryTicket(bucketKey, events, submittedAt, onSettled, token);
  return token === undefined ? onSettled : new TokenSlot(onSettled, token);
}

/**
 * The ticket behind a slot. A one-event submit's is made here, so call this once per event:
 * `submittedAt` is when its event was queued, which is when it was submitted.
 */
export function ticketOf(slot: TicketSlot | undefined, bucketKey: string, submittedAt: number): DeliveryTicket | undefined {
  if (typeof slot === 'function') return new DeliveryTicket(bucketKey, 1, submittedAt, slot);
  return slot instanceof TokenSlot ? new DeliveryTicket(bucketKey, 1, submittedAt, slot.onSettled, slot.token) : slot;
}

/**
 * The bookkeeping of one `submit()` that asked for a result: counts its events down as they
 * are delivered or fail, and calls `onSettled` exactly once, when none is left.
 */
export class DeliveryTicket {
  readonly #events: number;
  #pending: number;
  #delivered = 0;
  #spooled = 0;
  /** Allocated on the first failure: most submits have none. */
  #failed: FailedEvent[] | undefined;
  #attempts = 0;
  #status = 0;

  constructor(
    readonly bucketKey: string,
    events: number,
    readonly submittedAt: number,
    private readonly onSettled: OnSettled,
    private readonly token?: unknown,
  ) {
    this.#events = events;
    this.#pending = events;
  }

  /** One event was acknowledged by a request that took `attempts` tries. */
  delivered(attempts: number, status: number, now: number): void {
    this.#delivered += 1;
    this.#settleOne(attempts, status, now);
  }

  /** One event is durable in the spool at close: it is sent after the restart. */
  spooled(now: number): void {
    this.#spooled += 1;
    this.#settleOne(0, this.#status, now);
  }

  /** One event will never be delivered. */
  failed(event: IsEvent, reason: DropReason, message: string, attempts: number, status: number, now: number): FailedEvent {
    const failure: FailedEvent = { bucketKey: this.bucketKey, event, reason, message };
    (this.#failed ??= []).push(failure);
    this.#settleOne(attempts, status, now);
    return failure;
  }

  /** Settles at once when the submit had no events (one whose events all failed at once has settled already). */
  settleIfEmpty(now: number): void {
    if (this.#events === 0) this.#settle(now);
  }

  #settleOne(attempts: number, status: number, now: number): void {
    this.#attempts = Math.max(this.#attempts, attempts);
    this.#status = status;
    this.#pending -= 1;
    if (this.#pending === 0) this.#settle(now);
  }

  #settle(now: number): void {
    this.onSettled({
      bucketKey: this.bucketKey,
      delivered: this.#delivered,
      failed: this.#failed ?? [],
      attempts: this.#attempts,
      latencyMs: now - this.submittedAt,
      status: this.#status,
      ...(this.#spooled > 0 ? { spooled: this.#spooled } : {}),
    }, this.token);
  }
}

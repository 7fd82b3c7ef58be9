import type { IsEvent } from '../event';
import type { DeliveryResult, DropReason, FailedEvent } from './types';

/**
 * The bookkeeping of one `submit()` that asked for a result: counts its events down as they
 * are delivered or fail, and calls `onSettled` exactly once, when none is left.
 */
export class DeliveryTicket {
  readonly #events: number;
  #pending: number;
  #delivered = 0;
  #failed: FailedEvent[] = [];
  #attempts = 0;
  #status = 0;

  constructor(
    readonly bucketKey: string,
    events: number,
    readonly submittedAt: number,
    private readonly onSettled: (result: DeliveryResult) => void,
  ) {
    this.#events = events;
    this.#pending = events;
  }

  /** One event was acknowledged by a request that took `attempts` tries. */
  delivered(attempts: number, status: number, now: number): void {
    this.#delivered += 1;
    this.#settleOne(attempts, status, now);
  }

  /** One event will never be delivered. */
  failed(event: IsEvent, reason: DropReason, message: string, attempts: number, status: number, now: number): FailedEvent {
    const failure: FailedEvent = { bucketKey: this.bucketKey, event, reason, message };
    this.#failed.push(failure);
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
      failed: this.#failed,
      attempts: this.#attempts,
      latencyMs: now - this.submittedAt,
      status: this.#status,
    });
  }
}

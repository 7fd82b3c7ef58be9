import type { QueueHandOver } from '../../src/engine';
import type { FailedEvent } from '../../src/engine/types';

/** A queue kept for the next configuration of an account node, and how to report it if none takes it. */
interface Kept {
  handOver: QueueHandOver;
  report: (failed: FailedEvent[]) => void;
}

/**
 * The queues of account nodes closed by a redeploy (not removed), kept by node id until the new
 * configuration of the same id adopts them: a corrected key, endpoint or tier loses nothing
 * waiting, even with `persist: 'off'`. Whatever no node adopts by the next `flows:started`
 * (or is still kept when the runtime stops its flows for good) is reported not delivered.
 */
export class HandOvers {
  readonly #kept = new Map<string, Kept>();

  /** Keeps `handOver` for the next node of id `id`; `report` is called with its events if none adopts it. */
  keep(id: string, handOver: QueueHandOver, report: (failed: FailedEvent[]) => void): void {
    this.#abandon(id);
    this.#kept.set(id, { handOver, report });
  }

  /** The queue kept for `id`, once (undefined when none). */
  adopt(id: string): QueueHandOver | undefined {
    const kept = this.#kept.get(id);
    this.#kept.delete(id);
    return kept?.handOver;
  }

  /** Reports every queue no node adopted (flows started, or the runtime stopped). */
  abandonAll(): void {
    for (const id of [...this.#kept.keys()]) this.#abandon(id);
  }

  #abandon(id: string): void {
    const kept = this.#kept.get(id);
    if (!kept) return;
    this.#kept.delete(id);
    const failed = kept.handOver.abandon();
    if (failed.length > 0) kept.report(failed);
  }
}

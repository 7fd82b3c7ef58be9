import { describeFailed, describeSummaries, summarizeFailed, type DropSummary } from './describe-failed';
import type { FailedEvent } from './types';

/** Default ms over which drops after the first are gathered into one warning. */
export const DROP_DIGEST_MS = 10_000;

/**
 * Turns an account engine's `dropped` events into log lines a Raspberry Pi's SD card can live with:
 * the first drop is told at once, the drops of the next `intervalMs` are counted and told in one
 * line when it ends, and so on while they keep coming. Nothing is left out: every dropped event is
 * in exactly one line's count. (Each message's own `done(err)` still names its own events.)
 */
export class DropDigest {
  #timer: NodeJS.Timeout | undefined;
  readonly #pending = new Map<DropSummary['reason'], DropSummary>();
  #closed = false;

  /**
   * @param warn - writes one line (the account node's `warn`).
   * @param intervalMs - ms over which later drops are gathered. Default {@link DROP_DIGEST_MS}.
   */
  constructor(private readonly warn: (text: string) => void, private readonly intervalMs: number = DROP_DIGEST_MS) {}

  /** Takes the events of one `dropped` event. */
  add(failed: readonly FailedEvent[]): void {
    if (failed.length === 0) return;
    if (this.#timer === undefined) {
      this.warn(describeFailed(failed));
      if (!this.#closed) this.#arm();
      return;
    }
    for (const summary of summarizeFailed(failed)) {
      const held = this.#pending.get(summary.reason);
      if (held) held.count += summary.count;
      else this.#pending.set(summary.reason, summary);
    }
  }

  /** Tells what is gathered now and stops the timer; later drops are told at once (the node has closed). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#tell();
  }

  #arm(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // Drops that keep coming are told once per interval; a quiet interval ends the digest.
      if (this.#tell()) this.#arm();
    }, this.intervalMs);
  }

  /** Writes the gathered drops, if any, as one line; says whether there were any. */
  #tell(): boolean {
    if (this.#pending.size === 0) return false;
    const seconds = Math.round(this.intervalMs / 1000);
    this.warn(`in the last ${seconds} s: ${describeSummaries([...this.#pending.values()])}`);
    this.#pending.clear();
    return true;
  }
}

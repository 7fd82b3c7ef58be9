import fs from 'node:fs';
import path from 'node:path';

/** ms between saves of the count at most. */
export const SAVE_INTERVAL_MS = 5000;

/** The calendar month (UTC) of a time, `YYYY-MM`. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** Options of a {@link MonthCounter}. */
export interface MonthCounterOptions {
  /** JSON file `{month, count}` the count survives restarts in. Default none (memory only). */
  file?: string;
  /** Events a month before the 100 % warning; 0 = unlimited (no warnings). */
  quota: number;
  /** The clock, ms since 1970. */
  now: () => number;
  /** Called once when the count reaches 80 % and once at 100 % in a month. */
  warn: (message: string) => void;
}

/**
 * Share of `monthlyQuota` that `monthEvents` reached: 100, 80 (at least 80 %), else 0; always 0
 * for an unlimited quota (0).
 */
export function quotaLevel(monthEvents: number, monthlyQuota: number): 0 | 80 | 100 {
  if (monthlyQuota <= 0) return 0;
  if (monthEvents >= monthlyQuota) return 100;
  return monthEvents >= monthlyQuota * 0.8 ? 80 : 0;
}

/**
 * Events delivered in the current calendar month (UTC), kept in a small JSON file written at
 * most every {@link SAVE_INTERVAL_MS} (5 s) and on {@link close}, so a restart does not reset it.
 */
export class MonthCounter {
  #month: string;
  #count = 0;
  #warned = 0;
  #saveTimer: NodeJS.Timeout | undefined;
  readonly #options: MonthCounterOptions;

  constructor(options: MonthCounterOptions) {
    this.#options = options;
    this.#month = monthOf(options.now());
    const saved = this.#read();
    if (saved && saved.month === this.#month) this.#count = saved.count;
  }

  /** Events delivered this month. */
  get count(): number {
    this.#rollOver();
    return this.#count;
  }

  /** Adds delivered events, warning at 80 % and 100 % of the quota. */
  add(events: number): void {
    this.#rollOver();
    this.#count += events;
    const { quota } = this.#options;
    if (quota > 0) {
      const level = quotaLevel(this.#count, quota);
      if (level > this.#warned) {
        this.#warned = level;
        this.#options.warn(
          `${this.#count} of the monthly quota of ${quota} events delivered in ${this.#month} (${level} %)` +
            (level === 100 ? ': the service may refuse more with 402 until next month' : ''),
        );
      }
    }
    this.#scheduleSave();
  }

  /** Saves now and stops the save timer. */
  close(): void {
    if (this.#saveTimer !== undefined) clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    this.#save();
  }

  #rollOver(): void {
    const month = monthOf(this.#options.now());
    if (month !== this.#month) {
      this.#month = month;
      this.#count = 0;
      this.#warned = 0;
    }
  }

  #read(): { month: string; count: number } | undefined {
    const { file } = this.#options;
    if (!file) return undefined;
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { month?: unknown; count?: unknown };
      if (typeof parsed.month === 'string' && Number.isSafeInteger(parsed.count)) return { month: parsed.month, count: parsed.count as number };
    } catch {
      // missing or unreadable: start from 0
    }
    return undefined;
  }

  #scheduleSave(): void {
    if (!this.#options.file || this.#saveTimer !== undefined) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      this.#save();
    }, SAVE_INTERVAL_MS);
    this.#saveTimer.unref();
  }

  #save(): void {
    const { file } = this.#options;
    if (!file) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify({ month: this.#month, count: this.#count })}\n`);
  }
}

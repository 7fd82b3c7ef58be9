import { forecastMonth, monthBounds, shortCount, type MonthForecast } from './forecast';
import { RecentRate } from './recent-rate';

/** Options of a {@link StayWithinQuota}. */
export interface StayWithinOptions {
  /** Events a month allowed; 0 = unlimited (the mode never starts). */
  quota: number;
  /** Share of the quota the month is steered to end at, below 1 to leave room for error. Default 0.98. */
  target?: number;
  /** The widest the factor goes (when the quota is used up). Default 1000. */
  maxFactor?: number;
  /** Span (ms) of the recent rate the forecast uses. Default one hour. */
  spanMs?: number;
}

/** What {@link StayWithinQuota.update} found. */
export interface StayWithinUpdate {
  /** The factor the streams' minimum intervals are widened by now (1 = off). */
  factor: number;
  /** `started` or `stopped` when the mode changed in this update; else undefined. */
  change?: 'started' | 'stopped';
  /** The announcement for the status and the log when it changed. */
  message?: string;
  /** The month at the recent rate (with the mode's widening). */
  forecast: MonthForecast;
  /** The month at the rate the streams would have without the widening (estimated). */
  unwidened: MonthForecast;
}

/** Factor below which an active mode stops (a little under 1: no flapping at the edge). */
const STOP_BELOW = 0.95;

/**
 * The "stay within quota" mode: when the month's forecast goes over the quota, a factor that
 * every stream's minimum interval is widened by (see `StreamFilter.widen`) so the month ends at
 * the target share of the quota; it stops once the streams would fit again without it.
 *
 * It is steered by the rate the streams would have without widening, estimated as each recorded
 * count times the factor in effect: streams a factor slows less than that (ones held back by their
 * change filters, ones marked "send every value") make the estimate high, so the month ends
 * lower, never over.
 */
export class StayWithinQuota {
  readonly #quota: number;
  readonly #target: number;
  readonly #maxFactor: number;
  readonly #recorded: RecentRate;
  readonly #unwidened: RecentRate;
  #factor = 1;
  #active = false;

  constructor(options: StayWithinOptions) {
    const { quota, target = 0.98, maxFactor = 1000 } = options;
    if (!Number.isFinite(quota) || quota < 0) throw new RangeError(`Expected \`quota\` to be a number of 0 or more, got ${String(quota)}`);
    if (!(target > 0 && target <= 1)) throw new RangeError(`Expected \`target\` to be above 0 and at most 1, got ${String(target)}`);
    if (!(maxFactor >= 1)) throw new RangeError(`Expected \`maxFactor\` to be at least 1, got ${String(maxFactor)}`);
    this.#quota = quota;
    this.#target = target;
    this.#maxFactor = maxFactor;
    this.#recorded = new RecentRate({ spanMs: options.spanMs });
    this.#unwidened = new RecentRate({ spanMs: options.spanMs });
  }

  /** Whether the mode is widening the streams' intervals now. */
  get active(): boolean {
    return this.#active;
  }

  /** The factor in effect (1 while inactive). */
  get factor(): number {
    return this.#factor;
  }

  /** Counts events the streams gave the account (or delivered) at `now` (ms). */
  record(events: number, now: number): void {
    this.#recorded.add(events, now);
    this.#unwidened.add(events * this.#factor, now);
  }

  /**
   * Recomputes the forecast and the factor at `now` with `used` events delivered this month and
   * `pending` (default 0) queued or in flight, which count once delivered.
   */
  update(now: number, used: number, pending = 0): StayWithinUpdate {
    const quota = this.#quota;
    const forecast = forecastMonth({ now, used, pending, quota, perSecond: this.#recorded.perSecond(now) });
    const unwidenedRate = this.#unwidened.perSecond(now);
    const unwidened = forecastMonth({ now, used, pending, quota, perSecond: unwidenedRate });
    const update: StayWithinUpdate = { factor: this.#factor, forecast, unwidened };
    if (quota <= 0) return update;
    const secondsLeft = (monthBounds(now).end - now) / 1000;
    const allowed = (quota * this.#target - used - pending) / secondsLeft;
    const needed = allowed > 0 ? Math.min(this.#maxFactor, unwidenedRate / allowed) : this.#maxFactor;
    if (!this.#active && forecast.exceeds && needed > 1) {
      this.#active = true;
      this.#factor = needed;
      update.change = 'started';
      update.message = `stay within quota: on, streams send ${formatFactor(needed)}× less often (forecast ${shortCount(forecast.projected)} of ${shortCount(quota)} events this month)`;
    } else if (this.#active && needed < STOP_BELOW) {
      this.#active = false;
      this.#factor = 1;
      update.change = 'stopped';
      update.message = `stay within quota: off, the streams fit the quota again (forecast ${shortCount(unwidened.projected)} of ${shortCount(quota)} events this month)`;
    } else if (this.#active) {
      this.#factor = Math.max(1, needed);
    }
    update.factor = this.#factor;
    return update;
  }
}

function formatFactor(factor: number): string {
  return factor >= 10 ? String(Math.round(factor)) : factor.toFixed(1);
}

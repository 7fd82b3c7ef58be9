/**
 * An account's month, looked at again and again: the rate at which its streams give it events,
 * the month's forecast, and the "stay within quota" mode when it is on. Pure: the engine's
 * counters and the time come in.
 */
import type { CardCounters } from './account-card';
import { forecastMonth, shortCount, type MonthForecast } from './forecast';
import { RecentRate } from './recent-rate';
import { StayWithinQuota } from './stay-within';

/** Options of a {@link MonthWatch}. */
export interface MonthWatchOptions {
  /** Events a month allowed; 0 = unlimited. */
  quota: number;
  /** Whether "stay within quota" is on. Default false. */
  stayWithinQuota?: boolean;
  /** ms between updates of the mode's factor (the forecast is updated at every look). Default 60 000. */
  updateIntervalMs?: number;
}

/** What one {@link MonthWatch.look} found. */
export interface MonthLook {
  forecast: MonthForecast;
  /** The mode's announcement when it started or stopped at this look. */
  message?: string;
}

/** Events the account has been given so far: each is delivered, waiting, or was dropped. */
const given = (c: CardCounters): number => c.delivered + c.queued + c.inFlight + c.dropped;

/** One account's month; see the file's comment. */
export class MonthWatch {
  readonly #quota: number;
  readonly #updateIntervalMs: number;
  readonly #rate = new RecentRate();
  readonly #mode: StayWithinQuota | undefined;
  #given: number | undefined;
  #nextUpdate = 0;
  #forecast: MonthForecast | undefined;

  constructor(options: MonthWatchOptions) {
    this.#quota = options.quota;
    this.#updateIntervalMs = options.updateIntervalMs ?? 60_000;
    this.#mode = options.stayWithinQuota ? new StayWithinQuota({ quota: options.quota }) : undefined;
  }

  /**
   * Takes in the counters at `now` (ms). The first look only sets where counting starts, so a
   * queue the engine already held (a spool read back, a queue taken over) is not read as events
   * just given. The rate is of what the streams give, not of what is delivered: during an outage
   * nothing is delivered, and after it the backlog goes out at the rate limit, while the month's
   * count grows by the same events either way.
   */
  look(counters: CardCounters, now: number): MonthLook {
    const total = given(counters);
    const fresh = this.#given === undefined ? 0 : Math.max(0, total - this.#given);
    this.#given = total;
    if (fresh) {
      this.#rate.add(fresh, now);
      this.#mode?.record(fresh, now);
    }
    const pending = counters.queued + counters.inFlight;
    const forecast = forecastMonth({ now, used: counters.monthEvents, pending, quota: this.#quota, perSecond: this.#rate.perSecond(now) });
    this.#forecast = forecast;
    if (!this.#mode || now < this.#nextUpdate) return { forecast };
    this.#nextUpdate = now + this.#updateIntervalMs;
    return { forecast, message: this.#mode.update(now, counters.monthEvents, pending).message };
  }

  /** The latest forecast (undefined before the first look). */
  get forecast(): MonthForecast | undefined {
    return this.#forecast;
  }

  /** The mode: on or off, widening now or not, and the factor the streams' intervals are widened by (1 = not). */
  get stayWithin(): { enabled: boolean; active: boolean; factor: number } {
    return { enabled: !!this.#mode, active: this.#mode?.active ?? false, factor: this.#mode?.factor ?? 1 };
  }

  /** A few words for the account's status: `within quota ×1.8` while widening, `5.2M/3M a month` over quota; else undefined. */
  statusNote(): string | undefined {
    if (this.#mode?.active) return `within quota ×${this.#mode.factor.toFixed(1)}`;
    const forecast = this.#forecast;
    if (forecast?.exceeds) return `${shortCount(forecast.projected)}/${shortCount(forecast.quota)} a month`;
    return undefined;
  }
}

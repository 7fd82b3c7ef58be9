/** The month's quota forecast from the recent rate: pure arithmetic on an injected time. */

/** The default monthly quota of an Initial State account (events). */
export const DEFAULT_MONTHLY_QUOTA = 3_000_000;

const DAY_MS = 86_400_000;

/** Where the month stands and where it is heading at the recent rate. */
export interface MonthForecast {
  /** The calendar month (UTC), `YYYY-MM`. */
  month: string;
  /** Events delivered this month. */
  used: number;
  /** Events queued or in flight, which count once delivered. */
  pending: number;
  /** Events a month allowed; 0 = unlimited. */
  quota: number;
  /** The recent rate, per day. */
  eventsPerDay: number;
  /** `used` and `pending`, plus the recent rate until the month's end (rounded). */
  projected: number;
  /** Whether {@link projected} goes over a (non-zero) quota. */
  exceeds: boolean;
  /** When (ms since 1970) `used` and `pending` reach the quota at the recent rate, if that is within the month (or already past). */
  runsOutAt?: number;
  /** The day of the month (1-31, UTC) of {@link runsOutAt}. */
  runsOutDay?: number;
}

/** The first ms of the UTC month of `now`, and the first of the next. */
export function monthBounds(now: number): { start: number; end: number } {
  const d = new Date(now);
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** Inputs of {@link forecastMonth}. */
export interface ForecastInput {
  /** ms since 1970. */
  now: number;
  /** Events delivered this month so far. */
  used: number;
  /** Events queued or in flight now, which count once delivered. Default 0. */
  pending?: number;
  /** Events a month allowed; 0 = unlimited. */
  quota: number;
  /** The recent rate, events per second. */
  perSecond: number;
}

/** Projects the month's total at the recent rate, and the day the quota would run out. */
export function forecastMonth({ now, used, pending = 0, quota, perSecond }: ForecastInput): MonthForecast {
  const { end } = monthBounds(now);
  const rate = Math.max(0, perSecond);
  const owed = used + pending;
  const projected = Math.round(owed + (rate * (end - now)) / 1000);
  const forecast: MonthForecast = {
    month: new Date(now).toISOString().slice(0, 7),
    used,
    pending,
    quota,
    eventsPerDay: (rate * DAY_MS) / 1000,
    projected,
    exceeds: quota > 0 && projected > quota,
  };
  if (quota > 0) {
    const at = owed >= quota ? now : rate > 0 ? now + ((quota - owed) / rate) * 1000 : Infinity;
    if (at < end) {
      forecast.runsOutAt = Math.round(at);
      forecast.runsOutDay = new Date(at).getUTCDate();
    }
  }
  return forecast;
}

/** A forecast in a few words for a status or a card, e.g. `3.1M of 3M by month end`. */
export function describeForecast(forecast: MonthForecast): string {
  const quota = forecast.quota > 0 ? ` of ${shortCount(forecast.quota)}` : '';
  const out = forecast.runsOutDay !== undefined && forecast.used < forecast.quota ? `, out on day ${forecast.runsOutDay}` : '';
  return `${shortCount(forecast.projected)}${quota} by month end${out}`;
}

/** A count in 3 significant digits: 950, 12.3k, 5.18M. */
export function shortCount(n: number): string {
  if (Math.abs(n) < 1000) return String(Math.round(n));
  const [div, unit] = Math.abs(n) < 1e6 ? [1e3, 'k'] : [1e6, 'M'];
  return `${Number((n / div).toPrecision(3))}${unit}`;
}

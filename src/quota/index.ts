export { DEFAULT_MONTHLY_QUOTA, describeForecast, forecastMonth, monthBounds, shortCount, type ForecastInput, type MonthForecast } from './forecast';
export { accountCard, RECENT_WINDOWS, WindowHistory, type AccountCard, type CardCounters, type CardInput } from './account-card';
export { RecentRate, type RecentRateOptions } from './recent-rate';
export { StayWithinQuota, type StayWithinOptions, type StayWithinUpdate } from './stay-within';
export { MonthWatch, type MonthLook, type MonthWatchOptions } from './month-watch';

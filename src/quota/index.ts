export { DEFAULT_MONTHLY_QUOTA, describeForecast, forecastMonth, monthBounds, shortCount, type ForecastInput, type MonthForecast } from './forecast';
export { RecentRate, type RecentRateOptions } from './recent-rate';
export { StayWithinQuota, type StayWithinOptions, type StayWithinUpdate } from './stay-within';

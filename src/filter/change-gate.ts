import type { EventValue } from '../event';
import type { FilterOptions } from './options';

/**
 * Whether `value` may be sent after `last` (the last value sent for its stream key) under the
 * change filters: always when neither `onChange` nor a `deadband` is set; for two numbers with a
 * deadband, when they differ by more than it (in % of `|last|` for `percent`, so after 0 any
 * change passes); otherwise when they differ at all.
 */
export function passesChange(value: EventValue, last: EventValue, options: Pick<FilterOptions, 'onChange' | 'deadband' | 'deadbandMode'>): boolean {
  const { onChange, deadband, deadbandMode } = options;
  if (!onChange && deadband <= 0) return true;
  if (deadband > 0 && typeof value === 'number' && typeof last === 'number') {
    const band = deadbandMode === 'percent' ? (Math.abs(last) * deadband) / 100 : deadband;
    return Math.abs(value - last) > band;
  }
  return value !== last;
}

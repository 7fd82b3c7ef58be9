/** The per-stream filter settings of a stream node, checked, with their defaults. */

/** How a {@link FilterOptions.deadband} is measured. */
export type DeadbandMode = 'absolute' | 'percent';
/** What one send stands for when several values arrive within a minimum interval. */
export type Aggregate = 'last' | 'mean' | 'min' | 'max';

/** Per-stream filters; each applies to every stream key on its own. */
export interface FilterOptions {
  /** Send a value only when it differs from the last one sent for its stream key. Default false. */
  onChange: boolean;
  /**
   * Send a number only when it differs from the last one sent by more than this (0 = off, any
   * change counts when {@link onChange} is on). A value that is not a number, or that follows one
   * that is not, is held to change-only: sent when it differs. Default 0.
   */
  deadband: number;
  /** `absolute` (in the value's units) or `percent` (of the last value sent). Default `absolute`. */
  deadbandMode: DeadbandMode;
  /** Seconds between two sends of one stream key at least; 0 = off. Default 0. */
  minInterval: number;
  /**
   * What is sent at the end of a minimum interval for the values that arrived within it: the
   * `last`, or the `mean`, `min` or `max` (numbers only: when any of them is not a number, the
   * last is sent). The aggregate carries the last value's timestamp. Default `last`.
   */
  aggregate: Aggregate;
  /**
   * Minutes after which a stream key's latest value is sent even when the change filters would
   * hold it back, so a dashboard shows the sensor is alive; 0 = off. Only a value received since
   * the last send is repeated: a stream that went silent stays silent. Default 0.
   */
  heartbeat: number;
}

/** The defaults: every filter off, so every value is sent. */
export const FILTER_DEFAULTS: Readonly<FilterOptions> = Object.freeze({
  onChange: false,
  deadband: 0,
  deadbandMode: 'absolute',
  minInterval: 0,
  aggregate: 'last',
  heartbeat: 0,
});

const DEADBAND_MODES: readonly DeadbandMode[] = ['absolute', 'percent'];
const AGGREGATES: readonly Aggregate[] = ['last', 'mean', 'min', 'max'];
/** Longest text an error message quotes. */
const SHOWN = 40;

function quote(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  return text.length > SHOWN ? `${text.slice(0, SHOWN - 1)}…` : text;
}

/** A number setting: a finite number of 0 or more, or a text of one (the editor saves texts). */
function nonNegative(name: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new RangeError(`Expected \`${name}\` to be a number of 0 or more, got ${quote(value)}`);
  }
  return n;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`Expected \`${name}\` to be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${quote(value)}`);
  }
  return value as T;
}

function flag(name: string, value: unknown): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (typeof value !== 'boolean') throw new RangeError(`Expected \`${name}\` to be true or false, got ${quote(value)}`);
  return value;
}

/**
 * Checks filter settings as a node's configuration gives them (missing or `''` = default,
 * numbers may be texts) and returns them complete.
 *
 * @throws RangeError naming the setting, the rule and the bad value
 */
export function filterOptions(input: Partial<Record<keyof FilterOptions, unknown>> = {}): FilterOptions {
  const given = <K extends keyof FilterOptions>(name: K): unknown => (input[name] === undefined || input[name] === '' ? FILTER_DEFAULTS[name] : input[name]);
  return {
    onChange: flag('onChange', given('onChange')),
    deadband: nonNegative('deadband', given('deadband')),
    deadbandMode: oneOf('deadbandMode', given('deadbandMode'), DEADBAND_MODES),
    minInterval: nonNegative('minInterval', given('minInterval')),
    aggregate: oneOf('aggregate', given('aggregate'), AGGREGATES),
    heartbeat: nonNegative('heartbeat', given('heartbeat')),
  };
}

/** Whether the options filter anything at all (else every value is sent at once). */
export function filters(options: FilterOptions): boolean {
  return options.onChange || options.deadband > 0 || options.minInterval > 0;
}

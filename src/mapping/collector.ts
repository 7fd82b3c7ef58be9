/** Gathers a message's events, problems and warnings, applying the per-event rules. */
import type { IsEvent } from '../event';
import { MAX_EVENTS_PER_MESSAGE, RULES } from './rules';
import { shorten } from './shorten';
import { oldestKeptEpoch, toEpochSeconds } from './timestamp';
import type { MapOptions, MapResult, Problem } from './types';
import { keyRule } from './validate';
import { Broken, eventValue } from './value';

/** A time an event carries itself (`{key, value, epoch}`), with the field that gave it. */
export interface OwnTime {
  field: 'epoch' | 'iso8601' | 'timestamp';
  raw: unknown;
}

/**
 * One message's mapping state. `add()` and `problem()` return false once the message holds
 * {@link MAX_EVENTS_PER_MESSAGE} leaves: the caller stops walking.
 */
export class Collector {
  readonly events: IsEvent[] = [];
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];
  /** `null` and `undefined` values left out. */
  skipped = 0;
  /** Set by the caller when it named a single value by `defaultKey`. */
  usedDefaultKey = false;
  private leaves = 0;
  private readonly server: boolean;
  private readonly skipNulls: boolean;
  /** Epoch for events without their own time; undefined in server mode or when msg.timestamp is bad. */
  private readonly messageEpoch: number | undefined;
  private readonly messageTimeBad: boolean;
  private readonly messageTimeOld: boolean;
  private oldest: number | undefined;
  /** Keys used so far when repeats are refused; event lists (time series) may repeat a key. */
  private seen: Set<string> | undefined;

  constructor(private readonly options: MapOptions) {
    this.server = options.timestamp === 'server';
    this.skipNulls = options.nullValues !== 'error';
    const t = options.msgTimestamp;
    const stamp = this.server ? undefined : t == null ? options.arrivalMs / 1000 : toEpochSeconds(t);
    this.messageEpoch = stamp;
    this.messageTimeBad = !this.server && stamp === undefined;
    this.messageTimeOld = !this.server && t != null && stamp !== undefined && this.isOld(stamp);
  }

  /** Adds the leaf `raw` under `key`: an event, or the first rule it breaks (key, value, time). */
  add(key: string, raw: unknown, own?: OwnTime): boolean {
    // Skipped leaves count towards the cap too: a sparse array of a billion holes is walked no further.
    if (!this.room(key, raw)) return false;
    if (this.skips(raw)) return true;
    const badKey = keyRule(key) ?? (this.seen?.has(key) ? RULES.keyUnique : undefined);
    if (badKey !== undefined) return this.record(key, 'key', badKey, key);
    const value = eventValue(raw);
    if (value instanceof Broken) return this.record(key, 'value', value.rule, raw);
    let epoch = this.messageEpoch;
    if (own) {
      epoch = toEpochSeconds(own.raw);
      if (epoch === undefined) return this.record(key, own.field, RULES.timestamp, own.raw);
      if (this.isOld(epoch)) this.warnings.push(problem(key, own.field, RULES.recent, own.raw));
    } else if (this.messageTimeBad) {
      return this.record(key, 'timestamp', RULES.timestamp, this.options.msgTimestamp);
    } else if (this.messageTimeOld) {
      this.warnings.push(problem(key, 'timestamp', RULES.recent, this.options.msgTimestamp));
    }
    this.seen?.add(key);
    this.events.push(epoch === undefined ? { key, value } : { key, value, epoch });
    return true;
  }

  /** True (and counted) when `raw` is a `null` or `undefined` value to leave out. */
  skips(raw: unknown): boolean {
    if ((raw !== null && raw !== undefined) || !this.skipNulls) return false;
    this.skipped++;
    return true;
  }

  /** From now on, refuse a key already used in this message (keys built from paths). */
  refuseRepeatedKeys(): void {
    this.seen ??= new Set();
  }

  /** Records a leaf that cannot become an event. */
  problem(key: string, field: Problem['field'], rule: string, raw: unknown): boolean {
    return this.room(key, raw) && this.record(key, field, rule, raw);
  }

  /**
   * The result; a message that gave nothing at all is itself a problem, never silent (one whose
   * values were all skipped says how many in `skipped`).
   */
  result(payload: unknown): MapResult {
    if (this.events.length === 0 && this.problems.length === 0 && this.skipped === 0) {
      this.problems.push(problem('', 'payload', RULES.empty, payload));
    }
    const { events, problems, warnings, skipped, usedDefaultKey } = this;
    return { events, problems, warnings, skipped, usedDefaultKey };
  }

  private record(key: string, field: Problem['field'], rule: string, raw: unknown): true {
    this.problems.push(problem(key, field, rule, raw));
    return true;
  }

  private room(key: string, raw: unknown): boolean {
    if (this.leaves < MAX_EVENTS_PER_MESSAGE) {
      this.leaves++;
      return true;
    }
    if (this.leaves === MAX_EVENTS_PER_MESSAGE) {
      this.leaves++;
      this.problems.push(problem(key, 'payload', RULES.tooMany, raw));
    }
    return false;
  }

  private isOld(epoch: number): boolean {
    this.oldest ??= oldestKeptEpoch(this.options.arrivalMs);
    return epoch <= this.oldest;
  }
}

function problem(key: string, field: Problem['field'], rule: string, raw: unknown): Problem {
  return { key, field, rule, value: shorten(raw) };
}

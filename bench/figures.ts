import type { PartName } from './args';

/** A target a figure is held against. */
export interface Target {
  /** How the value compares with {@link value} to pass. */
  op: '>=' | '<=' | '<' | '==';
  value: number;
}

/** One measured figure: a row of the table and an entry of the JSON. */
export interface Figure {
  part: PartName;
  /** What was measured, e.g. `utilisation, 600 events at 30/10 s`. */
  name: string;
  /** NaN when it could not be measured (see {@link note}). */
  value: number;
  /** `ratio`, `msg/s`, `B/event`, `ms`, `MB`, `count`, `%`... */
  unit: string;
  /** Unset for figures given for information only. */
  target?: Target;
  /** How it was measured or why it is missing. */
  note?: string;
}

/** `pass`, `miss`, or `-` when the figure has no target. A value that could not be measured misses. */
export function verdict(figure: Figure): 'pass' | 'miss' | '-' {
  const { target, value } = figure;
  if (!target) return '-';
  if (!Number.isFinite(value)) return 'miss';
  const ok =
    target.op === '>=' ? value >= target.value : target.op === '<=' ? value <= target.value : target.op === '<' ? value < target.value : value === target.value;
  return ok ? 'pass' : 'miss';
}

/** A number as the table shows it: integers grouped by thousands, others with 3 significant decimals. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A figure's target as the table shows it, e.g. `>= 0.95`. */
export function formatTarget(figure: Figure): string {
  return figure.target ? `${figure.target.op} ${formatNumber(figure.target.value)}` : '';
}

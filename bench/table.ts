import { formatNumber, formatTarget, verdict, type Figure } from './figures';

/** The figures as a plain-text table: part, figure, value with its unit, target, pass/miss. */
export function renderTable(figures: readonly Figure[]): string {
  const header = ['part', 'figure', 'value', 'target', 'result'];
  const rows = figures.map((f) => [f.part, f.name, `${formatNumber(f.value)} ${f.unit}`.trim(), formatTarget(f), verdict(f)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Numbers read best right-aligned, words left-aligned.
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The notes of the figures that have one, numbered in table order, for below the table. */
export function renderNotes(figures: readonly Figure[]): string {
  return figures
    .filter((f) => f.note)
    .map((f) => `- ${f.part} / ${f.name}: ${f.note}`)
    .join('\n');
}

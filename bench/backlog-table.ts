/**
 * The utilisation table of bench/README.md's before/after section, from the JSON of `npm run
 * bench -- --only backlog` runs. Usage: `node dist/bench/backlog-table.js BEFORE.json [AFTER.json]`.
 * With two runs the rows are matched by backlog and shown side by side.
 */
import * as fs from 'node:fs';
import type { BacklogRow } from './parts/backlog';

/** A backlog run's rows as the JSON holds them (`details.backlog.rows`). */
export function backlogRows(json: unknown): { windowMs: number; rows: BacklogRow[] } {
  const backlog = (json as { details?: { backlog?: { windowMs: number; rows: BacklogRow[] } } }).details?.backlog;
  if (!backlog || !Array.isArray(backlog.rows)) throw new TypeError('Expected a bench JSON with `details.backlog.rows` (a run of the backlog part), got none');
  return backlog;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ratio = (r: number) => (Number.isFinite(r) ? r.toFixed(3) : 'n/a');
const ms = (n: number | null) => (n === null || !Number.isFinite(n) ? 'n/a' : `${Math.round(n)} ms`);
const key = (row: BacklogRow) => `${row.events}@${row.rateLimit}${row.countBuckets ? '+buckets' : ''}`;

function backlogCells(row: BacklogRow, windowMs: number): string[] {
  return [row.events.toLocaleString('en-US'), `${row.rateLimit} / ${windowMs / 1000} s${row.countBuckets ? ', buckets counted' : ''}`];
}

function runCells(row: BacklogRow | undefined): string[] {
  if (!row) return ['', '', '', '', '', '', ''];
  // Runs before the departure was recorded have none.
  const left = row.lastDepartureMs === undefined ? 'n/a' : ms(row.lastDepartureMs);
  return [String(row.countedRequests), seconds(row.fastestMs), seconds(row.measuredMs), `**${ratio(row.utilisation)}**`, `${row.limited} / ${row.lost + row.stillQueued} / ${row.duplicated}`, left, ms(row.lastRequestMs)];
}

/** A markdown table of one run, or of two side by side (rows of the first, matched by backlog). */
export function renderBacklogTable(before: ReturnType<typeof backlogRows>, after?: ReturnType<typeof backlogRows>): string {
  const run = ['requests counted', 'fastest', 'measured', 'utilisation', '429 / lost / dup', 'last request left', 'last request arrived'];
  const header = ['backlog (events)', 'limit', ...(after ? [...run.map((h) => `before: ${h}`), ...run.map((h) => `after: ${h}`)] : run)];
  const lines = [header, header.map(() => '---')];
  for (const row of before.rows) {
    const match = after?.rows.find((r) => key(r) === key(row));
    lines.push([...backlogCells(row, before.windowMs), ...runCells(row), ...(after ? runCells(match) : [])]);
  }
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length < 1 || files.length > 2) {
    process.stderr.write('Usage: node dist/bench/backlog-table.js BEFORE.json [AFTER.json]\n');
    process.exit(2);
  }
  const [before, after] = files.map((file) => backlogRows(JSON.parse(fs.readFileSync(file, 'utf8'))));
  process.stdout.write(`${renderBacklogTable(before, after)}\n`);
}

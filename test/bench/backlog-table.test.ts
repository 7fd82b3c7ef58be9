import assert from 'node:assert/strict';
import { backlogRows, renderBacklogTable } from '../../bench/backlog-table';
import type { BacklogRow } from '../../bench/parts/backlog';

const row = (events: number, utilisation: number, more: Partial<BacklogRow> = {}): BacklogRow => ({
  events,
  rateLimit: 30,
  countBuckets: false,
  countedRequests: events / 10,
  countedBuckets: 0,
  requests: events / 10 + 1,
  fastestMs: 10_000,
  measuredMs: Math.round(10_000 / utilisation),
  utilisation,
  limited: 0,
  lost: 0,
  stillQueued: 0,
  duplicated: 0,
  lastDepartureMs: 8.6,
  lastRequestMs: 12.4,
  openingMs: 2,
  windows: 2,
  ...more,
});
const run = (rows: BacklogRow[]) => ({ details: { backlog: { windowMs: 10_000, rows } } });

describe('bench backlog table', () => {
  it('renders one run as markdown, lost counting what was still queued', () => {
    const table = renderBacklogTable(backlogRows(run([row(600, 0.49, { stillQueued: 3, limited: 1 })])));
    const lines = table.split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^\| backlog \(events\) \| limit \| requests counted \| fastest \| measured \| utilisation \|/);
    assert.equal(lines[2], '| 600 | 30 / 10 s | 60 | 10.0 s | 20.4 s | **0.490** | 1 / 3 / 0 | 9 ms | 12 ms |');
  });

  it('matches two runs by backlog, side by side, leaving a backlog the second lacks empty', () => {
    const before = run([row(600, 0.49), row(3000, 0.9, { countBuckets: true })]);
    const after = run([row(3000, 0.99, { countBuckets: true })]);
    const lines = renderBacklogTable(backlogRows(before), backlogRows(after)).split('\n');
    assert.match(lines[0], /before: utilisation .* after: utilisation/);
    assert.match(lines[2], /\| 600 \| .*\*\*0\.490\*\* .*\|  \|  \|  \|  \|  \|  \|  \|$/);
    assert.match(lines[3], /\| 3,000 \| 30 \/ 10 s, buckets counted \| .*\*\*0\.900\*\*.*\*\*0\.990\*\*/);
  });

  it('shows n/a for the departure of a run made before it was recorded', () => {
    const table = renderBacklogTable(backlogRows(run([row(600, 0.49, { lastDepartureMs: undefined })])));
    assert.match(table.split('\n')[2]!, /\| 0 \/ 0 \/ 0 \| n\/a \| 12 ms \|$/);
  });

  it('names what it expected when the JSON holds no backlog run', () => {
    assert.throws(() => backlogRows({ details: {} }), { name: 'TypeError', message: /`details\.backlog\.rows`/ });
  });
});

import assert from 'node:assert/strict';
import { formatNumber, verdict, type Figure } from '../../bench/figures';
import { renderNotes, renderTable } from '../../bench/table';

const ratio: Figure = { part: 'backlog', name: 'utilisation', value: 0.97, unit: 'ratio', target: { op: '>=', value: 0.95 }, note: 'how' };

describe('bench figures and table', () => {
  it('passes or misses a figure against its target', () => {
    assert.equal(verdict(ratio), 'pass');
    assert.equal(verdict({ ...ratio, value: 0.9 }), 'miss');
    assert.equal(verdict({ ...ratio, value: NaN }), 'miss');
    assert.equal(verdict({ ...ratio, target: { op: '==', value: 0 }, value: 0 }), 'pass');
    assert.equal(verdict({ ...ratio, target: { op: '<', value: 200 }, value: 200 }), 'miss');
    assert.equal(verdict({ ...ratio, target: undefined }), '-');
  });

  it('formats numbers for reading', () => {
    assert.equal(formatNumber(123456), '123,456');
    assert.equal(formatNumber(0.97512), '0.975');
    assert.equal(formatNumber(12.345), '12.3');
    assert.equal(formatNumber(NaN), 'n/a');
  });

  it('lines the columns up, with a header and the verdict', () => {
    const lines = renderTable([ratio, { part: 'overhead', name: 'rate', value: 150000, unit: 'msg/s' }]).split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^part +\| figure +\| +value \| target +\| result$/);
    assert.match(lines[2], /^backlog +\| utilisation \| +0.970 ratio \| >= 0.950 \| pass$/);
    assert.match(lines[3], /\| 150,000 msg\/s \| +\| -$/);
    assert.equal(new Set(lines.map((l) => l.indexOf('|'))).size, 1);
  });

  it('lists the notes below', () => {
    assert.equal(renderNotes([ratio, { ...ratio, note: undefined }]), '- backlog / utilisation: how');
  });
});

import assert from 'node:assert/strict';
import { codeSize } from '../../bench/code-size';

describe('bench code-size', () => {
  it('counts lines as wc -l and private fields of every class, readonly apart', () => {
    const text = [
      'export class A {',
      '  readonly #now: () => number;',
      '  #used = 0;',
      '  private busy = false;',
      '  private readonly name: string;',
      '  static #count = 0;',
      '  public open = true;',
      '  #method(): void {}',
      '  get used(): number { return this.#used; }',
      '  constructor(private readonly injected: number) { this.name = ""; this.#now = Date.now; }',
      '}',
      'function f() { return class { #inner?: string; }; }',
      '',
    ].join('\n');
    const size = codeSize('a.ts', text);
    assert.equal(size.lines, 12);
    assert.equal(size.privateFields, 6);
    assert.equal(size.mutableFields, 4);
    assert.deepEqual(size.mutableNames, ['#used', 'busy', '#count', '#inner']);
  });

  it('finds nothing in a file without classes', () => {
    const size = codeSize('b.ts', 'export const x = 1;');
    assert.deepEqual(size, { file: 'b.ts', lines: 0, privateFields: 0, mutableFields: 0, mutableNames: [] });
  });
});

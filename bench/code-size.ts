/**
 * The size figures of bench/README.md's before/after section: lines and private fields of the
 * files given. Usage: `node dist/bench/code-size.js src/engine/account-engine.ts ...`.
 *
 * Lines are counted as `wc -l` does (newline characters). A private field is an instance or
 * static property declared in a class body with a `#name` or the `private` keyword (methods,
 * getters and constructor parameter properties are not fields); `readonly` ones are counted
 * apart, since only the others hold state that changes.
 */
import * as fs from 'node:fs';
import ts from 'typescript';

/** What one file holds. */
export interface CodeSize {
  file: string;
  lines: number;
  /** Private fields, `readonly` or not. */
  privateFields: number;
  /** Those not `readonly`: the state that can change. */
  mutableFields: number;
  /** The names of the mutable ones, in source order. */
  mutableNames: string[];
}

function isPrivate(member: ts.PropertyDeclaration): boolean {
  return ts.isPrivateIdentifier(member.name) || (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Private) !== 0;
}

function isReadonly(member: ts.PropertyDeclaration): boolean {
  return (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Readonly) !== 0;
}

/** Counts `text`'s lines and the private fields of every class in it. */
export function codeSize(file: string, text: string): CodeSize {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const size: CodeSize = { file, lines: (text.match(/\n/g) ?? []).length, privateFields: 0, mutableFields: 0, mutableNames: [] };
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node)) {
      for (const member of node.members) {
        if (!ts.isPropertyDeclaration(member) || !isPrivate(member)) continue;
        size.privateFields++;
        if (!isReadonly(member)) {
          size.mutableFields++;
          size.mutableNames.push(member.name.getText(source));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return size;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('Usage: node dist/bench/code-size.js FILE.ts...\n');
    process.exit(2);
  }
  for (const file of files) {
    const size = codeSize(file, fs.readFileSync(file, 'utf8'));
    process.stdout.write(`${file}: ${size.lines} lines, ${size.privateFields} private fields (${size.mutableFields} not readonly: ${size.mutableNames.join(' ')})\n`);
  }
}

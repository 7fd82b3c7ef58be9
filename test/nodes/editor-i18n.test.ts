/**
 * Every piece of text the editor shows comes from the locale catalogue, as in Node-RED's core
 * nodes: `data-i18n` in the templates, `this._(...)` / `RED._(...)` in the scripts, each key
 * present in `nodes/locales/en-US/<file>.json`. Reads each `nodes/*.html` (node or plugin) as
 * text, without running it; the scripts are parsed with TypeScript's own parser.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { examplesDir } from '../support/flows';

const NODES = path.join(examplesDir(), '..', 'nodes');
const LOCALES = path.join(NODES, 'locales', 'en-US');
const MODULE = 'node-red-contrib-initial-state';
const FILES = fs.readdirSync(NODES).filter((f) => f.endsWith('.html')).map((f) => f.replace(/\.html$/, '')).sort();

type Catalogue = Record<string, unknown>;
const readJson = (file: string): Catalogue => JSON.parse(fs.readFileSync(file, 'utf8'));
/** Node-RED's own catalogue, the `node-red:` namespace (`node-red:common.label.name`). */
const CORE = readJson(require.resolve('@node-red/nodes/locales/en-US/messages.json'));

/** Node-RED's own palette categories, which its own catalogue labels; `config` has no palette entry. */
const CORE_CATEGORIES = new Set(['config', 'common', 'function', 'network', 'sequence', 'parser', 'storage', 'subflows']);
const lookup = (catalogue: Catalogue, key: string): unknown => key.split('.').reduce<any>((o, part) => o?.[part], catalogue);

/** The catalogue a namespace names, from the file whose key it is (`<module>/<file>` or `node-red`). */
function catalogueOf(namespace: string): Catalogue | undefined {
  if (namespace === 'node-red') return CORE;
  const file = namespace.startsWith(`${MODULE}/`) ? path.join(LOCALES, `${namespace.slice(MODULE.length + 1)}.json`) : '';
  return file !== '' && fs.existsSync(file) ? readJson(file) : undefined;
}

/**
 * Why `key` does not resolve, or undefined when it does: a message string, or with `prefix`
 * (a key built at run time from a literal start, `'x.verify.' + outcome`) an object of strings.
 */
function missing(own: string, key: string, prefix = false): string | undefined {
  const colon = key.indexOf(':');
  const namespace = colon >= 0 ? key.slice(0, colon) : `${MODULE}/${own}`;
  const catalogue = catalogueOf(namespace);
  if (!catalogue) return `${key}: no catalogue for the namespace ${namespace}`;
  const found = lookup(catalogue, (colon >= 0 ? key.slice(colon + 1) : key).replace(/\.$/, ''));
  if (prefix) {
    const ok = found !== null && typeof found === 'object' && Object.values(found).every((v) => typeof v === 'string');
    return ok ? undefined : `${key}…: no group of messages in ${namespace}`;
  }
  return typeof found === 'string' ? undefined : `${key}: no message in ${namespace}`;
}

/** The bodies of the `<script>` elements of a type (`text/javascript`, `text/html`). */
function scripts(html: string, type: string): string[] {
  return [...html.matchAll(new RegExp(`<script type="${type.replace('/', '\\/')}"[^>]*>([\\s\\S]*?)<\\/script>`, 'g'))].map((m) => m[1]!);
}

/** Each `data-i18n` key of some HTML: `a;[placeholder]b;[html]c` gives a, b, c. */
function i18nKeys(html: string): string[] {
  return [...html.matchAll(/data-i18n="([^"]*)"/g)].flatMap((m) => m[1]!.split(';')).map((k) => k.replace(/^\[[^\]]+\]/, ''));
}

/** Literal text of a template: non-blank text outside elements whose content `data-i18n` sets, and literal text attributes. */
function literalText(template: string): string[] {
  const found: string[] = [];
  const html = template.replace(/<!--[\s\S]*?-->/g, '');
  const VOID = new Set(['input', 'br', 'hr', 'img', 'meta', 'link', 'col', 'source', 'wbr']);
  // The open elements, each marked when data-i18n fills its content.
  const open: { name: string; filled: boolean }[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*)>|([^<]+)/g)) {
    const [, close, name, attrs, text] = m;
    if (text !== undefined) {
      const visible = text.replace(/&nbsp;/g, ' ').trim();
      if (visible !== '' && !open.some((e) => e.filled)) found.push(`text "${visible}"`);
      continue;
    }
    const tag = name!.toLowerCase();
    if (close) {
      const at = open.map((e) => e.name).lastIndexOf(tag);
      if (at >= 0) open.splice(at);
      continue;
    }
    for (const a of attrs!.matchAll(/\b(placeholder|title|alt|aria-label)\s*=\s*(["'])(.*?)\2/g)) {
      if (/\S/.test(a[3]!)) found.push(`${a[1]}="${a[3]}"`);
    }
    const i18n = /data-i18n="([^"]*)"/.exec(attrs!)?.[1];
    // A key without an [attribute] prefix, or with [html], sets the element's content.
    const filled = i18n !== undefined && i18n.split(';').some((k) => !/^\[/.test(k) || /^\[(html|text)\]/.test(k));
    if (!VOID.has(tag) && !attrs!.trimEnd().endsWith('/')) open.push({ name: tag, filled });
  }
  return found;
}

/** Words, not identifiers: two letters or more with a space, or capitalised. */
const prose = (s: string): boolean => /[A-Za-z]{2}/.test(s) && (/\s/.test(s.trim()) || /^[A-Z][a-z]/.test(s.trim()));
/** CSS, HTML, selectors and class lists: strings of words that are no text. */
const markup = (s: string): boolean =>
  /[{<]/.test(s) || /^[#.]/.test(s) || s.trim().split(/\s+/).every((w) => /^[a-z][\w-]*$/.test(w) && /-/.test(w)) || /^fa\b/.test(s);

/** Whether the call is `X._(...)`, `RED._(...)` or `_(...)`: a message look-up. */
function isTranslate(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  return (ts.isIdentifier(callee) && callee.text === '_') || (ts.isPropertyAccessExpression(callee) && callee.name.text === '_');
}

const COMPARISONS = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);
/** Calls and properties whose string arguments or values the user sees. */
const SHOWN_CALLS = new Set(['text', 'html', 'notify', 'append', 'prepend']);
const SHOWN_ATTRS = new Set(['title', 'placeholder', 'alt', 'aria-label']);
const SHOWN_PROPERTIES = new Set(['label', 'name', 'title', 'tooltip', 'paletteLabel', 'outputLabels', 'inputLabels']);
/** Identifiers that read as words: a palette category is one (its label is `palette.label.<category>`). */
const IDENTIFIER_PROPERTIES = new Set(['category']);

/** What an editor script asks the catalogue for and what literal text it shows. */
function scanScript(source: string): { keys: { key: string; prefix: boolean; node: string }[]; literals: string[]; unresolved: string[]; duplicates: string[]; categories: string[] } {
  const file = ts.createSourceFile('editor.js', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const keys: { key: string; prefix: boolean; node: string }[] = [];
  const literals: string[] = [];
  const unresolved: string[] = [];
  // Properties given twice in one object literal (the later one silently wins), and palette categories.
  const duplicates: string[] = [];
  const categories: string[] = [];
  // `var NS = '...'`: string constants a key is built from.
  const constants = new Map<string, string>();
  const text = (n: ts.Node): string => n.getText(file).replace(/\s+/g, ' ').slice(0, 80);
  /** The literal a key expression stands for: 'k', NS + 'k', 'k.' + x (a prefix). */
  function keyOf(e: ts.Expression): { key: string; prefix: boolean } | undefined {
    if (ts.isStringLiteralLike(e)) return { key: e.text, prefix: false };
    if (ts.isIdentifier(e) && constants.has(e.text)) return { key: constants.get(e.text)!, prefix: true };
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = keyOf(e.left);
      const right = ts.isStringLiteralLike(e.right) ? e.right.text : undefined;
      if (left && right !== undefined) return { key: left.key + right, prefix: false };
      if (left) return { key: left.key, prefix: true };
    }
    return undefined;
  }
  /** Whether a string sits in a look-up's key, or is a key itself (property name, `a[k]`). */
  function isKeyPart(n: ts.Node): boolean {
    for (let p: ts.Node = n; p.parent; p = p.parent) {
      if (isTranslate(p.parent) && p.parent.arguments[0] === p) return true;
      if (!ts.isBinaryExpression(p.parent)) break;
    }
    const parent = n.parent;
    if (ts.isPropertyAssignment(parent) && parent.initializer === n && IDENTIFIER_PROPERTIES.has(parent.name.getText(file))) return true;
    // 'use strict', and a value compared with (`this.keyType === 'str'`): no text either.
    if (ts.isExpressionStatement(parent) && (n as ts.StringLiteral).text === 'use strict') return true;
    if (ts.isBinaryExpression(parent) && COMPARISONS.has(parent.operatorToken.kind)) return true;
    return (ts.isPropertyAssignment(parent) && parent.name === n) || ts.isElementAccessExpression(parent) || (ts.isVariableDeclaration(parent) && constants.has(parent.name.getText(file)));
  }
  /** Whether a string is shown: an argument of .text(...) and the like, or the value of a label-like property. */
  function isShown(n: ts.Node): boolean {
    for (let p: ts.Node = n; p.parent; p = p.parent) {
      const parent = p.parent;
      if (ts.isCallExpression(parent) && ts.isPropertyAccessExpression(parent.expression)) {
        const method = parent.expression.name.text;
        if (SHOWN_CALLS.has(method)) return true;
        if (method === 'attr' && parent.arguments[1] === p && ts.isStringLiteralLike(parent.arguments[0]!) && SHOWN_ATTRS.has(parent.arguments[0].text)) return true;
      }
      if (ts.isPropertyAssignment(parent) && parent.initializer === p && SHOWN_PROPERTIES.has(parent.name.getText(file))) return true;
      if (ts.isFunctionLike(parent)) {
        // A function that is itself a label: its results are shown.
        const holder = parent.parent;
        return ts.isPropertyAssignment(holder) && SHOWN_PROPERTIES.has(holder.name.getText(file));
      }
    }
    return false;
  }
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && n.initializer && ts.isStringLiteralLike(n.initializer) && /^[\w-]+\/[\w-]+:/.test(n.initializer.text)) {
      constants.set(n.name.getText(file), n.initializer.text);
    }
    if (ts.isObjectLiteralExpression(n)) {
      const names = n.properties.filter((p) => p.name).map((p) => p.name!.getText(file).replace(/^['"]|['"]$/g, ''));
      duplicates.push(...names.filter((name, i) => names.indexOf(name) !== i));
    }
    if (ts.isPropertyAssignment(n) && n.name.getText(file) === 'category' && ts.isStringLiteralLike(n.initializer)) categories.push(n.initializer.text);
    if (isTranslate(n)) {
      const arg = n.arguments[0];
      const key = arg && keyOf(arg);
      if (key) keys.push({ ...key, node: text(n) });
      else unresolved.push(text(n));
      // RED._ has no namespace of its own: it must name the catalogue.
      if (key && ts.isPropertyAccessExpression(n.expression) && n.expression.expression.getText(file) === 'RED' && !key.key.includes(':')) {
        unresolved.push(`${text(n)} (RED._ without a namespace)`);
      }
    }
    if (ts.isStringLiteralLike(n) && !isKeyPart(n)) {
      const s = n.text;
      // An HTML snippet (`$('<td></td>')`) is read as a template is.
      if (/^\s*</.test(s)) literals.push(...literalText(s));
      else if ((prose(s) && !markup(s)) || (/[A-Za-z]{2}/.test(s) && isShown(n) && !markup(s))) literals.push(JSON.stringify(s));
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return { keys, literals, unresolved, duplicates, categories };
}

describe('nodes editor files: every text from the locale catalogue', () => {
  it('finds the editor files of the three nodes and the sidebar plugin', () => {
    assert.deepEqual(FILES, ['initialstate-account', 'initialstate-bucket', 'initialstate-sidebar', 'initialstate-stream']);
  });

  for (const name of FILES) {
    describe(`${name}.html`, () => {
      const html = fs.readFileSync(path.join(NODES, `${name}.html`), 'utf8');
      const templates = scripts(html, 'text/html');
      const editorScripts = scripts(html, 'text/javascript');
      const scanned = editorScripts.map(scanScript);

      it('has a catalogue nodes/locales/en-US/<file>.json, which the build ships beside it', () => {
        assert.ok(fs.existsSync(path.join(LOCALES, `${name}.json`)), `${name}.json`);
        assert.ok(Object.keys(readJson(path.join(LOCALES, `${name}.json`))).includes(name), `its messages under "${name}"`);
        // These tests run from the build (dist/test/nodes): its nodes/ folder is dist/nodes.
        assert.ok(fs.existsSync(path.resolve(__dirname, '..', '..', 'nodes', 'locales', 'en-US', `${name}.json`)), `${name}.json in the build`);
      });

      it('has a message for each data-i18n key', () => {
        const keys = templates.flatMap(i18nKeys);
        const problems = keys.map((k) => missing(name, k)).filter(Boolean);
        assert.deepEqual(problems, []);
      });

      it('has a message for each _(...) / RED._(...) key of its script, RED._ naming its namespace', () => {
        assert.ok(editorScripts.length > 0, 'an editor script');
        const problems = scanned.flatMap((s) => [...s.unresolved.map((u) => `${u}: key not a literal`), ...s.keys.map((k) => missing(name, k.key, k.prefix)).filter(Boolean)]);
        assert.deepEqual(problems, []);
      });

      it('names each property of an object once (no setting listed twice in the defaults)', () => {
        assert.deepEqual(scanned.flatMap((s) => s.duplicates), []);
      });

      it('labels its own palette category from the catalogue (palette.label.<category>), as Node-RED looks it up', () => {
        // Node-RED shows `<namespace>:palette.label.<category, _ for each space>`, else the category itself.
        const own = scanned.flatMap((s) => s.categories).filter((c) => !CORE_CATEGORIES.has(c));
        for (const category of own) {
          const catalogue = readJson(path.join(LOCALES, `${name}.json`));
          const id = category.replace(/[\x00-\x2c\x2e-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/g, '_');
          assert.equal(lookup(catalogue, `palette.label.${id}`), category, `${name}: palette.label.${id}`);
        }
      });

      it('shows no literal text in its templates: text nodes outside data-i18n elements, placeholders, titles', () => {
        assert.deepEqual(templates.flatMap(literalText), []);
      });

      it('shows no literal text from its script (.text(), labels, notifications, tooltips)', () => {
        assert.deepEqual(scanned.flatMap((s) => s.literals), []);
      });
    });
  }

  it('finds literal text in a template and a script, as a check that the checks can fail', () => {
    assert.deepEqual(literalText('<div><label><i class="fa fa-x"></i> Deadband</label><input placeholder="0 = off"> s <span data-i18n="a.b"></span>&nbsp;</div>'), ['text "Deadband"', 'placeholder="0 = off"', 'text "s"']);
    assert.deepEqual(literalText('<div data-i18n="[html]a.b"><b>kept</b></div><input data-i18n="[placeholder]a.c">'), []);
    const s = scanScript("var NS = 'm/f:f.'; $('<td></td>').text('Queue'); $('<div class=\\'a-b\\' title=\\'Hi there\\'>No account</div>'); x.text(n + ' of ' + m); RED._(NS + 'a'); RED._('b'); this._('c.' + d); $('.a-b').attr('title', 'slots used'); ({ label: 'Initial State', category: 'config' });");
    assert.deepEqual(s.literals, ['"Queue"', 'title="Hi there"', 'text "No account"', '" of "', '"slots used"', '"Initial State"']);
    assert.deepEqual(s.keys.map((k) => [k.key, k.prefix]), [['m/f:f.a', false], ['b', false], ['c.', true]]);
    assert.deepEqual(s.unresolved, ["RED._('b') (RED._ without a namespace)"]);
    assert.deepEqual(scanScript("({ defaults: { a: { value: 1 }, 'b': {}, a: { value: 2 } } });").duplicates, ['a']);
  });
});

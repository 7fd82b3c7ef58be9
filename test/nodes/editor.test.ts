import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { examplesDir } from '../support/flows';

type Validate = ((this: Record<string, unknown>, v: unknown, opt?: object) => unknown) & { length: number };
type Definition = Record<string, any> & { defaults: Record<string, { value: unknown; type?: string; validate?: Validate }> };

const NODES = path.join(examplesDir(), '..', 'nodes');
const TYPES = ['initialstate-account', 'initialstate-bucket', 'initialstate-stream'] as const;

/**
 * Runs the editor scripts of the three nodes, in the order Node-RED loads them, against a stub
 * `RED` that records each registered definition. `$` finds no dialog inputs, as outside a dialog.
 */
function loadEditor(): Record<string, Definition> {
  const defs: Record<string, Definition> = {};
  const RED = {
    nodes: { registerType: (type: string, def: Definition) => (defs[type] = def) },
    _: (key: string) => key,
    validators: {
      typedInput: (options: { typeField: string }) =>
        // Two parameters, as Node-RED's own.
        function (this: Record<string, unknown>, v: unknown, _opt?: object) {
          return `typed ${String(this[options.typeField])}: ${String(v)}`;
        },
    },
  };
  const $ = () => ({ val: () => undefined });
  const context = vm.createContext({ RED, $, window: {} as Record<string, unknown> });
  for (const type of TYPES) {
    const html = fs.readFileSync(path.join(NODES, `${type}.html`), 'utf8');
    const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)?.[1];
    assert.ok(script, `${type}.html has an editor script`);
    vm.runInContext(script, context);
  }
  return defs;
}

describe('nodes editor files', () => {
  const defs = loadEditor();

  it('registers each node, the flow nodes under one "Initial State" category with the icon', () => {
    assert.deepEqual(Object.keys(defs).sort(), [...TYPES]);
    assert.equal(defs['initialstate-account'].category, 'config');
    for (const type of ['initialstate-stream', 'initialstate-bucket']) {
      assert.equal(defs[type].category, 'Initial State');
      assert.equal(defs[type].icon, 'initialstate.svg');
      assert.ok(fs.existsSync(path.join(NODES, '..', 'icons', 'initialstate.svg')));
      assert.equal(defs[type].defaults.account.type, 'initialstate-account');
    }
  });

  it('declares the access key a required password credential', () => {
    // JSON first: objects made inside the vm have the vm's prototypes.
    assert.deepEqual(JSON.parse(JSON.stringify(defs['initialstate-account'].credentials)), { accessKey: { type: 'password', required: true } });
  });

  it('declares every validator with (v, opt), so Node-RED shows the reason it returns', () => {
    for (const type of TYPES) {
      for (const [name, property] of Object.entries(defs[type].defaults)) {
        if (property.validate) assert.equal(property.validate.length, 2, `${type}.${name}`);
      }
    }
  });

  it('marks a batch size of 0, a bad endpoint and a bucket key with ":" invalid on the account', () => {
    const d = defs['initialstate-account'].defaults;
    const node = { tier: 'individual' };
    assert.match(String(d.batchSize.validate!.call(node, '0', {})), /errors\.integer/);
    assert.equal(d.batchSize.validate!.call(node, '10', {}), true);
    assert.match(String(d.endpoint.validate!.call(node, 'groker.init.st', {})), /errors\.endpoint/);
    assert.match(String(d.bucketKey.validate!.call(node, 'a:b', {})), /errors\.bucketKey/);
    assert.equal(d.bucketKey.validate!.call(node, 'ok-key', {}), true);
    assert.equal(d.rateLimit.validate!.call(node, '0', {}), true, 'ignored unless the tier is custom');
    assert.match(String(d.rateLimit.validate!.call({ tier: 'custom' }, '0', {})), /errors\.integer/);
  });

  it('checks a literal bucket key on the flow nodes and hands other types to the TypedInput check', () => {
    for (const type of ['initialstate-stream', 'initialstate-bucket']) {
      const validate = defs[type].defaults.bucketKey.validate!;
      assert.match(String(validate.call({ bucketKeyType: 'str' }, "it's", {})), /errors\.bucketKey/, type);
      assert.equal(validate.call({ bucketKeyType: 'str' }, '', {}), true, `${type}: blank means the default`);
      assert.equal(validate.call({ bucketKeyType: 'msg' }, 'bucketKey', {}), 'typed msg: bucketKey');
    }
  });

  it('has a label for every data-i18n key of each editor template, and a help panel', () => {
    for (const type of TYPES) {
      const html = fs.readFileSync(path.join(NODES, `${type}.html`), 'utf8');
      const labels = JSON.parse(fs.readFileSync(path.join(NODES, 'locales', 'en-US', `${type}.json`), 'utf8'));
      const keys = [...html.matchAll(/data-i18n="(?:\[placeholder\])?([^"]+)"/g)].map((m) => m[1]).filter((k) => !k.startsWith('node-red:'));
      assert.ok(keys.length > 0);
      for (const key of keys) {
        const found = key.split('.').reduce<any>((o, part) => o?.[part], labels);
        assert.equal(typeof found, 'string', `${type}: ${key}`);
      }
      const help = fs.readFileSync(path.join(NODES, 'locales', 'en-US', `${type}.html`), 'utf8');
      assert.match(help, new RegExp(`data-help-name="${type}"`));
      assert.match(help, /<h3>Details<\/h3>/);
    }
  });
});

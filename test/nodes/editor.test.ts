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
function loadEditor(): { defs: Record<string, Definition>; styles: string[] } {
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
  // `$` finds no dialog inputs; the one element made outside a dialog is the shared stylesheet.
  const styles: string[] = [];
  const $ = () => ({ val: () => undefined, text: (css: string) => ({ appendTo: () => styles.push(css) }) });
  const document = { getElementById: () => (styles.length > 0 ? {} : null) };
  const context = vm.createContext({ RED, $, document, window: {} as Record<string, unknown> });
  for (const type of TYPES) {
    const html = fs.readFileSync(path.join(NODES, `${type}.html`), 'utf8');
    const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)?.[1];
    assert.ok(script, `${type}.html has an editor script`);
    vm.runInContext(script, context);
  }
  return { defs, styles };
}

describe('nodes editor files', () => {
  const { defs, styles } = loadEditor();

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

  it('declares the access key a required password credential and the Redis URL a password credential', () => {
    // JSON first: objects made inside the vm have the vm's prototypes (functions drop out).
    assert.deepEqual(JSON.parse(JSON.stringify(defs['initialstate-account'].credentials)), { accessKey: { type: 'password', required: true }, redisUrl: { type: 'password' } });
    const redisUrl = defs['initialstate-account'].credentials.redisUrl.validate as Validate;
    assert.equal(redisUrl.call({ rateShare: 'local' }, '', {}), true, 'not needed unless shared through Redis');
    assert.match(String(redisUrl.call({ rateShare: 'redis' }, '', {})), /errors\.redisUrl/);
    assert.match(String(redisUrl.call({ rateShare: 'redis' }, 'http://x', {})), /errors\.redisUrl/);
    assert.equal(redisUrl.call({ rateShare: 'redis' }, 'rediss://user:pw@cache:6380', {}), true);
    assert.equal(redisUrl.call({ rateShare: 'redis' }, '__PWRD__', {}), true, 'a stored URL the editor only holds a placeholder for');
  });

  it('has the runtime\'s defaults for the settings agreed with the runtime (brief: account and stream node settings)', () => {
    const account = defs['initialstate-account'].defaults;
    assert.deepEqual([account.rateShare.value, account.redisPrefix.value, account.stayWithinQuota.value], ['local', '', false]);
    assert.equal(defs['initialstate-stream'].defaults.nullValues.value, 'skip');
  });

  it('accepts an endpoint that is an environment variable, as the examples\' ${INITIALSTATE_ENDPOINT}', () => {
    const endpoint = defs['initialstate-account'].defaults.endpoint.validate!;
    assert.equal(endpoint.call({}, '${INITIALSTATE_ENDPOINT}', {}), true);
    assert.equal(endpoint.call({}, 'http://127.0.0.1:8888/api', {}), true);
    assert.match(String(endpoint.call({}, '${}', {})), /errors\.endpoint/);
    assert.match(String(endpoint.call({}, 'INITIALSTATE_ENDPOINT', {})), /errors\.endpoint/);
  });

  it('adds one shared stylesheet for the three dialogs, once', () => {
    assert.equal(styles.length, 1);
    assert.match(styles[0], /\.initialstate-dialog \.form-row > label:first-child \{ width: 130px; white-space: nowrap; \}/);
  });

  it('names the palette entries "stream event" and "create bucket", and the account "Initial State"', () => {
    const labels = (type: string) => JSON.parse(fs.readFileSync(path.join(NODES, 'locales', 'en-US', `${type}.json`), 'utf8'))[type];
    assert.equal(labels('initialstate-stream').paletteLabel, 'stream event');
    assert.equal(labels('initialstate-bucket').paletteLabel, 'create bucket');
    assert.equal(labels('initialstate-account').paletteLabel, 'Initial State');
    assert.equal(labels('initialstate-account').label.tier, 'Plan');
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

  it('takes a missing or blank filter setting of the stream node for off, and names the rule for a negative one', () => {
    const d = defs['initialstate-stream'].defaults;
    for (const name of ['deadband', 'minInterval', 'heartbeat']) {
      for (const off of [undefined, null, '', 0, '0']) assert.equal(d[name].validate!.call({}, off, {}), true, `${name}: ${String(off)}`);
      assert.match(String(d[name].validate!.call({}, '-1', {})), /errors\.nonNegative/, name);
      assert.match(String(d[name].validate!.call({}, 'soon', {})), /errors\.nonNegative/, name);
    }
  });

  it('checks a literal bucket key on the flow nodes and hands other types to the TypedInput check', () => {
    for (const type of ['initialstate-stream', 'initialstate-bucket']) {
      const validate = defs[type].defaults.bucketKey.validate!;
      assert.match(String(validate.call({ bucketKeyType: 'str' }, "it's", {})), /errors\.bucketKey/, type);
      assert.equal(validate.call({ bucketKeyType: 'str' }, '', {}), true, `${type}: blank means the default`);
      assert.equal(validate.call({ bucketKeyType: 'msg' }, 'bucketKey', {}), 'typed msg: bucketKey');
    }
  });

  // That every data-i18n and _() key has its message is editor-i18n.test.ts's.
  it('has a help panel for each node, with its status texts and references', () => {
    for (const type of TYPES) {
      const help = fs.readFileSync(path.join(NODES, 'locales', 'en-US', `${type}.html`), 'utf8');
      assert.match(help, new RegExp(`data-help-name="${type}"`));
      assert.match(help, /<h3>Details<\/h3>|<h3>Connection<\/h3>/);
      // Each help explains the status texts, and its references are links.
      assert.match(help, /<h3>Status<\/h3>/, type);
      const references = help.slice(help.indexOf('<h3>References</h3>'));
      assert.ok(help.includes('<h3>References</h3>') && /<a href="https:\/\/[^"]+"/.test(references), `${type}: references as links`);
    }
  });

  it('says in the help what the status abbreviation "q" means, where a status can show it', () => {
    for (const type of ['initialstate-account', 'initialstate-stream']) {
      const help = fs.readFileSync(path.join(NODES, 'locales', 'en-US', `${type}.html`), 'utf8');
      assert.match(help, /<b>q<\/b> = events queued/, type);
    }
  });
});

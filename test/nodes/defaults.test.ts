import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { ACCOUNT_DEFAULTS, BUCKET_DEFAULTS, STREAM_DEFAULTS } from '../../nodes/lib/defaults';
import { DEFAULT_ACCOUNT_OPTIONS } from '../../src/engine/options';
import { ACCOUNT, OUR_NODES, TAB, credentials, examplesDir, helper, nextMessage, tab, waitFor, watchers, withEmulator } from '../support/flows';

const NODES = path.join(examplesDir(), '..', 'nodes');
const TYPES = ['initialstate-account', 'initialstate-bucket', 'initialstate-stream'] as const;
const RUNTIME: Record<(typeof TYPES)[number], Readonly<Record<string, unknown>>> = {
  'initialstate-account': ACCOUNT_DEFAULTS,
  'initialstate-bucket': BUCKET_DEFAULTS,
  'initialstate-stream': STREAM_DEFAULTS,
};

/** Each node's editor `defaults` values, from its `.html` run against a stub `RED`. */
function editorDefaults(): Record<string, Record<string, unknown>> {
  const found: Record<string, Record<string, unknown>> = {};
  const RED = {
    nodes: {
      registerType: (type: string, def: { defaults: Record<string, { value: unknown }> }) => {
        found[type] = Object.fromEntries(Object.entries(def.defaults).map(([name, d]) => [name, d.value]));
      },
    },
    _: (key: string) => key,
    validators: { typedInput: () => () => true },
  };
  // Outside a dialog `$` finds no inputs; the shared stylesheet is the one element made.
  const $ = () => ({ val: () => undefined, text: () => ({ appendTo: () => undefined }) });
  const context = vm.createContext({ RED, $, document: { getElementById: () => null }, window: {} });
  for (const type of TYPES) {
    const html = fs.readFileSync(path.join(NODES, `${type}.html`), 'utf8');
    vm.runInContext(/<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)![1]!, context);
  }
  return found;
}

describe('nodes/lib/defaults: the runtime applies the editor\'s defaults', function () {
  const editor = editorDefaults();

  for (const type of TYPES) {
    it(`${type}: the runtime's defaults are the .html's, property for property`, () => {
      const html = editor[type]!;
      const runtime = RUNTIME[type];
      for (const name of Object.keys(html)) {
        assert.ok(name in runtime, `${type}.html has a default for "${name}" (${JSON.stringify(html[name])}) that nodes/lib/defaults.ts lacks: add it there`);
        assert.deepEqual(runtime[name], html[name], `${type}.${name}: nodes/lib/defaults.ts says ${JSON.stringify(runtime[name])}, the .html ${JSON.stringify(html[name])}`);
      }
      for (const name of Object.keys(runtime)) assert.ok(name in html, `nodes/lib/defaults.ts has "${name}" for ${type}, its .html has no such default`);
    });
  }

  it('initialstate-account: the engine applies the same defaults to every option the node leaves out', () => {
    const engine = DEFAULT_ACCOUNT_OPTIONS as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(ACCOUNT_DEFAULTS)) {
      if (name in engine) assert.deepEqual(engine[name], value, name);
    }
  });

  describe('flows that leave out every optional property', () => {
    const api = withEmulator();

    it('initialstate-account: an account with only its endpoint and key takes the editor\'s settings', async () => {
      await helper.load(OUR_NODES, [tab(), { id: ACCOUNT, type: 'initialstate-account', endpoint: api.emulator.apiUrl }], credentials());
      const { options } = helper.getNode(ACCOUNT).engine;
      assert.deepEqual(
        [options.tier, options.batchSize, options.flushInterval, options.maxQueue, options.overflow, options.persist, options.autoCreate, options.monthlyQuota, options.transport, options.closeTimeout],
        [ACCOUNT_DEFAULTS.tier, ACCOUNT_DEFAULTS.batchSize, ACCOUNT_DEFAULTS.flushInterval, ACCOUNT_DEFAULTS.maxQueue, ACCOUNT_DEFAULTS.overflow, ACCOUNT_DEFAULTS.persist, ACCOUNT_DEFAULTS.autoCreate, ACCOUNT_DEFAULTS.monthlyQuota, ACCOUNT_DEFAULTS.transport, ACCOUNT_DEFAULTS.closeTimeout],
      );
    });

    it('initialstate-bucket: creates the bucket msg.bucketKey and msg.bucketName name, as the editor\'s default says', async () => {
      await helper.load(
        OUR_NODES,
        [
          tab(),
          { id: ACCOUNT, type: 'initialstate-account', endpoint: api.emulator.apiUrl, bucketKey: 'account-default' },
          { id: 'bucket', type: 'initialstate-bucket', z: TAB, account: ACCOUNT, wires: [['out']] },
          { id: 'out', type: 'helper', z: TAB },
        ],
        credentials(),
      );
      const out = nextMessage('out');
      helper.getNode('bucket').receive({ bucketKey: 'trial', bucketName: 'Trial' });
      assert.deepEqual((await out).payload, { bucketKey: 'trial', bucketName: 'Trial', created: true });
      assert.deepEqual(api.emulator.buckets().map((b) => [b.bucketKey, b.bucketName]), [['trial', 'Trial']]);
    });

    it('initialstate-stream: keys by msg.topic, flattens with "_", skips null leaves and sends to the account\'s bucket', async () => {
      await helper.load(
        OUR_NODES,
        [
          tab(),
          { id: ACCOUNT, type: 'initialstate-account', endpoint: api.emulator.apiUrl, bucketKey: 'home', flushInterval: 0 },
          { id: 'stream', type: 'initialstate-stream', z: TAB, account: ACCOUNT, wires: [] },
          ...watchers(['stream']),
        ],
        credentials(),
      );
      for (const msg of [{ topic: 'temp', payload: 20 }, { payload: { room: { humidity: 40, door: null } } }]) {
        const completed = nextMessage('completed');
        helper.getNode('stream').receive(msg);
        await completed;
      }
      await waitFor('2 events stored', () => api.emulator.events().length === 2);
      assert.deepEqual(api.emulator.events().map((e) => [e.bucketKey, e.key, e.value]), [['home', 'temp', 20], ['home', 'room_humidity', 40]]);
    });
  });
});

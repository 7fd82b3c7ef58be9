import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ACCOUNT_DEFAULTS, BUCKET_DEFAULTS, STREAM_DEFAULTS } from '../../nodes/lib/defaults';
import { OUR_NODES, coreNode, examplesDir, helper, readExample, waitFor, withEmulator } from '../support/flows';

/** Core nodes the examples use, by type. */
const CORE: Record<string, string> = {
  inject: 'common/20-inject.js',
  comment: 'common/90-comment.js',
  function: 'function/10-function.js',
  change: 'function/15-change.js',
};

/** The key `npm start` stores for the demo account (scripts/start.js). */
const DEMO_KEY = 'ist_demoLocalEmulatorKey000000000000';
/** The id of the account every example uses. */
const DEMO_ACCOUNT = 'demo-account';

/** The demo account as `npm start`'s flow file holds it: example 01's. */
const demoAccount = (): Record<string, any> => readExample('01-system-metrics-dashboard.json').find((n) => n.id === DEMO_ACCOUNT)!;

/**
 * An example as imported into `npm start`'s Node-RED: its nodes unchanged, beside the demo account
 * (with the key `npm start` stores), and INITIALSTATE_ENDPOINT naming the emulator. The only
 * change: the MQTT input (no broker here) becomes a helper node with the same id and wires,
 * through which the test sends what the broker would.
 */
function asImported(example: Record<string, any>[]): Record<string, any>[] {
  const flow = example
    .filter((n) => n.type !== 'mqtt-broker')
    .map((n) => (n.type === 'mqtt in' ? { id: n.id, type: 'helper', z: n.z, wires: n.wires } : n));
  return flow.some((n) => n.id === DEMO_ACCOUNT) ? flow : [...flow, demoAccount()];
}

describe('examples', function () {
  const api = withEmulator();
  beforeEach(() => {
    process.env.INITIALSTATE_ENDPOINT = api.emulator.apiUrl;
  });
  afterEach(() => {
    delete process.env.INITIALSTATE_ENDPOINT;
  });

  /** Loads an example as imported; its inject nodes fire once by themselves, as they do on deploy. */
  async function load(file: string): Promise<Record<string, any>[]> {
    const example = readExample(file);
    const flow = asImported(example);
    const modules = [...new Set(flow.map((n) => CORE[n.type]).filter(Boolean))].map(coreNode);
    await helper.load([...OUR_NODES, ...modules], flow, { [DEMO_ACCOUNT]: { accessKey: DEMO_KEY } });
    return example;
  }

  const keysIn = (bucketKey: string) => api.emulator.events({ bucketKey }).map((e) => e.key).sort();

  it('each has a comment node saying how to switch to a real account, and together they use every flow node type of this package', () => {
    const files = fs.readdirSync(examplesDir()).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 5);
    const types = new Set<string>();
    for (const file of files) {
      const flow = readExample(file);
      const comment = flow.find((n) => n.type === 'comment' && n.info);
      assert.ok(comment, `${file}: comment node with an explanation`);
      assert.match(comment.info, /To send to your real Initial State account/, file);
      assert.match(comment.info, /https:\/\/groker\.init\.st\/api/, file);
      for (const n of flow) types.add(n.type);
    }
    for (const type of ['initialstate-account', 'initialstate-stream', 'initialstate-bucket']) assert.ok(types.has(type), type);
  });

  it('each of this package\'s nodes in them carries every setting its editor saves, none left to a default', () => {
    const defaults: Record<string, object> = { 'initialstate-stream': STREAM_DEFAULTS, 'initialstate-bucket': BUCKET_DEFAULTS, 'initialstate-account': ACCOUNT_DEFAULTS };
    for (const file of fs.readdirSync(examplesDir()).filter((f) => f.endsWith('.json'))) {
      for (const n of readExample(file).filter((node) => defaults[node.type])) {
        assert.deepEqual(Object.keys(defaults[n.type]).filter((name) => !(name in n)), [], `${file}: ${n.id}`);
      }
    }
  });

  it('all use the one demo account, whose endpoint is ${INITIALSTATE_ENDPOINT}; only 01 (the npm start flow) carries it', () => {
    for (const file of fs.readdirSync(examplesDir()).filter((f) => f.endsWith('.json'))) {
      const flow = readExample(file);
      const users = flow.filter((n) => n.type === 'initialstate-stream' || n.type === 'initialstate-bucket');
      assert.ok(users.length > 0 && users.every((n) => n.account === DEMO_ACCOUNT), file);
      const accounts = flow.filter((n) => n.type === 'initialstate-account');
      assert.deepEqual(accounts.map((n) => n.id), file.startsWith('01-') ? [DEMO_ACCOUNT] : [], file);
    }
    assert.equal(demoAccount().endpoint, '${INITIALSTATE_ENDPOINT}');
  });

  it('01-system-metrics-dashboard streams CPU load, free memory and uptime into system-metrics', async () => {
    const example = await load('01-system-metrics-dashboard.json');
    const account = example.find((n) => n.type === 'initialstate-account');
    assert.deepEqual([account?.id, account?.name, account?.bucketKey], ['demo-account', 'Demo account', 'system-metrics']);
    await waitFor('3 events', () => api.emulator.events().length >= 3);
    assert.deepEqual(keysIn('system-metrics'), ['cpu_load', 'free_memory_mb', 'uptime_h']);
    assert.ok(api.emulator.events().every((e) => typeof e.value === 'number'));
    assert.equal(api.emulator.buckets()[0]?.bucketName, 'System metrics');
  });

  it('02-sensor-fan-out-report-by-exception fans a reading out into three streams, and sends a stream again only when it changed', async () => {
    await load('02-sensor-fan-out-report-by-exception.json');
    await waitFor('3 events', () => api.emulator.events().length >= 3);
    assert.deepEqual(keysIn('sensor-1'), ['humidity', 'pressure', 'temperature']);
    const first = Object.fromEntries(api.emulator.events({ bucketKey: 'sensor-1' }).map((e) => [e.key, e.value]));
    // The same temperature again, then a changed humidity: only the humidity is sent.
    const stream = helper.getNode('ex2-stream');
    stream.receive({ topic: 'temperature', payload: first.temperature });
    stream.receive({ topic: 'humidity', payload: Number(first.humidity) + 1 });
    await waitFor('the changed humidity', () => api.emulator.events().length >= 4);
    assert.deepEqual(keysIn('sensor-1'), ['humidity', 'humidity', 'pressure', 'temperature']);
  });

  it('03-create-bucket-then-stream creates a bucket per device and streams into each', async () => {
    await load('03-create-bucket-then-stream.json');
    await waitFor('4 events', () => api.emulator.events().length >= 4);
    // The demo account names its own default bucket at start too.
    assert.deepEqual(api.emulator.buckets().map((b) => b.bucketName).sort(), ['Greenhouse north', 'Greenhouse south', 'System metrics']);
    assert.deepEqual(keysIn('greenhouse-north'), ['soil_moisture', 'temperature']);
    assert.deepEqual(keysIn('greenhouse-south'), ['soil_moisture', 'temperature']);
  });

  it('04-status-emoji-location streams a string, a boolean, an emoji and a location', async () => {
    await load('04-status-emoji-location.json');
    await waitFor('4 events', () => api.emulator.events().length >= 4);
    const byKey = Object.fromEntries(api.emulator.events({ bucketKey: 'fleet' }).map((e) => [e.key, e.value]));
    assert.deepEqual(Object.keys(byKey).sort(), ['van_door_open', 'van_location', 'van_status', 'van_weather']);
    assert.equal(typeof byKey.van_door_open, 'boolean');
    assert.match(String(byKey.van_weather), /^:\w+:$/);
    assert.match(String(byKey.van_location), /^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/);
  });

  it('05-mqtt-to-initial-state turns each MQTT topic into a stream (broker input replaced by a helper node)', async () => {
    const example = await load('05-mqtt-to-initial-state.json');
    assert.ok(example.some((n) => n.type === 'mqtt in') && example.some((n) => n.type === 'mqtt-broker'));
    const input = helper.getNode('ex5-mqtt-in');
    input.send({ topic: 'sensors/kitchen/temperature', payload: 21.5 });
    input.send({ topic: 'sensors/garage/temperature', payload: 8 });
    await waitFor('2 events', () => api.emulator.events().length >= 2);
    assert.deepEqual(keysIn('mqtt-sensors'), ['garage_temperature', 'kitchen_temperature']);
  });
});

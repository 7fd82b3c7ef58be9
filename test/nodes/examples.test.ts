import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Emulator } from '../../src/emulator';
import { ACCESS_KEY, OUR_NODES, coreNode, examplesDir, helper, readExample, waitFor, withEmulator } from '../support/flows';

/** Core nodes the examples use, by type. */
const CORE: Record<string, string> = {
  inject: 'common/20-inject.js',
  comment: 'common/90-comment.js',
  function: 'function/10-function.js',
  change: 'function/15-change.js',
  rbe: 'function/rbe.js',
};

/**
 * An example made testable: every account points at the api.emulator and flushes at once, injects
 * only fire when told, and the MQTT input (no broker here) becomes a helper node with the same
 * id and wires, through which the test sends what the broker would.
 */
function testable(flow: Record<string, any>[], emulator: Emulator): { flow: Record<string, any>[]; credentials: Record<string, object> } {
  const credentials: Record<string, object> = {};
  const out = flow
    .filter((n) => n.type !== 'mqtt-broker')
    .map((n) => {
      if (n.type === 'initialstate-account') {
        credentials[n.id] = { accessKey: ACCESS_KEY };
        return { ...n, endpoint: emulator.apiUrl, flushInterval: 0 };
      }
      if (n.type === 'inject') return { ...n, once: false, repeat: '' };
      if (n.type === 'mqtt in') return { id: n.id, type: 'helper', z: n.z, wires: n.wires };
      return n;
    });
  return { flow: out, credentials };
}

describe('examples', function () {
  const api = withEmulator();

  async function load(file: string): Promise<Record<string, any>[]> {
    const example = readExample(file);
    const { flow, credentials } = testable(example, api.emulator);
    const modules = [...new Set(flow.map((n) => CORE[n.type]).filter(Boolean))].map(coreNode);
    await helper.load([...OUR_NODES, ...modules], flow, credentials);
    return example;
  }

  /** Fires every inject node of the loaded example once. */
  function fire(example: Record<string, any>[]): void {
    for (const n of example.filter((n) => n.type === 'inject')) helper.getNode(n.id).receive({});
  }

  const keysIn = (bucketKey: string) => api.emulator.events({ bucketKey }).map((e) => e.key).sort();

  it('each has a comment node, and together they use every flow node type of this package', () => {
    const files = fs.readdirSync(examplesDir()).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 5);
    const types = new Set<string>();
    for (const file of files) {
      const flow = readExample(file);
      assert.ok(flow.some((n) => n.type === 'comment' && n.info), `${file}: comment node with an explanation`);
      for (const n of flow) types.add(n.type);
    }
    for (const type of ['initialstate-account', 'initialstate-stream', 'initialstate-bucket']) assert.ok(types.has(type), type);
  });

  it('01-system-metrics-dashboard streams CPU load, free memory and uptime into system-metrics', async () => {
    const example = await load('01-system-metrics-dashboard.json');
    const account = example.find((n) => n.type === 'initialstate-account');
    assert.deepEqual([account?.id, account?.name, account?.bucketKey], ['demo-account', 'Demo account', 'system-metrics']);
    fire(example);
    await waitFor('3 events', () => api.emulator.events().length >= 3);
    assert.deepEqual(keysIn('system-metrics'), ['cpu_load', 'free_memory_mb', 'uptime_h']);
    assert.ok(api.emulator.events().every((e) => typeof e.value === 'number'));
    assert.equal(api.emulator.buckets()[0]?.bucketName, 'System metrics');
  });

  it('02-sensor-fan-out-report-by-exception fans a reading out into three streams', async () => {
    const example = await load('02-sensor-fan-out-report-by-exception.json');
    fire(example);
    await waitFor('3 events', () => api.emulator.events().length >= 3);
    assert.deepEqual(keysIn('sensor-1'), ['humidity', 'pressure', 'temperature']);
  });

  it('03-create-bucket-then-stream creates a bucket per device and streams into each', async () => {
    const example = await load('03-create-bucket-then-stream.json');
    fire(example);
    await waitFor('4 events', () => api.emulator.events().length >= 4);
    // The account names its own default bucket at start too.
    assert.deepEqual(api.emulator.buckets().map((b) => b.bucketName).sort(), ['Greenhouse north', 'Greenhouse south', 'Greenhouses']);
    assert.deepEqual(keysIn('greenhouse-north'), ['soil_moisture', 'temperature']);
    assert.deepEqual(keysIn('greenhouse-south'), ['soil_moisture', 'temperature']);
  });

  it('04-status-emoji-location streams a string, a boolean, an emoji and a location', async () => {
    const example = await load('04-status-emoji-location.json');
    fire(example);
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

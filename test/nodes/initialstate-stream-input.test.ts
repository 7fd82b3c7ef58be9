import * as assert from 'node:assert/strict';
import { OUR_NODES, accountConfig, credentials, helper, nextMessage, streamNode, tab, watchers, withEmulator } from '../support/flows';

/** What the stream node does with keyless values, null leaves and its error texts (#15 items 3, 5, 6). */
describe('nodes/initialstate-stream: keyless values, null leaves and error texts', function () {
  const api = withEmulator();

  async function load(stream: Record<string, unknown> = {}): Promise<void> {
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator), streamNode(stream), ...watchers(['stream'])], credentials());
  }

  async function deliver(msg: Record<string, unknown>): Promise<Record<string, any>> {
    const completed = nextMessage('completed');
    helper.getNode('stream').receive(msg);
    return completed;
  }

  const stored = () => api.emulator.events().map((e) => [e.key, e.value]);

  describe('a bare value with no msg.topic and no Key', () => {
    it('is sent under "value" (an inject node\'s timestamp), with one warning per node saying how to name it', async () => {
      await load();
      await deliver({ topic: '', payload: 1_700_000_000_000 });
      await deliver({ payload: 2 });
      assert.deepEqual(stored(), [['value', 1_700_000_000_000], ['value', 2]]);
      const warnings = helper.getNode('stream').warn.getCalls().map((c) => String(c.args[0]));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0]!, /no msg\.topic and no Key: .* sent as "value"; set msg\.topic or the node's Key/);
    });

    it('is sent under the node\'s name when it has one', async () => {
      await load({ name: 'boiler temperature' });
      await deliver({ payload: 61.5 });
      assert.deepEqual(stored(), [['boiler temperature', 61.5]]);
    });

    it('with a fixed Key left empty too', async () => {
      await load({ key: '', keyType: 'str' });
      await deliver({ payload: true });
      assert.deepEqual(stored(), [['value', true]]);
    });

    it('keeps msg.topic when there is one', async () => {
      await load({ name: 'boiler' });
      await deliver({ topic: 'flow', payload: 3 });
      assert.deepEqual(stored(), [['flow', 3]]);
      assert.equal(helper.getNode('stream').warn.callCount, 0);
    });

    it('with a key that is not a string or number, says to set msg.topic or the node\'s Key', async () => {
      await load();
      const caught = nextMessage('caught');
      helper.getNode('stream').receive({ topic: { room: 1 } as unknown as string, payload: 1 });
      assert.equal((await caught).error.message, `1 invalid event not sent: key must be set, by msg.topic or the node's Key, to a string or a finite number (got {"room":1})`);
    });
  });

  describe('null and undefined leaves', () => {
    it('are skipped by default and counted in msg.initialstate.skipped', async () => {
      await load({ outputs: 1, wires: [['out']] });
      const out = nextMessage('out');
      helper.getNode('stream').receive({ payload: { temp: 21, humidity: null, wind: undefined } });
      const msg = await out;
      assert.deepEqual([msg.initialstate.events, msg.initialstate.skipped], [1, 2]);
      assert.deepEqual(stored(), [['temp', 21]]);
    });

    it('finish a message whose values are all null without an error, none sent', async () => {
      await load({ outputs: 1, wires: [['out']] });
      const out = nextMessage('out');
      const completed = nextMessage('completed');
      helper.getNode('stream').receive({ payload: { temp: null, humidity: null } });
      const msg = await out;
      await completed;
      assert.deepEqual(msg.initialstate, { bucketKey: 'default-bucket', events: 0, skipped: 2, suppressed: 0, held: 0, conflated: 0, status: 0, attempts: 0, latencyMs: 0 });
      assert.deepEqual(stored(), []);
    });

    it('are errors with nullValues "error", naming each, and the rest is sent', async () => {
      await load({ nullValues: 'error' });
      const caught = nextMessage('caught');
      helper.getNode('stream').receive({ payload: { temp: 21, humidity: null } });
      assert.equal((await caught).error.message, '1 invalid event not sent: "humidity": value must be a string, finite number, boolean or Date (got null)');
      assert.deepEqual(stored(), [['temp', 21]]);
    });
  });

  describe('error texts', () => {
    it('msg.error.message is the sentence alone: no "Error: " and no stack', async () => {
      await load();
      const caught = nextMessage('caught');
      helper.getNode('stream').receive({ topic: 't', payload: Number.NaN });
      const { error } = await caught;
      assert.equal(error.message, '1 invalid event not sent: "t": value must be a finite number (got NaN)');
      assert.equal(error.stack, undefined);
    });

    it('a bad bucket key says no events were sent and why, once', async () => {
      await load();
      const caught = nextMessage('caught');
      helper.getNode('stream').receive({ topic: 't', payload: 1, bucketKey: "it's" });
      assert.equal((await caught).error.message, `no events sent: bucketKey must be free of the characters : " ' (got "it's")`);
    });
  });
});

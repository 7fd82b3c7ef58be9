import * as assert from 'node:assert/strict';
import {
  ACCESS_KEY, OUR_NODES, accountConfig, credentials, helper, nextMessage, streamNode, tab, waitFor, watchers, withEmulator,
} from '../support/flows';

describe('nodes/initialstate-stream', function () {
  const api = withEmulator();

  async function load(stream: Record<string, unknown> = {}, account: Record<string, unknown> = {}): Promise<void> {
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator, account), streamNode(stream), ...watchers(['stream'])], credentials());
  }

  /** Sends `msg` to the stream node and resolves with what the Complete node saw. */
  async function deliver(msg: Record<string, unknown>): Promise<Record<string, any>> {
    const completed = nextMessage('completed');
    helper.getNode('stream').receive(msg);
    return completed;
  }

  const stored = (bucketKey?: string) => api.emulator.events(bucketKey ? { bucketKey } : {}).map((e) => ({ key: e.key, value: e.value }));

  it('loads with its account', async () => {
    await load({ name: 'metrics' });
    const node = helper.getNode('stream');
    assert.equal(node.name, 'metrics');
    assert.ok(helper.getNode('acc').users.stream, 'registered as a user of the account');
  });

  it('runs a flow that leaves its settings out with the editor\'s defaults (msg.topic key, "_" separator, message time, no output)', async () => {
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator), { id: 'stream', type: 'initialstate-stream', z: 'flow1', account: 'acc', wires: [] }, ...watchers(['stream'])], credentials());
    await deliver({ topic: 'temp', payload: 20, timestamp: 1_700_000_000_000 });
    await deliver({ payload: { room: { humidity: 40 } } });
    assert.deepEqual(stored(), [{ key: 'temp', value: 20 }, { key: 'room_humidity', value: 40 }]);
    assert.equal(api.emulator.events()[0]!.epoch, 1_700_000_000);
  });

  describe('maps every payload shape end to end', () => {
    const cases: { name: string; stream?: Record<string, unknown>; msg: Record<string, unknown>; events: { key: string; value: unknown }[] }[] = [
      { name: 'a number keyed by msg.topic', msg: { topic: 'temp', payload: 21.5 }, events: [{ key: 'temp', value: 21.5 }] },
      { name: 'a string keyed by a fixed key', stream: { key: 'door', keyType: 'str' }, msg: { payload: 'open' }, events: [{ key: 'door', value: 'open' }] },
      { name: 'a boolean', msg: { topic: 'alarm', payload: true }, events: [{ key: 'alarm', value: true }] },
      { name: 'an emoji token', msg: { topic: 'weather', payload: ':sunny:' }, events: [{ key: 'weather', value: ':sunny:' }] },
      {
        name: 'a nested object, flattened with prefix and separator',
        stream: { keyPrefix: 'home', separator: '.' },
        msg: { payload: { room: { temp: 21, lamp: false }, mode: 'eco' } },
        events: [{ key: 'home.room.temp', value: 21 }, { key: 'home.room.lamp', value: false }, { key: 'home.mode', value: 'eco' }],
      },
      { name: 'a {lat, lon} location', msg: { topic: 'van', payload: { lat: 51.5, lon: -0.12 } }, events: [{ key: 'van', value: '51.5,-0.12' }] },
      {
        name: 'an event list with its own times',
        msg: { payload: [{ key: 'a', value: 1, epoch: 1_700_000_000 }, { key: 'a', value: 2, epoch: 1_700_000_001 }] },
        events: [{ key: 'a', value: 1 }, { key: 'a', value: 2 }],
      },
      { name: 'a key from a JSONata expression', stream: { key: '"k_" & topic', keyType: 'jsonata' }, msg: { topic: 'x', payload: 3 }, events: [{ key: 'k_x', value: 3 }] },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        await load(c.stream);
        await deliver(c.msg);
        assert.deepEqual(stored('default-bucket'), c.events);
      });
    }

    it('with the url transport too', async () => {
      await load({}, { transport: 'url' });
      await deliver({ topic: 'temp', payload: 20 });
      assert.deepEqual(stored('default-bucket'), [{ key: 'temp', value: 20 }]);
    });
  });

  it('stamps events with msg.timestamp, or leaves it to the server with timestamp "server"', async () => {
    await load();
    await deliver({ topic: 't', payload: 1, timestamp: 1_700_000_000_500 });
    assert.equal(api.emulator.events()[0].epoch, 1_700_000_000.5);
    await helper.unload();
    api.emulator.reset();
    await load({ timestamp: 'server' });
    await deliver({ topic: 't', payload: 1, timestamp: 1_700_000_000_500 });
    assert.equal(api.emulator.events()[0].serverStamped, true);
  });

  it('sends to msg.bucketKey over the node bucket key over the account bucket key', async () => {
    await load({ bucketKey: 'node-bucket' });
    await deliver({ topic: 'a', payload: 1, bucketKey: 'msg-bucket' });
    await deliver({ topic: 'b', payload: 2 });
    assert.deepEqual(stored('msg-bucket'), [{ key: 'a', value: 1 }]);
    assert.deepEqual(stored('node-bucket'), [{ key: 'b', value: 2 }]);
    assert.deepEqual(stored('default-bucket'), []);
  });

  it('completes only after the API stored the events', async () => {
    await load({}, { batchSize: 2 });
    const completed = deliver({ payload: { a: 1, b: 2, c: 3, d: 4, e: 5 } });
    const storedWhenCompleted = completed.then(() => api.emulator.events().length);
    assert.equal(await storedWhenCompleted, 5);
  });

  it('sends valid events and gives Catch an error naming the key, field and rule of the invalid ones', async () => {
    await load();
    const caught = nextMessage('caught');
    helper.getNode('stream').receive({ payload: { temp: 21, humidity: Number.NaN, ['k'.repeat(101)]: 1 } });
    const msg = await caught;
    assert.match(msg.error.message, /"humidity": value must be/);
    assert.match(msg.error.message, /key must be .*100 characters/);
    assert.equal(msg.error.source.id, 'stream');
    assert.deepEqual(stored(), [{ key: 'temp', value: 21 }]);
  });

  it('fails at once when nothing in the message is valid', async () => {
    await load();
    const caught = nextMessage('caught');
    helper.getNode('stream').receive({ topic: 'temp', payload: Number.POSITIVE_INFINITY });
    assert.match((await caught).error.message, /"temp": value must be .*finite/);
    assert.equal(api.emulator.requests().filter((r) => r.path.endsWith('/events')).length, 0);
  });

  it('rejects a bad bucket key, naming the field and rule', async () => {
    await load();
    const caught = nextMessage('caught');
    helper.getNode('stream').receive({ topic: 'a', payload: 1, bucketKey: 'a:b' });
    assert.match((await caught).error.message, /bucketKey must be .*"a:b"/);
  });

  it('gives Catch the events the API rejected (400)', async () => {
    await load({}, { autoCreate: false });
    api.emulator.injectFault({ kind: 'status', status: 400, count: 1000, body: '{"message":"bad event"}' });
    const caught = nextMessage('caught');
    helper.getNode('stream').receive({ topic: 'temp', payload: 1 });
    assert.match((await caught).error.message, /1 event rejected by the API \(key "temp"/);
    assert.deepEqual(stored(), []);
  });

  it('gives Catch the events the full queue refused, after delivering the rest; the account warns too', async () => {
    await load({}, { maxQueue: 1, overflow: 'refuse-newest' });
    const caught = nextMessage('caught');
    helper.getNode('stream').receive({ payload: { a: 1, b: 2 } });
    assert.match((await caught).error.message, /1 event dropped because the queue was full \(key "b": .*maxQueue 1/);
    assert.deepEqual(stored(), [{ key: 'a', value: 1 }]);
    assert.match(String(helper.getNode('acc').warn.firstCall?.args[0]), /queue was full/);
  });

  it('sends the message on after delivery with msg.initialstate when it has an output', async () => {
    await load({ outputs: 1, wires: [['out']] });
    const out = nextMessage('out');
    helper.getNode('stream').receive({ topic: 'temp', payload: 1, bucketKey: 'b1' });
    const msg = await out;
    assert.equal(msg.payload, 1);
    assert.equal(msg.initialstate.bucketKey, 'b1');
    assert.equal(msg.initialstate.events, 1);
    assert.equal(msg.initialstate.status, 204);
    assert.ok(msg.initialstate.attempts >= 1);
    assert.equal(typeof msg.initialstate.latencyMs, 'number');
  });

  it('shows queued and sent counts in its status', async () => {
    await load();
    const node = helper.getNode('stream');
    await deliver({ payload: { a: 1, b: 2, c: 3 } });
    await waitFor('status "3 sent"', () => node.status.getCalls().some((c) => c.args[0]?.text === '3 sent'));
    assert.ok(node.status.getCalls().every((c) => (c.args[0]?.text ?? '').length <= 24));
  });

  it('shows a retry in its status even when it was over within the status interval', async () => {
    await load({}, { backoffBase: 1, backoffCap: 5, autoCreate: false });
    api.emulator.injectFault({ kind: 'status', status: 503, count: 1 });
    const node = helper.getNode('stream');
    await deliver({ topic: 'a', payload: 1 });
    await waitFor('status "retrying"', () => node.status.getCalls().some((c) => /^retrying/.test(c.args[0]?.text ?? '')));
    await waitFor('status "1 sent" after it', () => node.status.lastCall?.args[0]?.text === '1 sent');
  });

  it('shows "key rejected" when the API refuses the access key, and never logs the key', async () => {
    api.emulator.configure({ accessKeys: ['ist_someOtherKey0000000000000000000'] });
    await load();
    const node = helper.getNode('stream');
    node.receive({ topic: 'temp', payload: 1 });
    await waitFor('status "key rejected"', () => node.status.getCalls().some((c) => /key rejected/.test(c.args[0]?.text ?? '')));
    const logged = JSON.stringify(helper.log().args) + JSON.stringify(helper.getNode('acc').error.args);
    assert.ok(!logged.includes(ACCESS_KEY), 'access key logged');
  });

  it('without an account, fails each message with a clear error', async () => {
    await helper.load(OUR_NODES, [tab(), streamNode({ account: '' }), ...watchers(['stream'])]);
    const caught = nextMessage('caught');
    helper.getNode('stream').receive({ topic: 'a', payload: 1 });
    assert.match((await caught).error.message, /no Initial State account is configured/);
  });
});

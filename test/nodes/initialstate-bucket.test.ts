import * as assert from 'node:assert/strict';
import { ACCOUNT, OUR_NODES, TAB, accountConfig, credentials, helper, nextMessage, tab, waitFor, watchers, withEmulator } from '../support/flows';

describe('nodes/initialstate-bucket', function () {
  const api = withEmulator();

  const bucketNode = (overrides: Record<string, unknown> = {}) => ({
    id: 'bucket',
    type: 'initialstate-bucket',
    z: TAB,
    name: '',
    account: ACCOUNT,
    bucketKey: 'bucketKey',
    bucketKeyType: 'msg',
    bucketName: 'bucketName',
    bucketNameType: 'msg',
    wires: [['out']],
    ...overrides,
  });

  /** Loads a bucket node; its account has no default bucket name, so it creates no bucket at start. */
  async function load(overrides: Record<string, unknown> = {}, account: Record<string, unknown> = { bucketName: '' }): Promise<void> {
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator, account), bucketNode(overrides), ...watchers(['bucket'])], credentials());
  }

  /** Sends `msg` and resolves with the node's output. */
  function create(msg: Record<string, unknown>): Promise<Record<string, any>> {
    const out = nextMessage('out');
    helper.getNode('bucket').receive(msg);
    return out;
  }

  it('loads', async () => {
    await load({ name: 'make bucket' });
    assert.equal(helper.getNode('bucket').name, 'make bucket');
  });

  it('creates a bucket from msg.bucketKey and msg.bucketName: created true, then false', async () => {
    await load();
    const first = await create({ bucketKey: 'greenhouse', bucketName: 'Greenhouse' });
    assert.deepEqual(first.payload, { bucketKey: 'greenhouse', bucketName: 'Greenhouse', created: true });
    const second = await create({ bucketKey: 'greenhouse', bucketName: 'Greenhouse' });
    assert.equal(second.payload.created, false);
    assert.deepEqual(api.emulator.buckets().map((b) => [b.bucketKey, b.bucketName]), [['greenhouse', 'Greenhouse']]);
    await waitFor('status "exists"', () => helper.getNode('bucket').status.getCalls().some((c) => c.args[0]?.text === 'exists'));
  });

  it("falls back to the account's bucket key and name", async () => {
    await load({}, {});
    const msg = await create({});
    assert.equal(msg.payload.bucketKey, 'default-bucket');
    assert.equal(msg.payload.bucketName, 'Default bucket');
    assert.equal(typeof msg.payload.created, 'boolean');
  });

  it('takes fixed values from its own properties', async () => {
    await load({ bucketKey: 'fixed', bucketKeyType: 'str', bucketName: 'Fixed name', bucketNameType: 'str' });
    const msg = await create({ bucketKey: 'ignored' });
    assert.equal(msg.payload.bucketKey, 'fixed');
    assert.equal(msg.payload.bucketName, 'Fixed name');
  });

  it('gives Catch an invalid bucket key, naming the field and rule, without calling the API', async () => {
    await load();
    const caught = nextMessage('caught');
    helper.getNode('bucket').receive({ bucketKey: "it's" });
    assert.match((await caught).error.message, /bucketKey must be .*"it's"/);
    assert.equal(api.emulator.requests().length, 0);
  });

  it('gives Catch a rejected access key, with the reason, and shows it', async () => {
    api.emulator.configure({ accessKeys: ['ist_someOtherKey0000000000000000000'] });
    await load();
    const caught = nextMessage('caught');
    helper.getNode('bucket').receive({ bucketKey: 'b' });
    const msg = await caught;
    assert.match(msg.error.message, /reject|401|access key/i);
    await waitFor('status "key rejected"', () => helper.getNode('bucket').status.getCalls().some((c) => c.args[0]?.fill === 'red' && c.args[0]?.text === 'key rejected'));
  });

  it('gives Catch a used-up quota (402)', async () => {
    await load();
    api.emulator.injectFault({ kind: 'status', status: 402, count: 1, body: '{"message":"quota exceeded"}' });
    const caught = nextMessage('caught');
    helper.getNode('bucket').receive({ bucketKey: 'b' });
    assert.match((await caught).error.message, /quota|402/i);
    await waitFor('status "quota used up"', () => helper.getNode('bucket').status.getCalls().some((c) => c.args[0]?.text === 'quota used up'));
  });
});

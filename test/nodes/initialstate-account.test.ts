import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ACCESS_KEY, ACCOUNT, OUR_NODES, TAB, accountConfig, credentials, examplesDir, helper, nextMessage, startApi, streamNode, tab, waitFor, watchers, withEmulator,
} from '../support/flows';

/** The runtime's flows as Node-RED would export them (internal API of the test helper). */
function exportedFlows(): object[] {
  return (helper as unknown as { _redNodes: { getFlows(): { flows: object[] } } })._redNodes.getFlows().flows;
}

describe('nodes/initialstate-account', function () {
  const api = withEmulator();
  afterEach(() => {
    helper.settings({ userDir: undefined });
  });

  it('loads, with one engine and the default bucket', async () => {
    await helper.load(OUR_NODES, [accountConfig(api.emulator)], credentials());
    const account = helper.getNode(ACCOUNT);
    assert.equal(account.type, 'initialstate-account');
    assert.equal(account.bucketKey, 'default-bucket');
    assert.ok(account.engine, 'has an engine');
    assert.equal(account.view().configError, undefined);
  });

  it('creates its default bucket with its name at start, so the bucket shelf shows the name', async () => {
    await helper.load(OUR_NODES, [accountConfig(api.emulator)], credentials());
    await waitFor('bucket', () => api.emulator.buckets().length === 1);
    assert.deepEqual(api.emulator.buckets().map((b) => [b.bucketKey, b.bucketName]), [['default-bucket', 'Default bucket']]);
  });

  it('keeps the access key a password credential, out of the exported flow', async () => {
    await helper.load(OUR_NODES, [accountConfig(api.emulator)], credentials());
    assert.equal(helper.getNode(ACCOUNT).credentials.accessKey, ACCESS_KEY);
    assert.ok(!JSON.stringify(exportedFlows()).includes(ACCESS_KEY), 'access key in the exported flow');
    const registry = (helper as unknown as { _redNodes: { getCredentialDefinition(type: string): unknown } })._redNodes;
    assert.deepEqual(registry.getCredentialDefinition('initialstate-account'), { accessKey: { type: 'password' }, redisUrl: { type: 'password' } });
    const editor = fs.readFileSync(path.join(examplesDir(), '..', 'nodes', 'initialstate-account.html'), 'utf8');
    assert.match(editor, /accessKey: \{ type: 'password', required: true \}/);
  });

  it('logs invalid options naming the field and rule, and its users show a red status and fail messages', async () => {
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator, { batchSize: '0' }), streamNode(), ...watchers(['stream'])], credentials());
    const account = helper.getNode(ACCOUNT);
    assert.equal(account.engine, undefined);
    assert.match(String(account.error.firstCall?.args[0]), /batchSize.*1 to 10.*got 0/);
    const stream = helper.getNode('stream');
    await waitFor('red status', () => stream.status.getCalls().some((c) => c.args[0]?.text === 'invalid account' && c.args[0]?.fill === 'red'));
    const caught = nextMessage('caught');
    stream.receive({ topic: 'a', payload: 1 });
    assert.match((await caught).error.message, /batchSize/);
  });

  it('warns when the endpoint is plain http and not on this machine', async () => {
    // No bucket name, so nothing is created at start: no request leaves the machine.
    await helper.load(OUR_NODES, [accountConfig(api.emulator, { endpoint: 'http://example.invalid/api', bucketName: '' })], credentials());
    const account = helper.getNode(ACCOUNT);
    await waitFor('a warning', () => account.warn.called);
    assert.match(String(account.warn.firstCall.args[0]), /plain http/);
    assert.ok(!String(account.warn.firstCall.args[0]).includes(ACCESS_KEY));
  });

  it('says which environment variable is missing when the endpoint is an unset ${NAME}', async () => {
    const saved = process.env.INITIALSTATE_ENDPOINT;
    delete process.env.INITIALSTATE_ENDPOINT;
    try {
      await helper.load(OUR_NODES, [accountConfig(api.emulator, { endpoint: '${INITIALSTATE_ENDPOINT}' })], credentials());
    } finally {
      if (saved !== undefined) process.env.INITIALSTATE_ENDPOINT = saved;
    }
    const account = helper.getNode(ACCOUNT);
    assert.equal(account.engine, undefined);
    assert.match(String(account.error.firstCall?.args[0]), /: endpoint \$\{INITIALSTATE_ENDPOINT\}: the environment variable INITIALSTATE_ENDPOINT is not set in Node-RED's environment; set it, or enter the API address/);
    assert.equal(account.view().configError, account.error.firstCall.args[0]);
  });

  it('uses the endpoint an environment variable gives', async () => {
    const saved = process.env.INITIALSTATE_ENDPOINT;
    process.env.INITIALSTATE_ENDPOINT = api.emulator.apiUrl;
    try {
      await helper.load(OUR_NODES, [accountConfig(api.emulator, { endpoint: '${INITIALSTATE_ENDPOINT}' })], credentials());
    } finally {
      if (saved === undefined) delete process.env.INITIALSTATE_ENDPOINT;
      else process.env.INITIALSTATE_ENDPOINT = saved;
    }
    assert.equal(helper.getNode(ACCOUNT).engine.options.endpoint, api.emulator.apiUrl);
  });

  it('refuses an empty access key without crashing', async () => {
    await helper.load(OUR_NODES, [accountConfig(api.emulator)], credentials(ACCOUNT, ''));
    assert.match(String(helper.getNode(ACCOUNT).error.firstCall?.args[0]), /accessKey/);
  });

  it('passes its state to the Status nodes of its users', async () => {
    api.emulator.configure({ accessKeys: ['ist_someOtherKey0000000000000000000'] });
    const status = { id: 'on-status', type: 'status', z: TAB, scope: ['stream'], wires: [['statuses']] };
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator), streamNode(), status, { id: 'statuses', type: 'helper', z: TAB, wires: [] }], credentials());
    const seen: any[] = [];
    helper.getNode('statuses').on('input', (msg: any) => seen.push(msg.status));
    helper.getNode('stream').receive({ topic: 'a', payload: 1 });
    await waitFor('account status "key rejected"', () => seen.some((s) => s.source?.id === ACCOUNT && /key rejected/.test(s.text)));
  });

  it('turns its users yellow at 80 % of the monthly quota and red at 100 %, and keeps the count across a restart', async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'is-quota-'));
    helper.settings({ userDir });
    const flow = [tab(), accountConfig(api.emulator, { monthlyQuota: 10, bucketName: '' }), streamNode()];
    await helper.load(OUR_NODES, flow, credentials());
    const stream = helper.getNode('stream');
    const showed = (fill: string, text: RegExp) => () => stream.status.getCalls().some((c) => c.args[0]?.fill === fill && text.test(c.args[0]?.text ?? ''));
    stream.receive({ topic: 't', payload: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 } });
    await waitFor('yellow at 80 %', showed('yellow', /^quota 80%/));
    await helper.unload();

    // A restart reads the month's count back: two more events reach 100 %.
    await helper.load(OUR_NODES, flow, credentials());
    const again = helper.getNode('stream');
    again.receive({ topic: 't', payload: { a: 1, b: 2 } });
    await waitFor('red at 100 %', () => again.status.getCalls().some((c) => c.args[0]?.fill === 'red' && /^quota 100%/.test(c.args[0]?.text ?? '')));
    assert.equal(api.emulator.events().length, 10, 'sending goes on until the service itself answers 402');
    assert.ok(helper.getNode(ACCOUNT).warn.getCalls().some((c) => /100 ?%/.test(String(c.args[0]))), 'a warning at 100 %');
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('hands a rejected access key to the Catch nodes of its users, without the key', async () => {
    api.emulator.configure({ accessKeys: ['ist_someOtherKey0000000000000000000'] });
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator), streamNode(), ...watchers(['stream'])], credentials());
    const caught = nextMessage('caught');
    helper.getNode('stream').receive({ topic: 'a', payload: 1 });
    const msg = await caught;
    assert.equal(msg.topic, 'key-rejected');
    assert.equal(msg.error.source.id, ACCOUNT);
    // One sentence: the cause first, the key masked once, the service's answer once; no "Error: ", no stack.
    const endpoint = helper.getNode(ACCOUNT).engine.options.endpoint;
    assert.equal(msg.error.message, `access key …0000 rejected by ${endpoint} (HTTP 401 ACCESS_DENIED_KEY: this access key is not accepted)`);
    assert.equal(msg.error.message.split('…0000').length, 2, 'the key masked once');
    assert.equal(msg.error.stack, undefined);
    assert.equal(msg.payload, msg.error.message);
    assert.ok(!JSON.stringify(msg).includes(ACCESS_KEY));
  });

  it('warns once of a used-up monthly quota, with the key masked once and the service\'s answer once', async () => {
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator, { bucketName: '' }), streamNode()], credentials());
    api.emulator.injectFault({ kind: 'status', status: 402, count: 1, body: '{"message":"Event limit exceeded for current cycle"}' });
    const account = helper.getNode(ACCOUNT);
    helper.getNode('stream').receive({ topic: 'a', payload: 1 });
    const used = () => account.warn.getCalls().map((c: { args: unknown[] }) => String(c.args[0])).filter((t: string) => t.startsWith('monthly event quota'));
    await waitFor('the quota warning', () => used().length > 0);
    assert.deepEqual(used(), ['monthly event quota used up for access key …0000 (HTTP 402: Event limit exceeded for current cycle)']);
  });

  it('gives Catch a spool that lost its events, with the key once and the cause once', async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'is-spool-'));
    helper.settings({ userDir });
    try {
      const config = accountConfig(api.emulator, { bucketName: '', persist: 'file', memoryWindow: 5, batchSize: 5, flushInterval: 60_000 });
      await helper.load(OUR_NODES, [tab(), config, streamNode(), ...watchers(['stream'])], credentials());
      // The first batch stays in flight until the file is emptied, so the refill after it finds nothing.
      api.emulator.injectFault({ kind: 'slow', delayMs: 300, count: 1 });
      const account = helper.getNode(ACCOUNT);
      const caught = nextMessage('caught');
      const stream = helper.getNode('stream');
      for (let i = 0; i < 30; i++) stream.receive({ topic: 't', payload: i });
      await waitFor('events spilled', () => account.engine.memoryStats().spilled > 0);
      fs.truncateSync(path.join(userDir, 'initialstate', `${ACCOUNT}.spool`), 0);
      account.engine.flush();
      const msg = await caught;
      assert.equal(msg.topic, 'spool-unreadable');
      assert.match(msg.error.message, /^account …0000: spool file .* no longer holds the queued events of bucket '[^']+': sending stopped; restart to recover what the file still holds$/);
      assert.equal(msg.error.message.split('…0000').length, 2, 'the key masked once');
    } finally {
      await helper.unload();
      fs.rmSync(userDir, { recursive: true, force: true });
    }
  });

  it('keeps its engine when only the flow nodes are redeployed, and starts a new one on a full deploy', async () => {
    const flow = [tab(), accountConfig(api.emulator), streamNode()];
    await helper.load(OUR_NODES, flow, credentials());
    const account = helper.getNode(ACCOUNT);
    const engine = account.engine;
    for (const type of ['nodes', 'flows'] as const) {
      await helper.setFlows([tab(), accountConfig(api.emulator), streamNode({ name: `changed ${type}` })], type);
      assert.equal(helper.getNode(ACCOUNT), account, `${type}: same config node`);
      assert.equal(helper.getNode(ACCOUNT).engine, engine, `${type}: same engine`);
      assert.equal(helper.getNode('stream').name, `changed ${type}`);
      assert.deepEqual(Object.keys(account.users), ['stream'], `${type}: the new stream node is the only user`);
    }
    await helper.setFlows([tab(), accountConfig(api.emulator), streamNode({ name: 'full' })], 'full', credentials());
    assert.notEqual(helper.getNode(ACCOUNT).engine, engine, 'full deploy: new engine');
    assert.equal(engine.state, 'closed');
  });

  it('keeps the queue of a rejected key across the redeploy that corrects the key (persist off): all 50 events arrive', async () => {
    api.emulator.configure({ accessKeys: [ACCESS_KEY] });
    const flow = [tab(), accountConfig(api.emulator), streamNode()];
    await helper.load(OUR_NODES, flow, credentials(ACCOUNT, 'ist_mistypedKey0000000000000000000'));
    const account = helper.getNode(ACCOUNT);
    const stream = helper.getNode('stream');
    for (let i = 0; i < 50; i++) stream.receive({ topic: 'reading', payload: i });
    await waitFor('key rejected with 50 queued', () => account.engine.state === 'key-rejected' && account.engine.counters().queued + account.engine.counters().inFlight === 50);
    assert.equal(api.emulator.events().length, 0);

    await helper.setFlows(flow, 'full', credentials());
    const fixed = helper.getNode(ACCOUNT);
    assert.notEqual(fixed, account, 'a new configuration');
    assert.ok(account.log.getCalls().some((c) => /closed: 0 delivered, 0 spooled, 0 undelivered, 50 handed over/.test(String(c.args[0]))));
    await waitFor('50 events stored', () => api.emulator.events().length === 50);
    assert.deepEqual(api.emulator.events().map((e) => e.value), Array.from({ length: 50 }, (_, i) => i));
    assert.ok(fixed.log.getCalls().some((c) => /took over 50 queued event/.test(String(c.args[0]))));
    assert.ok(!account.warn.getCalls().some((c) => /not delivered/.test(String(c.args[0]))), 'nothing reported lost');
  });

  it('reports a handed-over queue that no new configuration takes as not delivered', async () => {
    api.emulator.configure({ accessKeys: [ACCESS_KEY] });
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator), streamNode()], credentials(ACCOUNT, 'ist_mistypedKey0000000000000000000'));
    const account = helper.getNode(ACCOUNT);
    for (let i = 0; i < 3; i++) helper.getNode('stream').receive({ topic: 'reading', payload: i });
    await waitFor('3 queued', () => account.engine.state === 'key-rejected' && account.engine.counters().queued + account.engine.counters().inFlight === 3);
    // The new configuration is invalid: it has no engine to take the queue.
    await helper.setFlows([tab(), accountConfig(api.emulator, { batchSize: '0' }), streamNode()], 'full', credentials());
    await waitFor('reported', () => account.warn.getCalls().some((c) => /3 event\(s\) not delivered: no new configuration took the queue/.test(String(c.args[0]))));
  });

  it('logs an outage once with its cause, shows it in short in the status, and logs the recovery', async () => {
    const down = await startApi();
    const port = new URL(down.apiUrl).port;
    await down.close();
    const endpoint = `http://127.0.0.1:${port}/api`;
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator, { endpoint, backoffBase: 20, backoffCap: 40 }), streamNode()], credentials());
    const account = helper.getNode(ACCOUNT);
    for (let i = 0; i < 5; i++) helper.getNode('stream').receive({ topic: 'reading', payload: i });
    await waitFor('several failed attempts', () => account.engine.counters().retries >= 4);
    const lines = () => account.warn.getCalls().map((c) => String(c.args[0]));
    const retrying = lines().filter((line) => line.startsWith('retrying'));
    assert.equal(retrying.length, 1, lines().join('\n'));
    assert.match(retrying[0]!, new RegExp(`^retrying: ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(\\d+ queued\\)$`));
    assert.equal(account.engine.counters().lastError?.cause, `ECONNREFUSED 127.0.0.1:${port}`);
    await waitFor('the cause in the status', () => helper.getNode('stream').status.getCalls().some((c) => c.args[0]?.text === 'ECONNREFUSED, 5 q'));
    const up = await startApi({ port: Number(port) });
    try {
      await waitFor('5 events stored', () => up.events().length === 5);
      await waitFor('the recovery logged', () => lines().some((line) => /^reachable again after \d+ s: sending/.test(line)));
    } finally {
      await helper.unload();
      await up.close();
    }
  });

  it('with persist "file", spools what it could not deliver on close to <userDir>/initialstate/<id>.spool and logs it', async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'initialstate-node-'));
    try {
      helper.settings({ userDir });
      api.emulator.configure({ accessKeys: ['ist_someOtherKey0000000000000000000'] });
      await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator, { persist: 'file', closeTimeout: 200 }), streamNode()], credentials());
      const account = helper.getNode(ACCOUNT);
      helper.getNode('stream').receive({ payload: { a: 1, b: 2 } });
      await waitFor('key rejected', () => account.engine.state === 'key-rejected');
      await helper.setFlows([tab()], 'full');
      const logged = [...account.log.args, ...account.warn.args].map((a) => String(a[0]));
      assert.ok(logged.some((line) => /closed: 0 delivered, 2 spooled, 0 undelivered/.test(line)), logged.join('\n'));
      assert.ok(fs.existsSync(path.join(userDir, 'initialstate', `${ACCOUNT}.spool`)), 'spool file written');
      assert.ok(!logged.join('\n').includes(ACCESS_KEY), 'access key logged');
    } finally {
      fs.rmSync(userDir, { recursive: true, force: true });
    }
  });

  it('on close, drains what it can and logs the close report', async () => {
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator, { flushInterval: 60_000 }), streamNode()], credentials());
    const account = helper.getNode(ACCOUNT);
    helper.getNode('stream').receive({ topic: 'a', payload: 1 });
    await waitFor('queued', () => account.engine.counters().queued === 1);
    await helper.setFlows([tab()], 'full');
    assert.match(String(account.log.lastCall?.args[0]), /closed: 1 delivered, 0 spooled, 0 undelivered/);
    assert.equal(api.emulator.events().length, 1);
  });
});

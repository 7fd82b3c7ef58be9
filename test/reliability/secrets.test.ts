/**
 * Secrets: the access key is a `password` credential. It is kept in flows_cred.json and nowhere
 * else: not in flows.json, not in an exported flow, not in the Node-RED log at trace level, not in
 * an error, a status, a debug or output message, and not in the emulator's logs.
 */
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { helper } from '../support/flows';
import { feed } from '../support/reliability-feed';
import { OTHER_KEY, SECRET_KEY, TAB, accountNode, flowNode, streamNode } from '../support/reliability-flows';
import { waitFor } from '../support/poll';
import { RedProcess, type FlowNode } from '../support/red-process';
import { ACCOUNT_ID, STREAM_ID, allSettled, loadStreamFlow, send, streamFlow } from '../support/reliability-runtime';

const ACCOUNT = 'rel-account';

/**
 * Every 8-character piece of the key's secret part found in `text`: a log that shows the last
 * 4 characters (as `maskKey` does) passes, one that shows more of the key does not.
 */
function keyPieces(text: string): string[] {
  const secret = SECRET_KEY.slice('ist_'.length);
  const pieces: string[] = [];
  for (let at = 0; at + 8 <= secret.length; at++) if (text.includes(secret.slice(at, at + 8))) pieces.push(secret.slice(at, at + 8));
  return pieces;
}

/** JSON of anything, circular references and BigInts included. */
function asText(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return v;
  });
}

/** A flow whose every output, error and status goes to debug nodes that log to the console. */
function loggingFlow(endpoint: string): FlowNode[] {
  const debug = (id: string): FlowNode => flowNode(id, 'debug', { name: id, active: true, tosidebar: true, console: true, complete: 'true', targetType: 'full' });
  return [
    { id: TAB, type: 'tab', label: 'Secrets' },
    accountNode(ACCOUNT, endpoint, { bucketKey: 'secrets' }),
    flowNode('rel-feed', 'http in', { url: '/feed', method: 'post', upload: false, swaggerDoc: '', wires: [['rel-stream', 'rel-answer']] }),
    streamNode('rel-stream', ACCOUNT, [['dbg-out']]),
    flowNode('rel-answer', 'http response', { statusCode: '200', headers: {} }),
    flowNode('rel-catch', 'catch', { uncaught: false, wires: [['dbg-catch']] }),
    flowNode('rel-status', 'status', { wires: [['dbg-status']] }),
    debug('dbg-out'),
    debug('dbg-catch'),
    debug('dbg-status'),
  ];
}

describe('reliability: the access key never leaks', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  const emulatorLog: string[] = [];

  before(async () => {
    emulator = await startEmulator({ rateLimit: 1000, log: (line) => emulatorLog.push(line) });
  });

  after(async () => {
    await helper.unload();
    await emulator.close();
  });

  describe('in a real Node-RED process logging at trace level', () => {
    const red = new RedProcess();
    after(() => red.dispose());

    it('is only in flows_cred.json: not in flows.json, GET /flows, the log, debug output, errors, statuses or the emulator log', async () => {
      emulator.configure({ accessKeys: [OTHER_KEY] });
      const flows = loggingFlow(emulator.apiUrl);
      red.writeFlows(flows, { [ACCOUNT]: { accessKey: SECRET_KEY } });
      await red.start();
      // A rejected key (errors and a red status), then an invalid message (a Catch).
      assert.equal(await feed(red, 1), true);
      await waitFor('the key to be rejected', () => /rejected/.test(red.output));
      const bad = await red.request('/feed', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ value: 'x'.repeat(2001) }) });
      assert.equal(bad.status, 200);
      await waitFor('the Catch output in the log', () => red.output.split('[debug:dbg-catch]').slice(1).some((entry) => /at most 2000 characters/.test(entry)));

      // Then a working key: delivered events and their output messages.
      emulator.configure({ accessKeys: undefined });
      await red.deployFull(flows);
      for (let n = 0; n < 3; n++) assert.equal(await feed(red, n), true);
      // The event queued while the key was rejected went to the redeployed configuration: 1 + 3.
      await waitFor('4 events stored', () => emulator.events({ bucketKey: 'secrets' }).length >= 4);
      assert.deepEqual(emulator.events({ bucketKey: 'secrets' }).map((e) => e.value), [1, 0, 1, 2]);
      await waitFor('the 3 output messages in the log', () => (red.output.match(/\[debug:dbg-out\]/g) ?? []).length >= 3);

      const exported = await (await red.request('/flows')).text();
      assert.ok(exported.includes('initialstate-account'), 'GET /flows answered the flow');
      const exportedV2 = await (await red.request('/flows', { headers: { 'Node-RED-API-Version': 'v2' } })).text();
      const credentials = await (await red.request(`/credentials/initialstate-account/${ACCOUNT}`)).json();
      assert.deepEqual(credentials, { has_accessKey: true, has_redisUrl: false }, 'the editor only learns whether each credential is set');
      await red.stop('SIGINT');

      assert.ok(red.readFile('flows_cred.json').includes(SECRET_KEY), 'flows_cred.json keeps the key');
      assert.ok(red.output.includes('[trace]'), 'the log was at trace level');
      for (const [where, text] of [
        ['flows.json', red.readFile('flows.json')],
        ['GET /flows', exported],
        ['GET /flows (v2)', exportedV2],
        ['the Node-RED log (stdout and stderr, with debug output, errors and statuses)', red.output],
        ['the emulator log', emulatorLog.join('\n')],
      ]) {
        assert.deepEqual(keyPieces(text), [], `key found in ${where}`);
      }
      assert.ok(emulatorLog.length > 0, 'the emulator logged requests');
    });
  });

  describe('in the test helper runtime', () => {
    it('is not in the exported flow, any error, warning, log line, status, sent message or Catch output', async () => {
      // The helper spies on Node.prototype (every node's calls) and on the runtime log; a redeploy
      // starts the spies afresh, so their calls are read before it too.
      type Spy = { getCalls(): { args: unknown[] }[] };
      const spies = helper as unknown as { _NodePrototype: Record<string, Spy>; log(): Spy };
      const calls: unknown[] = [];
      const readCalls = (): void => {
        for (const method of ['log', 'warn', 'error', 'debug', 'trace', 'status', 'send']) calls.push(...spies._NodePrototype[method].getCalls().map((call) => call.args));
        calls.push(...spies.log().getCalls().map((call) => call.args));
      };

      emulator.configure({ accessKeys: [OTHER_KEY] });
      const flow = [...streamFlow(emulator, { bucketKey: 'secrets-helper' }, { outputs: 1, wires: [['out']] }), flowNode('out', 'helper')];
      const seen = await loadStreamFlow(flow);
      const sent: unknown[] = [];
      helper.getNode('out').on('input', (msg: unknown) => sent.push(msg));
      send(0, 3, 1);
      helper.getNode(STREAM_ID).receive({ topic: 'bad', payload: 'x'.repeat(2001) });
      await waitFor('the key to be rejected', () => emulator.stats().byStatus[401] > 0);
      await allSettled(seen, 1);
      await waitFor('the 401 to be reported', () => spies._NodePrototype.warn.getCalls().some((call) => /401/.test(String(call.args[0]))));
      readCalls();
      // Then the key accepted: new messages are delivered and sent on.
      emulator.configure({ accessKeys: undefined });
      await helper.setFlows(flow, 'full', { [ACCOUNT_ID]: { accessKey: SECRET_KEY } });
      helper.getNode('out').on('input', (msg: unknown) => sent.push(msg));
      send(3, 6, 1);
      await waitFor('3 output messages', () => sent.length === 3, { describe: () => `${sent.length} sent` });
      readCalls();

      const exported = (helper as unknown as { _redNodes: { getFlows(): { flows: object[] } } })._redNodes.getFlows().flows;
      const engine = helper.getNode(ACCOUNT_ID).engine;
      for (const [where, value] of [
        ['the exported flow', exported],
        ['calls of log, warn, error, debug, trace, status, send and the runtime log', calls],
        ['Catch output', seen.caught],
        ['output messages', sent],
        ['statuses', seen.statuses],
        ["the engine's counters", engine.counters()],
      ] as [string, unknown][]) {
        assert.deepEqual(keyPieces(asText(value)), [], `key found in ${where}`);
      }
      assert.equal(helper.getNode(ACCOUNT_ID).credentials.accessKey, SECRET_KEY, 'the key is a credential of the account node');
    });
  });
});

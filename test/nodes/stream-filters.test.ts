import * as assert from 'node:assert/strict';
import sinon from 'sinon';
import { OUR_NODES, accountConfig, credentials, helper, nextMessage, streamNode, tab, waitFor, watchers, withEmulator } from '../support/flows';

/** What msg.initialstate counts. */
const counted = (outcome: Record<string, any>) => ({ events: outcome.events, suppressed: outcome.suppressed, held: outcome.held, conflated: outcome.conflated });

/** The stream node's filters (quota, #16), end to end against the emulator. */
describe('nodes/initialstate-stream: filters', function () {
  const api = withEmulator();
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  async function load(stream: Record<string, unknown> = {}, account: Record<string, unknown> = {}): Promise<void> {
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator, account), streamNode({ outputs: 1, wires: [['out']], ...stream }), ...watchers(['stream'])], credentials());
  }

  /** Sends `payload` under key `topic`; resolves with msg.initialstate once the message is done. */
  async function deliver(payload: unknown, topic = 't'): Promise<Record<string, any>> {
    const out = nextMessage('out');
    const completed = nextMessage('completed');
    helper.getNode('stream').receive({ topic, payload });
    const [msg] = await Promise.all([out, completed]);
    return msg.initialstate;
  }

  const stored = () => api.emulator.events().map((e) => e.value);

  it('with no filter set, sends every value and counts nothing as filtered', async () => {
    await load();
    for (const v of [1, 1, 1]) assert.deepEqual(counted(await deliver(v)), { events: 1, suppressed: 0, held: 0, conflated: 0 });
    assert.deepEqual(stored(), [1, 1, 1]);
  });

  it('onChange: sends a value only when it changed, per stream key; the rest is suppressed (not an error), counted in msg.initialstate and the status', async () => {
    await load({ onChange: true });
    assert.deepEqual(counted(await deliver(1)), { events: 1, suppressed: 0, held: 0, conflated: 0 });
    const second = await deliver(1);
    assert.deepEqual(counted(second), { events: 0, suppressed: 1, held: 0, conflated: 0 });
    assert.deepEqual([second.bucketKey, second.status, second.attempts], ['default-bucket', 0, 0]);
    assert.equal((await deliver(1, 'other')).events, 1, 'another stream key is filtered on its own');
    assert.equal((await deliver(2)).events, 1);
    assert.deepEqual(stored(), [1, 1, 2]);
    const node = helper.getNode('stream');
    await waitFor('the status to count what was filtered', () => node.status.args.some((args: { text?: string }[]) => /1 filtered/.test(args[0]?.text ?? '')));
  });

  it('deadband absolute: sends a number only when it moved more than the band from the last sent', async () => {
    await load({ deadband: '1', deadbandMode: 'absolute' });
    for (const v of [10, 10.5, 11, 11.2, 8]) await deliver(v);
    assert.deepEqual(stored(), [10, 11.2, 8]);
  });

  it('deadband percent: the band is a share of the last value sent', async () => {
    await load({ deadband: 10, deadbandMode: 'percent' });
    for (const v of [100, 109, 111, 121, 123]) await deliver(v);
    assert.deepEqual(stored(), [100, 111, 123]);
  });

  for (const [aggregate, expected] of [['last', 5], ['mean', 4], ['min', 3], ['max', 5]] as const) {
    it(`minInterval with aggregate ${aggregate}: sends the first at once, holds the rest (the message done at once) and sends their ${aggregate} at the interval's end`, async () => {
      clock = sinon.useFakeTimers({ now: Date.now(), shouldAdvanceTime: true, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
      await load({ minInterval: 60, aggregate });
      assert.deepEqual(counted(await deliver(1)), { events: 1, suppressed: 0, held: 0, conflated: 0 });
      assert.deepEqual(counted(await deliver(3)), { events: 0, suppressed: 0, held: 1, conflated: 0 });
      assert.deepEqual(counted(await deliver(5)), { events: 0, suppressed: 0, held: 1, conflated: 0 });
      assert.deepEqual(stored(), [1]);
      await clock.tickAsync(60_000);
      await waitFor('the aggregate', () => stored().length === 2);
      assert.deepEqual(stored(), [1, expected]);
    });
  }

  it('heartbeat: repeats the latest value after the heartbeat even when it did not change', async () => {
    clock = sinon.useFakeTimers({ now: Date.now(), shouldAdvanceTime: true, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    await load({ onChange: true, heartbeat: 1 });
    await deliver(5);
    assert.equal((await deliver(5)).suppressed, 1);
    await clock.tickAsync(60_000);
    await waitFor('the heartbeat', () => stored().length === 2);
    assert.deepEqual(stored(), [5, 5]);
  });

  it('latestOnly: while the account retries, keeps only each stream\'s latest value (the rest conflated) and sends it when delivery resumes', async () => {
    await load({ latestOnly: true }, { backoffBase: 200, backoffCap: 200 });
    api.emulator.injectFault({ kind: 'status', status: 503, durationMs: 60_000 });
    // (Its completion comes at the end: a second waiting `once` on a helper node would lose messages.)
    helper.getNode('stream').receive({ topic: 'x', payload: 0 });
    await waitFor('the account to retry', () => helper.getNode('acc').view().state === 'retrying');
    assert.deepEqual(counted(await deliver(1, 'x')), { events: 0, suppressed: 0, held: 1, conflated: 0 });
    assert.deepEqual(counted(await deliver(2, 'x')), { events: 0, suppressed: 0, held: 1, conflated: 1 });
    assert.deepEqual(counted(await deliver(7, 'y')), { events: 0, suppressed: 0, held: 1, conflated: 0 });
    api.emulator.clearFaults();
    await waitFor('the latest values', () => stored().length === 3);
    assert.deepEqual(api.emulator.events().map((e) => [e.key, e.value]), [['x', 0], ['x', 2], ['y', 7]]);
  });

  it('sendEvery: the account\'s stay-within-quota factor never reaches the node', async () => {
    await load({ sendEvery: true });
    assert.equal(typeof helper.getNode('stream').quotaFactor, 'undefined');
    await helper.unload();
    await load({ minInterval: 1 });
    assert.equal(typeof helper.getNode('stream').quotaFactor, 'function');
  });

  it('a bad filter setting fails every message naming the setting, the rule and the value', async () => {
    await load({ deadband: '-1' });
    const caught = nextMessage('caught');
    helper.getNode('stream').receive({ topic: 't', payload: 1 });
    assert.equal((await caught).error.message, "filters: Expected `deadband` to be a number of 0 or more, got '-1'");
    assert.deepEqual(stored(), []);
  });
});

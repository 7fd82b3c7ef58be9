import * as assert from 'node:assert/strict';
import sinon from 'sinon';
import type { AccountCard } from '../../src/quota';
import { NODE_RED_DIR } from '../support/node-red-path';
import { maskKey } from '../../src/engine';
import { ACCESS_KEY, OUR_NODES, accountConfig, credentials, helper, nextMessage, streamNode, tab, waitFor, watchers, withEmulator } from '../support/flows';

/** Node-RED's runtime events, where `RED.comms.publish` goes. */
const runtimeEvents = (require(require.resolve('@node-red/util', { paths: [NODE_RED_DIR] })) as { events: NodeJS.EventEmitter }).events;

/** What the account node published on its sidebar topic, in order. */
function published(): { topic: string; data: any; retain: boolean }[] {
  const seen: { topic: string; data: any; retain: boolean }[] = [];
  const listener = (event: { topic: string; data: unknown; retain: boolean }) => {
    if (event.topic.startsWith('initialstate/account/')) seen.push(event);
  };
  runtimeEvents.on('comms', listener);
  after(() => runtimeEvents.off('comms', listener));
  return seen;
}

describe('nodes/initialstate-account: the quota feed and the sidebar card', function () {
  const api = withEmulator();
  const messages = published();
  let clock: sinon.SinonFakeTimers | undefined;
  beforeEach(() => messages.splice(0));
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  async function deliver(msg: Record<string, unknown>, id = 'stream'): Promise<void> {
    const completed = nextMessage('completed');
    helper.getNode(id).receive(msg);
    await completed;
  }
  const lastCard = (): AccountCard | undefined => messages.filter((m) => !m.data.closed).at(-1)?.data;

  it('publishes a retained card on initialstate/account/<id>: queue, quota used and projected, 429s and retries; takes it off on close', async () => {
    await helper.load(OUR_NODES, [tab(), accountConfig(api.emulator, { name: 'Home' }), streamNode(), ...watchers(['stream'])], credentials());
    await waitFor('the first card', () => lastCard());
    assert.deepEqual(messages[0]!.topic, 'initialstate/account/acc');
    assert.equal(messages[0]!.retain, true);
    await deliver({ topic: 't', payload: 1 });
    const card = await waitFor('a card with the delivery', () => (lastCard()?.queue.delivered === 1 ? lastCard() : undefined), 200);
    assert.equal(card.name, 'Home');
    assert.equal(card.id, 'acc');
    assert.equal(card.key, maskKey(ACCESS_KEY), 'the key masked, never whole');
    assert.deepEqual(card.queue, { queued: 0, inFlight: 0, delivered: 1, dropped: 0 });
    assert.equal(card.quota.used, 1);
    assert.equal(card.quota.quota, 3_000_000);
    assert.deepEqual(card.quota.stayWithin, { enabled: false, active: false, factor: 1 });
    assert.deepEqual(card.http, { rateLimited: 0, retries: 0 });
    await helper.unload();
    assert.deepEqual(messages.at(-1), { topic: 'initialstate/account/acc', data: { id: 'acc', closed: true }, retain: false });
  });

  it('stay within quota: when the forecast goes over, widens every stream node but those that send every value, and says so in the log and the status', async () => {
    clock = sinon.useFakeTimers({ now: Date.UTC(2026, 3, 1), shouldAdvanceTime: true, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    await helper.load(
      OUR_NODES,
      [
        tab(),
        accountConfig(api.emulator, { monthlyQuota: 1000, stayWithinQuota: true }),
        streamNode(),
        streamNode({ id: 'every', sendEvery: true, wires: [] }),
        ...watchers(['stream', 'every']),
      ],
      credentials(),
    );
    for (let i = 0; i < 10; i++) await deliver({ topic: 't', payload: i });
    await clock.tickAsync(61_000);
    const account = helper.getNode('acc');
    await waitFor('the announcement', () => account.log.args.some((args: unknown[]) => /^stay within quota: on, streams send \d+× less often/.test(String(args[0]))));
    const card = lastCard()!;
    assert.equal(card.quota.stayWithin.active, true);
    assert.ok(card.quota.stayWithin.factor > 1);
    assert.ok(card.quota.projected > 1000);
    await waitFor('the status note', () => account.status.args.some((args: { text?: string }[]) => /within quota ×/.test(args[0]?.text ?? '')));
    // The widened stream holds what comes within its widened interval; the other sends every value.
    const before = api.emulator.events().length;
    await deliver({ topic: 't', payload: 100 });
    // A second later: the stream's gap is known, its widened interval hundreds of seconds.
    await clock.tickAsync(1000);
    await deliver({ topic: 't', payload: 101 });
    await deliver({ topic: 't', payload: 200 }, 'every');
    await deliver({ topic: 't', payload: 201 }, 'every');
    await waitFor('the sends', () => api.emulator.events().length >= before + 3);
    assert.deepEqual(api.emulator.events().slice(before).map((e) => e.value).sort(), [100, 200, 201]);
  });

  it('does not count a queue handed over at a redeploy as the streams\' rate: the forecast starts from what they give after it', async () => {
    api.emulator.configure({ accessKeys: [ACCESS_KEY] });
    const flow = [tab(), accountConfig(api.emulator), streamNode()];
    await helper.load(OUR_NODES, flow, credentials('acc', 'ist_mistypedKey0000000000000000000'));
    const account = helper.getNode('acc');
    for (let i = 0; i < 50; i++) helper.getNode('stream').receive({ topic: 'reading', payload: i });
    await waitFor('key rejected with 50 queued', () => account.engine.state === 'key-rejected' && account.engine.counters().queued + account.engine.counters().inFlight === 50);
    messages.splice(0);
    // The key corrected: the new configuration takes the 50 over and sends them.
    await helper.setFlows(flow, 'full', credentials());
    const card = await waitFor('a card with the 50 delivered', () => (lastCard()?.queue.delivered === 50 ? lastCard() : undefined));
    assert.equal(card.quota.used, 50);
    assert.equal(card.quota.eventsPerDay, 0, 'no event given since the redeploy');
  });
});

/**
 * A rejected key must always surface: whichever request gets the 401 first, the engine moves to
 * 'key-rejected' and says so with a 'state' event (the nodes turn that into a red status and an
 * error for Catch nodes). The account node names its default bucket with `createBucket()` while
 * the first events are being queued, so both orders occur in practice.
 */
import assert from 'node:assert/strict';
import { startEmulator } from '../../../src/emulator';
import type { Emulator } from '../../../src/emulator/types';
import { AccountEngine } from '../../../src/engine';
import type { AccountState } from '../../../src/engine/types';
import { FAST_ENGINE, OTHER_KEY, SECRET_KEY } from '../../support/reliability-flows';
import { waitFor } from '../../support/poll';

function assertKeyRejected(created: Promise<unknown>): Promise<void> {
  return assert.rejects(created, (err: Error & { code?: string }) => err.code === 'key-rejected');
}

describe('reliability: a 401 always reaches the engine state', () => {
  let emulator: Emulator;
  let engine: AccountEngine | undefined;

  beforeEach(async () => {
    emulator = await startEmulator({ accessKeys: [OTHER_KEY] });
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await emulator.close();
  });

  /** Ways the first events and the account node's `createBucket()` meet the 401. */
  const orders = {
    'submit, then createBucket': async (e: AccountEngine) => {
      e.submit('b', [{ key: 'k', value: 1 }]);
      await assertKeyRejected(e.createBucket('b', 'B'));
    },
    'createBucket, then submit before its answer': async (e: AccountEngine) => {
      const created = e.createBucket('b', 'B');
      e.submit('b', [{ key: 'k', value: 1 }]);
      await assertKeyRejected(created);
    },
    'createBucket answered, then submit': async (e: AccountEngine) => {
      await assertKeyRejected(e.createBucket('b', 'B'));
      e.submit('b', [{ key: 'k', value: 1 }]);
    },
  };

  /*
   * Whichever request gets the 401 first (an explicit createBucket() or a batch), the engine
   * announces 'key-rejected' once and keeps the event: a 401 on createBucket() once left it
   * 'sending' with nothing in flight and no 'state' event.
   */
  for (const [order, run] of Object.entries(orders)) {
    it(`${order}: state 'key-rejected', announced once, the event kept`, async () => {
      engine = new AccountEngine({ ...FAST_ENGINE, accessKey: SECRET_KEY, endpoint: emulator.apiUrl, monthlyQuota: 0 });
      const states: AccountState[] = [];
      engine.on('state', (state: AccountState) => states.push(state));
      await run(engine);
      await waitFor("state 'key-rejected'", () => engine!.state === 'key-rejected', { timeoutMs: 2000, describe: () => engine!.state });
      assert.equal(states.filter((s) => s === 'key-rejected').length, 1);
      assert.equal(engine.counters().queued, 1, 'the event is kept');
    });
  }
});

/**
 * Limits of the machine: with the endpoint down for a long time the queue stays within
 * `maxQueue`, and each overflow policy reports every event it drops, so that
 * delivered + dropped == sent once the endpoint comes back.
 */
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { AccountEngine } from '../../src/engine';
import type { DeliveryResult, FailedEvent, OverflowPolicy } from '../../src/engine/types';
import { FAST_ENGINE, SECRET_KEY } from '../support/reliability-flows';
import { freePort, waitFor } from '../support/poll';

const SENT = 3000;
const MAX_QUEUE = 500;
const BATCH = 10;

for (const overflow of ['drop-oldest', 'refuse-newest'] as OverflowPolicy[]) {
  describe(`reliability: endpoint down for long, overflow ${overflow}`, function () {
    this.timeout(30_000);
    let emulator: Emulator | undefined;
    let engine: AccountEngine | undefined;

    afterEach(async () => {
      await engine?.close();
      await emulator?.close();
      engine = undefined;
      emulator = undefined;
    });

    it(`keeps queued <= maxQueue, reports every drop, and delivered + dropped == sent`, async () => {
      // Nothing listens on the port until the emulator starts on it: connection refused meanwhile.
      const port = await freePort();
      engine = new AccountEngine({
        ...FAST_ENGINE,
        accessKey: SECRET_KEY,
        endpoint: `http://127.0.0.1:${port}/api`,
        tier: 1000,
        batchSize: BATCH,
        flushInterval: 0,
        maxQueue: MAX_QUEUE,
        overflow,
        monthlyQuota: 0,
        closeTimeout: 2000,
      });
      const droppedEvents: FailedEvent[] = [];
      engine.on('dropped', (failed: FailedEvent[]) => droppedEvents.push(...failed));
      const results: DeliveryResult[] = [];
      const settles = new Array<number>(SENT).fill(0);
      let maxQueued = 0;
      let maxHeld = 0;
      for (let n = 0; n < SENT; n++) {
        engine.submit('limits', [{ key: 'n', value: n }], (result) => {
          settles[n] += 1;
          results.push(result);
        });
        const c = engine.counters();
        maxQueued = Math.max(maxQueued, c.queued);
        maxHeld = Math.max(maxHeld, c.queued + c.inFlight);
      }
      // Let the engine fail against the dead endpoint for a while (many back-off rounds).
      await waitFor('retries against the dead endpoint', () => engine!.counters().requests >= 5 && engine!.state === 'retrying');
      const down = engine.counters();
      assert.ok(maxQueued <= MAX_QUEUE, `queued reached ${maxQueued} > maxQueue ${MAX_QUEUE}`);
      // At most one batch per bucket is in flight on top of the queue.
      assert.ok(maxHeld <= MAX_QUEUE + BATCH, `queued + inFlight reached ${maxHeld}`);
      assert.equal(down.delivered, 0);
      assert.equal(down.dropped, SENT - (down.queued + down.inFlight), 'every event not held is counted as dropped');
      assert.equal(droppedEvents.length, down.dropped, "every drop was emitted as 'dropped'");
      assert.ok(droppedEvents.every((f) => f.reason === 'overflow'));

      emulator = await startEmulator({ port, rateLimit: 1000 });
      await waitFor('the backlog to drain', () => settles.every((count) => count > 0), {
        timeoutMs: 20_000,
        describe: () => `${settles.filter((count) => count > 0).length} submits settled`,
      });
      const twice = settles.flatMap((count, n) => (count === 1 ? [] : [`#${n}: ${count}`]));
      assert.equal(twice.length, 0, `every submit settles exactly once; settled more often: ${twice.slice(0, 3).join(', ')}…`);
      const stored = emulator.events({ bucketKey: 'limits' }).map((e) => Number(e.value));
      const c = engine.counters();
      assert.equal(c.queued + c.inFlight, 0);
      assert.equal(stored.length, c.delivered, 'the emulator holds exactly what the engine counts as delivered');
      assert.equal(c.delivered + c.dropped, SENT, 'delivered + dropped == sent');
      assert.equal(droppedEvents.length, c.dropped);
      assert.equal(new Set(droppedEvents.map((f) => f.event.value)).size, c.dropped, 'each dropped event reported once');
      // Every submit settled once, saying what happened to its event.
      assert.equal(results.reduce((sum, r) => sum + r.delivered, 0), c.delivered);
      assert.equal(results.reduce((sum, r) => sum + r.failed.length, 0), c.dropped);
      assert.deepEqual([...stored].sort((a, b) => a - b), stored, 'delivered in order');
      const droppedValues = new Set(droppedEvents.map((f) => f.event.value as number));
      assert.ok(stored.every((n) => !droppedValues.has(n)), 'no event both delivered and dropped');
      if (overflow === 'refuse-newest') {
        // The first maxQueue events (plus any batch in flight) are kept; the newest are refused.
        assert.ok(stored.length >= MAX_QUEUE && stored.length <= MAX_QUEUE + BATCH, `${stored.length} delivered`);
        assert.deepEqual(stored, Array.from({ length: stored.length }, (_, i) => i));
      } else {
        // The newest maxQueue events are kept, plus the first batch that was in flight while they queued.
        assert.deepEqual(stored.slice(-MAX_QUEUE), Array.from({ length: MAX_QUEUE }, (_, i) => SENT - MAX_QUEUE + i));
        assert.ok(stored.length <= MAX_QUEUE + BATCH, `${stored.length} delivered`);
      }
    });
  });
}

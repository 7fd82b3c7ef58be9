/**
 * Fault matrix: a stream node in a real Node-RED runtime (the test helper) sends through its
 * account to the emulator while the emulator misbehaves. For every fault: each valid event is
 * stored (exactly once unless a comment explains the duplicates), in order per stream, every
 * message finishes once (Complete or Catch), and the status said what was going on.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../../src/emulator';
import type { Emulator, Fault } from '../../src/emulator/types';
import { helper } from '../support/flows';
import { SECRET_KEY } from '../support/reliability-flows';
import { waitFor } from '../support/reliability-poll';
import {
  ACCOUNT_ID, STREAM_ID, allSettled, expectedPerStream, loadStreamFlow, observe, perStream, send, streamFlow, type Observed,
} from '../support/reliability-runtime';

const N = 40;
const STREAMS = 4;
const BUCKET = 'reliability';
const WRONG_KEY = 'ist_WrongKeyWrongKeyWrongKey00000000';

/*
 * NEEDS_ENGINE_TIMING (defect, nodes/lib/account-options.ts `accountInput`): the account node passes
 * none of requestTimeout, backoffBase, backoffCap, windowMs, quotaProbeInterval to the engine, so a
 * flow cannot shorten them (FAST_ENGINE on the config node is ignored). With the defaults (10 s
 * timeout, 1 s back-off base doubling to 60 s, 10 s window, 300 s quota probe) the tests marked
 * with it take minutes; they are skipped until the account node forwards these options.
 */

describe('reliability: fault matrix through the Node-RED runtime', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let userDir: string | undefined;

  beforeEach(async () => {
    emulator = await startEmulator({ rateLimit: 1000, windowMs: 1000 });
  });

  afterEach(async () => {
    await helper.unload();
    await emulator.close();
    helper.settings({ userDir: undefined });
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
    userDir = undefined;
  });

  /**
   * Loads the flow and delivers one warm-up message, so the bucket exists and the faults injected
   * next hit `POST /events` requests rather than the bucket creation.
   */
  async function start(account: Record<string, unknown> = {}, accessKey = SECRET_KEY): Promise<Observed> {
    const seen = await loadStreamFlow(streamFlow(emulator, account), accessKey);
    helper.getNode(STREAM_ID).receive({ topic: 'warm-up', payload: 0 });
    await allSettled(seen, 1);
    assert.equal(seen.completed.length, 1, 'the warm-up message was delivered');
    seen.completed.length = 0;
    return seen;
  }

  /** Asserts every message 0 … N-1 was delivered exactly once, in order per stream. */
  function assertDeliveredOnce(seen: Observed): void {
    assert.equal(seen.caught.length, 0, `no message failed: ${seen.caught.map((m) => m.error?.message).join('; ')}`);
    assert.equal(seen.completed.length, N, 'every message completed once');
    const stored = perStream(emulator, BUCKET);
    stored.delete('warm-up');
    assert.deepEqual(stored, expectedPerStream(N, STREAMS));
  }

  /** Waits until the stream node shows its final green status: every message sent. */
  async function finalStatus(seen: Observed, sent: number): Promise<void> {
    await waitFor(`the status "${sent} sent"`, () => seen.statuses.at(-1)?.text === `${sent} sent`, {
      describe: () => JSON.stringify(seen.statuses.slice(-3)),
    });
    assert.equal(seen.statuses.at(-1)?.fill, 'green');
  }

  const sawStatus = (seen: Observed, pattern: RegExp): boolean => seen.statuses.some((s) => pattern.test(s.text ?? ''));

  /**
   * Injects `faults` after the warm-up, sends messages 0 … N-1 and asserts each was delivered
   * exactly once, in order, with a "retrying" status on the way and the final green status.
   */
  async function survivesTransient(faults: Fault[]): Promise<void> {
    const seen = await start();
    for (const fault of faults) emulator.injectFault(fault);
    send(0, N, STREAMS);
    await allSettled(seen, N);
    assertDeliveredOnce(seen);
    assert.ok(sawStatus(seen, /^retrying/), `statuses: ${JSON.stringify(seen.statuses)}`);
    await finalStatus(seen, N + 1);
  }

  // SKIPPED: needs FAST_ENGINE; see NEEDS_ENGINE_TIMING.
  it.skip('bursts of 500 and 503: retried with back-off, nothing lost, nothing twice', async () => {
    // A 5xx answer means the service stored nothing, so resending cannot duplicate.
    await survivesTransient([{ kind: 'status', status: 500, count: 3 }, { kind: 'status', status: 503, count: 3 }]);
    assert.equal(emulator.stats().byStatus[500], 3);
    assert.equal(emulator.stats().byStatus[503], 3);
    assert.equal(helper.getNode(ACCOUNT_ID).engine.counters().retries, 6);
  });

  it('connection resets: resent, nothing lost, nothing twice', async () => {
    // The emulator resets before reading the body: nothing of those requests was stored.
    await survivesTransient([{ kind: 'reset', count: 2 }]);
    assert.equal(emulator.requests().filter((r) => r.status === 0).length, 2);
  });

  // SKIPPED: needs FAST_ENGINE; see NEEDS_ENGINE_TIMING.
  it.skip('requests that hang past requestTimeout: timed out, resent, nothing twice', async () => {
    // A hanging request never reached the store, so the resend after the timeout is the only copy.
    await survivesTransient([{ kind: 'hang', count: 2 }]);
    assert.equal(emulator.requests().filter((r) => r.status === 0).length, 2);
  });

  // SKIPPED: needs FAST_ENGINE; see NEEDS_ENGINE_TIMING.
  it.skip('an answer slower than requestTimeout: the one batch stored by the server is the only duplicate', async () => {
    const seen = await start();
    // The server stores this request's events after the client gave up on it, and the client
    // resends them: the design cannot tell, so exactly that batch is stored twice. It stays rare
    // because requestTimeout (10 s by default) is far above a normal answer time.
    emulator.injectFault({ kind: 'slow', delayMs: 900, count: 1 });
    send(0, N, STREAMS);
    await allSettled(seen, N);
    assert.equal(seen.caught.length, 0);
    assert.equal(seen.completed.length, N);
    // The late copy arrives when the slow answer is finally written: wait until nothing more comes.
    let accepted = -1;
    for (let round = 0; round < 20 && emulator.stats().eventsAccepted !== accepted; round++) {
      accepted = emulator.stats().eventsAccepted;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const stored = perStream(emulator, BUCKET);
    stored.delete('warm-up');
    const all = [...stored.values()].flat();
    const duplicated = all.filter((v, i) => all.indexOf(v) !== i).sort((a, b) => a - b);
    // The slow request carried the first batch: messages 0 … k-1, with k at most batchSize.
    assert.ok(duplicated.length >= 1 && duplicated.length <= 10, `${duplicated.length} duplicates`);
    assert.deepEqual(duplicated, Array.from({ length: duplicated.length }, (_, i) => i));
    assert.equal(all.length, N + duplicated.length);
    // Without the late copies, every stream holds its events once, in order.
    for (const [key, values] of stored) {
      const firstSeen = values.filter((v, i) => values.indexOf(v) === i);
      assert.deepEqual(firstSeen, expectedPerStream(N, STREAMS).get(key));
    }
  });

  it('a 429 storm with Retry-After (the rate limit tripped for real): waited out, nothing lost, counted', async function () {
    this.timeout(30_000);
    const seen = await start();
    // The account believes it may send 1000 requests per window; the service allows 2 per second.
    emulator.configure({ rateLimit: 2 });
    send(0, N, STREAMS);
    // The engine's own window stays 10 s (NEEDS_ENGINE_TIMING), so this can take two windows.
    await allSettled(seen, N, 25_000);
    assertDeliveredOnce(seen);
    const tooMany = emulator.stats().byStatus[429] ?? 0;
    assert.ok(tooMany > 0, 'the rate limit was hit');
    assert.equal(helper.getNode(ACCOUNT_ID).engine.counters().rateLimited, tooMany, 'every 429 counted');
    assert.ok(sawStatus(seen, /^rate-limited/), `statuses: ${JSON.stringify(seen.statuses)}`);
    await finalStatus(seen, N + 1);
  });

  // SKIPPED: needs FAST_ENGINE; see NEEDS_ENGINE_TIMING.
  it.skip('a 429 storm without Retry-After: waits a window each time, nothing lost', async () => {
    const seen = await start();
    emulator.injectFault({ kind: 'status', status: 429, count: 3 });
    send(0, N, STREAMS);
    await allSettled(seen, N);
    assertDeliveredOnce(seen);
    assert.equal(helper.getNode(ACCOUNT_ID).engine.counters().rateLimited, 3);
    assert.ok(sawStatus(seen, /^rate-limited/));
    await finalStatus(seen, N + 1);
  });

  it('413: the batch is split and every event delivered once', async () => {
    const seen = await start();
    emulator.injectFault({ kind: 'status', status: 413, count: 2 });
    send(0, N, STREAMS);
    await allSettled(seen, N);
    assertDeliveredOnce(seen);
    assert.equal(emulator.stats().byStatus[413], 2);
    await finalStatus(seen, N + 1);
  });

  it('bad events mixed into good ones: one clear error each, every good event delivered once, in order', async () => {
    const seen = await start();
    const bad = new Set([5, 17, 29]);
    // And one request the service refuses whole: the engine bisects it and delivers both halves.
    emulator.injectFault({ kind: 'status', status: 400, count: 1, body: JSON.stringify({ message: 'Emulated bad request' }) });
    const node = helper.getNode(STREAM_ID);
    for (let n = 0; n < N; n++) {
      node.receive({ topic: `s${n % STREAMS}`, payload: bad.has(n) ? 'x'.repeat(2001) : n });
    }
    await allSettled(seen, N);
    assert.equal(seen.caught.length, bad.size, 'one error per bad message');
    for (const msg of seen.caught) assert.match(msg.error.message, /value.*2000/, msg.error.message);
    assert.deepEqual(seen.caught.map((m) => m.payload.length), [2001, 2001, 2001]);
    assert.equal(seen.completed.length, N - bad.size);
    const stored = perStream(emulator, BUCKET);
    stored.delete('warm-up');
    const expected = expectedPerStream(N, STREAMS);
    for (const [key, values] of expected) expected.set(key, values.filter((n) => !bad.has(n)));
    assert.deepEqual(stored, expected);
  });

  it('401, then the config node redeployed with the corrected key: the kept events are delivered once', async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'is-reliability-401-'));
    helper.settings({ userDir });
    emulator.configure({ accessKeys: [SECRET_KEY] });
    const flow = streamFlow(emulator, { persist: 'file' });
    let seen = await loadStreamFlow(flow, WRONG_KEY);
    send(0, N, STREAMS);
    await waitFor('the status "key rejected"', () => sawStatus(seen, /^key rejected/), { describe: () => JSON.stringify(seen.statuses) });
    assert.equal(seen.statuses.at(-1)?.fill, 'red');
    assert.equal(emulator.events().length, 0, 'nothing stored with the rejected key');
    const rejected = emulator.stats().byStatus[401];
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(emulator.stats().byStatus[401], rejected, 'sending stopped after the 401');

    const errors = helper.getNode(ACCOUNT_ID).error.getCalls().map((call: { args: unknown[] }) => String(call.args[0]));
    assert.equal(errors.filter((text: string) => /rejected/.test(text)).length, 1, `one error about the key: ${errors.join('; ')}`);
    assert.ok(errors.every((text: string) => !text.includes(WRONG_KEY)), 'the key itself is not in the error');
    // The held messages neither completed nor failed: their events wait for a usable key.
    assert.equal(seen.completed.length + seen.caught.length, 0);

    await helper.setFlows(flow, 'full', { [ACCOUNT_ID]: { accessKey: SECRET_KEY } });
    seen = observe();
    await waitFor(`${N} events stored`, () => emulator.events().length >= N, { describe: () => `${emulator.events().length} stored` });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(perStream(emulator, BUCKET), expectedPerStream(N, STREAMS));
  });

  /*
   * SKIPPED, defect in nodes/initialstate-account.ts (the 'state' listener, `node.error(...)` for
   * 'key-rejected'): the account node reports a rejected key with `node.error(text)` and no `msg`,
   * and Node-RED only hands an error to Catch nodes (the config node's users' included) when a
   * `msg` is given. So a flow cannot catch "access key rejected". Suggested fix: pass a msg, e.g.
   * `node.error(text, { payload: text, topic: 'key-rejected' })`, as core config nodes do.
   */
  it.skip('401: a Catch node on a user of the account hears, once, that the key was rejected', async () => {
    emulator.configure({ accessKeys: [SECRET_KEY] });
    const seen = await loadStreamFlow(streamFlow(emulator), WRONG_KEY);
    send(0, 1, 1);
    await waitFor('an error about the rejected key', () => seen.caught.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(seen.caught.length, 1);
    assert.match(seen.caught[0].error.message, /rejected/);
    assert.ok(!JSON.stringify(seen.caught[0]).includes(WRONG_KEY));
  });

  // SKIPPED: needs FAST_ENGINE; see NEEDS_ENGINE_TIMING.
  it.skip('402, then the quota lifted: paused, probed, resumed, every event delivered once', async () => {
    const seen = await start();
    // The warm-up used 1 event; the service refuses events once 15 were accepted.
    emulator.configure({ monthlyQuota: 15 });
    send(0, N, STREAMS);
    await waitFor('the status "quota used up"', () => sawStatus(seen, /^quota used up/), { describe: () => JSON.stringify(seen.statuses) });
    assert.equal(seen.statuses.at(-1)?.fill, 'red');
    const probes = emulator.stats().byStatus[402];
    await waitFor('a probe', () => emulator.stats().byStatus[402] > probes);
    emulator.configure({ monthlyQuota: 0 });
    await allSettled(seen, N);
    assertDeliveredOnce(seen);
    await finalStatus(seen, N + 1);
  });
});

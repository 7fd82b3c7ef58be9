/**
 * Crash and restart with `persist: 'file'`: a real Node-RED process holding a backlog (the
 * emulator rejects its key, so every event stays queued and spooled) is killed, stopped or
 * redeployed, then brought back against a working emulator. Every event Node-RED accepted
 * (its `/feed` endpoint answered 200) must be delivered exactly once, in order.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { feed, feedAll, settledNumbers } from '../support/reliability-feed';
import { OTHER_KEY, SECRET_KEY, WRONG_KEY, accountNode, feedFlow } from '../support/reliability-flows';
import { waitFor } from '../support/poll';
import { RedProcess } from '../support/red-process';

const ACCOUNT = 'rel-account';
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('reliability: crash and restart with persist file', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  const reds: RedProcess[] = [];

  /** A Node-RED process whose flow sends to bucket `bucketKey` with `accessKey`, spooling to a file. */
  function redFor(bucketKey: string, accessKey = SECRET_KEY): RedProcess {
    const red = new RedProcess();
    reds.push(red);
    red.writeFlows(feedFlow(accountNode(ACCOUNT, emulator.apiUrl, { persist: 'file', bucketKey })), { [ACCOUNT]: { accessKey } });
    return red;
  }

  const rejectKey = (): void => emulator.configure({ accessKeys: [OTHER_KEY] });
  const acceptAnyKey = (): void => emulator.configure({ accessKeys: undefined });

  before(async () => {
    emulator = await startEmulator({ rateLimit: 1000 });
  });

  beforeEach(() => {
    emulator.reset();
    rejectKey();
  });

  after(async () => {
    // Kill every Node-RED this suite started, even when a test failed half-way.
    await Promise.all(reds.map((red) => red.dispose()));
    await emulator.close();
  });

  it('SIGKILL with a backlog: the restart delivers every accepted event once, in order', async () => {
    const red = redFor('crash-kill');
    await red.start();
    const accepted = await feedAll(red, 100);
    assert.equal(accepted.length, 100, 'Node-RED accepted every fed event');
    // One more request in flight at the moment of the kill: it may or may not have been accepted.
    const inFlight = feed(red, 100);
    await red.stop('SIGKILL');
    await inFlight;
    assert.equal(emulator.events({ bucketKey: 'crash-kill' }).length, 0, 'nothing got through while the key was rejected');

    acceptAnyKey();
    await red.start();
    const stored = await settledNumbers(emulator, 'crash-kill', 100);
    // Event 100 was in the engine (and spooled) if its handler ran before the kill: 100 or 101 events.
    assert.deepEqual(stored.slice(0, 100), range(0, 100), 'accepted events delivered once each, in order');
    assert.ok(stored.length === 100 || (stored.length === 101 && stored[100] === 100), `unexpected extra events: ${stored.slice(100).join(',')}`);
  });

  it('SIGKILL with batches in flight (requests hanging): the restart delivers every accepted event once, in order', async () => {
    acceptAnyKey();
    const red = redFor('crash-in-flight');
    await red.start();
    // One event through first, so the bucket exists and the hanging requests carry events.
    assert.equal(await feed(red, -1), true);
    await settledNumbers(emulator, 'crash-in-flight', 1, 50);
    emulator.injectFault({ kind: 'hang', durationMs: 60_000 });
    assert.deepEqual(await feedAll(red, 100), range(0, 100));
    await waitFor('a hanging request', () => emulator.requests().some((r) => r.status === 0));
    await red.stop('SIGKILL');

    // A hanging request stored nothing, so nothing of the 100 can be there twice.
    emulator.clearFaults();
    await red.start();
    assert.deepEqual(await settledNumbers(emulator, 'crash-in-flight', 101), [-1, ...range(0, 100)]);
  });

  it('SIGINT with a backlog: the close spools it, the restart delivers it once, in order', async () => {
    const red = redFor('crash-sigint');
    await red.start();
    assert.deepEqual(await feedAll(red, 50), range(0, 50));
    await red.stop('SIGINT');
    assert.match(red.output, /0 delivered, 50 spooled, 0 undelivered/, 'the account node logs what its close did');

    acceptAnyKey();
    await red.start();
    assert.deepEqual(await settledNumbers(emulator, 'crash-sigint', 50), range(0, 50));
    // After a restart the spool only holds what is still undelivered: nothing.
    await red.stop('SIGINT');
    assert.match(red.output.slice(red.output.lastIndexOf('Stopping flows')), /0 spooled, 0 undelivered/);
  });

  it('a full redeploy mid-backlog with the corrected key loses nothing and sends nothing twice', async () => {
    emulator.configure({ accessKeys: [SECRET_KEY] });
    const red = redFor('crash-redeploy', WRONG_KEY);
    await red.start();
    assert.deepEqual(await feedAll(red, 60), range(0, 60));
    await waitFor('the key to be rejected', () => emulator.stats().byStatus[401] > 0);

    const flows = feedFlow(accountNode(ACCOUNT, emulator.apiUrl, { persist: 'file', bucketKey: 'crash-redeploy' }));
    // The editor sends a changed credential with the node on deploy.
    flows[1].credentials = { accessKey: SECRET_KEY };
    await red.deployFull(flows);
    assert.deepEqual(await settledNumbers(emulator, 'crash-redeploy', 60), range(0, 60));
    // And the redeployed flow still takes new events.
    assert.deepEqual(await feedAll(red, 1), [0]);
    assert.deepEqual(await settledNumbers(emulator, 'crash-redeploy', 61), [...range(0, 60), 0]);
  });

  it('a corrupted and truncated spool: the node starts, delivers every intact record and says how many lines it skipped', async () => {
    const red = redFor('crash-corrupt');
    await red.start();
    assert.deepEqual(await feedAll(red, 20), range(0, 20));
    await red.stop('SIGINT');

    // One JSON line per accepted message (see src/engine/spool.ts): garble the 5th, cut off the last.
    const spool = path.join(red.userDir, 'initialstate', `${ACCOUNT}.spool`);
    const lines = fs.readFileSync(spool, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 20, 'one spool line per accepted message');
    lines[4] = lines[4].slice(0, 12) + '\u0000garbage';
    const text = lines.join('\n');
    fs.writeFileSync(spool, text.slice(0, text.length - 7));

    acceptAnyKey();
    const before = red.output.length;
    await red.start();
    const expected = range(0, 20).filter((n) => n !== 4 && n !== 19);
    assert.deepEqual(await settledNumbers(emulator, 'crash-corrupt', 18), expected);
    const log = red.output.slice(before);
    assert.match(log, /\[warn\].*2 .*(line|record)/i, `the skipped lines are reported:\n${log.slice(-3000)}`);
    assert.ok(red.running, 'Node-RED still runs');
  });
});

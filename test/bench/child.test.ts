import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator';
import { ChildTask, runTask } from '../../bench/child';
import { benchKey, checkDelivery } from '../../bench/parts/part';

describe('bench child tasks (real child processes, loopback emulator)', function () {
  this.timeout(60_000);
  let emulator: Emulator;

  beforeEach(async () => {
    emulator = await startEmulator({ rateLimit: 1000, windowMs: 1000 });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('engine-backlog waits for go, then delivers its backlog', async () => {
    const accessKey = benchKey('ChildBacklog');
    const child = new ChildTask('engine-backlog', { endpoint: emulator.apiUrl, accessKey, bucketKey: 'b1', count: 25, rateLimit: 1000, windowMs: 1000, deadlineMs: 30_000 }, { timeoutMs: 45_000 });
    await child.ready();
    assert.equal(emulator.stats().requests, 0, 'nothing is sent before go');
    child.go();
    const out = await child.result();
    assert.equal(out.delivered, 25);
    assert.equal(out.failed, 0);
    assert.ok(out.endedAt >= out.startedAt);
    assert.deepEqual(checkDelivery(emulator.events({ accessKey }), 'b1', 25), { missing: 0, duplicated: 0 });
  });

  it('red-stream runs a Node-RED flow and reports each message out', async () => {
    const accessKey = benchKey('ChildRed');
    const out = await runTask(
      'red-stream',
      { endpoint: emulator.apiUrl, accessKey, bucketKey: 'red', rateLimit: 1000, windowMs: 1000, flushInterval: 50, count: 20, intervalMs: 0, deadlineMs: 30_000 },
      { timeoutMs: 45_000 },
    );
    assert.equal(out.delivered, 20);
    assert.equal(out.failed, 0);
    assert.equal(out.latenciesMs.length, 20);
    assert.ok(out.latenciesMs.every((ms) => typeof ms === 'number' && ms >= 0), 'every message has its latency');
    assert.equal(out.counters.delivered, 20);
    assert.deepEqual(checkDelivery(emulator.events({ accessKey }), 'red', 20), { missing: 0, duplicated: 0 });
  });

  it('a task that throws rejects with its message', async () => {
    await assert.rejects(
      runTask('engine-memory', { endpoint: emulator.apiUrl, accessKey: benchKey('ChildGc'), count: 10, persist: 'off' }, { timeoutMs: 30_000 }),
      /bench task 'engine-memory' failed: Error: the memory task needs node --expose-gc/,
    );
  });

  it('a task whose bench goes away (Ctrl-C, kill) ends too, Node-RED and all', async function () {
    this.timeout(30_000);
    const worker = fork(path.join(__dirname, '../../bench/worker.js'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    // A flow that would stream for 100 s.
    const input = { endpoint: emulator.apiUrl, accessKey: benchKey('ChildOrphan'), bucketKey: 'o', rateLimit: 1000, windowMs: 1000, flushInterval: 50, count: 1000, intervalMs: 100, deadlineMs: 200_000 };
    let failed = '';
    worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'error') failed = message.message ?? 'error';
    });
    worker.send({ type: 'start', task: 'red-stream', input });
    const exited = once(worker, 'exit');
    for (let waited = 0; emulator.stats().requests === 0; waited += 50) {
      assert.equal(failed, '', 'the task failed');
      assert.ok(waited < 20_000, 'the flow never sent anything');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    worker.disconnect();
    const [code] = (await exited) as [number | null];
    assert.equal(code, 1, 'it ended on its own, at once');
  });

  it('a task that outlives its time limit is killed and rejected', async () => {
    // The key is accepted, so the task waits for a rejection that never comes.
    await assert.rejects(
      runTask('engine-memory', { endpoint: emulator.apiUrl, accessKey: benchKey('ChildSlow'), count: 10, persist: 'off' }, { execArgv: ['--expose-gc'], timeoutMs: 1500 }),
      /bench task 'engine-memory' did not finish within 1500 ms/,
    );
  });
});

/**
 * One access key shared through a real `redis-server` by accounts in separate Node-RED
 * processes (`rateShare: 'redis'`), against the emulator: no 429, every event stored exactly
 * once, and the runtime going on by itself when Redis dies and comes back. Skipped, with one
 * line, where there is no `redis-server`.
 */
import assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator';
import type { Emulator } from '../../src/emulator/types';
import { waitFor } from '../support/poll';
import { RedProcess, type FlowNode } from '../support/red-process';
import { RedisServer, redisSuite, requireRedis } from '../support/redis-server';
import { FAST_ENGINE, SECRET_KEY, TAB, accountNode, flowNode } from '../support/reliability-flows';

const ACCOUNT = 'rel-account';
const LIMIT = 10;

/** A flow whose `POST /backlog?count=N` pushes the values 0..N-1 into a stream node at once. */
function backlogFlow(bucketKey: string, endpoint: string, share: Record<string, unknown>): FlowNode[] {
  return [
    { id: TAB, type: 'tab', label: 'Redis sharing' },
    accountNode(ACCOUNT, endpoint, { bucketKey, bucketName: bucketKey, rateLimit: LIMIT, flushInterval: 50, requestTimeout: 2000, ...share }),
    flowNode('rel-in', 'http in', { url: '/backlog', method: 'post', upload: false, swaggerDoc: '', wires: [['rel-fill']] }),
    flowNode('rel-fill', 'function', {
      outputs: 2,
      func: 'const n = Number(msg.req.query.count);\nfor (let i = 0; i < n; i++) node.send([{ payload: i }, null]);\nmsg.payload = String(n);\nreturn [null, msg];',
      wires: [['rel-stream'], ['rel-answer']],
    }),
    flowNode('rel-stream', 'initialstate-stream', { account: ACCOUNT, key: 'seq', keyType: 'str', wires: [] }),
    flowNode('rel-answer', 'http response', { statusCode: '200', headers: {} }),
  ];
}

async function backlog(red: RedProcess, count: number): Promise<void> {
  const res = await red.request(`/backlog?count=${count}`, { method: 'POST' });
  assert.equal(await res.text(), String(count));
}

/** The values stored for `bucketKey`, sorted. */
function stored(emulator: Emulator, bucketKey: string): number[] {
  return emulator
    .events({ bucketKey })
    .filter((e) => e.key === 'seq')
    .map((e) => Number(e.value))
    .sort((a, b) => a - b);
}

const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

describe(redisSuite('reliability: one key shared through Redis by separate Node-RED processes'), function () {
  this.timeout(90_000);
  let emulator: Emulator;
  let redis: RedisServer;
  const reds: RedProcess[] = [];

  function redWith(bucketKey: string, redisUrl: string, share: Record<string, unknown> = { rateShare: 'redis', redisPrefix: 'rel' }): RedProcess {
    const red = new RedProcess();
    reds.push(red);
    red.writeFlows(backlogFlow(bucketKey, emulator.apiUrl, share), { [ACCOUNT]: { accessKey: SECRET_KEY, redisUrl } });
    return red;
  }

  beforeEach(async function () {
    requireRedis(this);
    emulator = await startEmulator({ rateLimit: LIMIT, windowMs: FAST_ENGINE.windowMs });
    redis = new RedisServer();
    await redis.start();
  });

  afterEach(async () => {
    await Promise.all(reds.splice(0).map((red) => red.dispose()));
    await redis?.dispose();
    await emulator?.close();
  });

  it('two accounts in two runtimes on one key: no 429, every event stored exactly once', async () => {
    const [a, b] = [redWith('redis-a', redis.url), redWith('redis-b', redis.url)];
    await Promise.all([a.start(), b.start()]);
    const before = await redis.commandCount();
    await Promise.all([backlog(a, 150), backlog(b, 150)]);
    await waitFor('300 events stored', () => stored(emulator, 'redis-a').length + stored(emulator, 'redis-b').length >= 300, {
      timeoutMs: 30_000,
      describe: () => `${stored(emulator, 'redis-a').length} + ${stored(emulator, 'redis-b').length} stored`,
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // a late duplicate would arrive now
    assert.deepEqual(stored(emulator, 'redis-a'), range(150));
    assert.deepEqual(stored(emulator, 'redis-b'), range(150));
    assert.equal(emulator.stats().byStatus[429] ?? 0, 0, '429 answers');
    assert.ok((await redis.commandCount()) - before >= 30, 'both took their slots from Redis');
    for (const red of [a, b]) assert.match(red.output, /sharing the rate limit through Redis at redis:\/\/127\.0\.0\.1:\d+/);
  });

  it('Redis dies mid-backlog and comes back: limits locally meanwhile, logs the cause once, loses nothing', async () => {
    const red = redWith('redis-outage', redis.url);
    await red.start();
    await backlog(red, 200);
    await waitFor('the first events stored', () => stored(emulator, 'redis-outage').length >= 20);
    await redis.stop();
    await waitFor('the outage logged', () => /Redis unreachable at redis:\/\/127\.0\.0\.1:\d+ \(.+\): limiting locally/.test(red.output), { describe: () => red.output.slice(-1500) });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // many reconnection attempts fail meanwhile
    await redis.start();
    await waitFor('the recovery logged', () => /Redis reachable again/.test(red.output), { describe: () => red.output.slice(-1500) });
    await waitFor('200 events stored', () => stored(emulator, 'redis-outage').length >= 200, { timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(stored(emulator, 'redis-outage'), range(200));
    assert.equal(red.output.match(/Redis unreachable at/g)?.length, 1, 'the cause is logged once');
  });

  it('Redis down at start: the account sends anyway, limiting locally', async () => {
    await redis.stop();
    const red = redWith('redis-none', redis.url);
    await red.start();
    await backlog(red, 30);
    await waitFor('30 events stored', () => stored(emulator, 'redis-none').length >= 30, { timeoutMs: 20_000 });
    assert.deepEqual(stored(emulator, 'redis-none'), range(30));
    assert.match(red.output, /Redis unreachable at redis:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED/);
  });

  it('a bad redisUrl: the deploy error names redisUrl and masks the password', async () => {
    const red = redWith('redis-bad', 'http://admin:s3cretPassw0rd@127.0.0.1:6379');
    await red.start();
    await waitFor('the configuration error', () => /`redisUrl`/.test(red.output), { describe: () => red.output.slice(-1500) });
    assert.match(red.output, /http:\/\/admin:\*\*\*@127\.0\.0\.1:6379/);
    assert.ok(!red.output.includes('s3cretPassw0rd'), 'the password is never logged');
  });
});

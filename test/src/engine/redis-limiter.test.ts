/**
 * The Redis-shared limiter against a real `redis-server` (skipped, with one line, where there is
 * none). The service is played by the emulator's own window rule (`RateWindows`), answering each
 * request after a random delay, so the tests count 429s and slots per window, not milliseconds.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RateWindows } from '../../../src/emulator/rate-window';
import type { Limiter, RateInfo, Slot, WindowView } from '../../../src/engine/limiter';
import { createRedisLimiter, type RedisLimiterOptions } from '../../../src/engine/redis-limiter';
import { waitFor } from '../../support/poll';
import { RedisServer, redisSuite, requireRedis } from '../../support/redis-server';

const KEY = 'ist_redisLimiterTestKey0000000000';
const LIMIT = 5;
const WINDOW_MS = 1000;

/** A stand-in for the plain limiter: grants at once and records what it was told. */
class LocalLimiter implements Limiter {
  taken = 0;
  observed: RateInfo[] = [];
  released = 0;
  closed = false;
  readonly sharing = 'alone' as const;
  readonly blockedUntil = 0;
  async take(): Promise<Slot> {
    this.taken++;
    return { grantedAt: Date.now() };
  }
  observe(_slot: Slot, info: RateInfo): void {
    this.observed.push(info);
  }
  release(): void {
    this.released++;
  }
  window(): WindowView {
    return { limit: LIMIT, used: 0 };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The service's side: one fixed window per key, as the emulator keeps it. */
class Service {
  readonly windows = new RateWindows(LIMIT, WINDOW_MS, Date.now);
  limited = 0;
  passed = 0;
  /** Server windows opened (a request after a window's end opens the next). */
  opened = 0;
  #lastEnd = 0;
  /** Sends one request on `slot` (arriving and answered after random delays of up to `latencyMs`). */
  async send(limiter: Limiter, slot: Slot, latencyMs = 20, counted = true): Promise<void> {
    await sleep(Math.random() * latencyMs);
    let info: RateInfo = { status: 201 };
    if (counted) {
      const decision = this.windows.take(KEY);
      if (decision.windowEnd !== this.#lastEnd) this.opened++;
      this.#lastEnd = decision.windowEnd;
      if (decision.allowed) this.passed++;
      else this.limited++;
      info = { status: decision.allowed ? 204 : 429, limit: decision.limit, remaining: decision.remaining, reset: Math.ceil(decision.windowEnd / 1000) };
      if (!decision.allowed) info.retryAfter = Math.max(1, Math.ceil((decision.windowEnd - decision.at) / 1000));
    }
    await sleep(Math.random() * latencyMs);
    limiter.observe(slot, info);
  }
}

/** One process with a backlog: takes `requests` slots and sends on each at once. */
async function backlog(limiter: Limiter, service: Service, requests: number): Promise<void> {
  const sends: Promise<void>[] = [];
  for (let i = 0; i < requests; i++) sends.push(service.send(limiter, await limiter.take()));
  await Promise.all(sends);
}

describe('redis limiter', function () {
  this.timeout(30_000);
  let server: RedisServer;
  const limiters: Limiter[] = [];
  const logs: string[] = [];

  function limiter(extra: Partial<RedisLimiterOptions> = {}): Limiter {
    const made = createRedisLimiter({
      url: server.url,
      accessKey: KEY,
      limit: LIMIT,
      windowMs: WINDOW_MS,
      answerMs: 2000,
      local: new LocalLimiter(),
      connectTimeoutMs: 500,
      reconnectMs: 100,
      log: { info: (text) => logs.push(`info: ${text}`), warn: (text) => logs.push(`warn: ${text}`) },
      ...extra,
    });
    limiters.push(made);
    return made;
  }

  describe('settings', () => {
    it('rejects a bad redisUrl naming the setting, with its password masked', () => {
      for (const url of ['http://user:s3cret@host:6379', 'redis//:s3cret@host', 'redis://:s3cret@host/db', '']) {
        assert.throws(
          () => createRedisLimiter({ url, accessKey: KEY, limit: LIMIT, local: new LocalLimiter() }),
          (err: Error) => err.message.includes('`redisUrl`') && !err.message.includes('s3cret'),
          url,
        );
      }
      assert.throws(
        () => createRedisLimiter({ url: 'redis://u:s3cret@host', prefix: 'two words', accessKey: KEY, limit: LIMIT, local: new LocalLimiter() }),
        /`redisPrefix`.*'two words'/,
      );
    });
  });

  describe(redisSuite('with redis-server'), () => {
    beforeEach(async function () {
      requireRedis(this);
      logs.length = 0;
      server = new RedisServer();
      await server.start();
    });

    afterEach(async () => {
      await Promise.all(limiters.splice(0).map((l) => l.close()));
      await server?.dispose();
    });

    it('three processes with a backlog share one window: no 429, every window used whole', async () => {
      const service = new Service();
      const [a, b, c] = [limiter(), limiter(), limiter()];
      await Promise.all([backlog(a, service, 8), backlog(b, service, 8), backlog(c, service, 9)]);
      assert.equal(service.limited, 0, '429s');
      assert.equal(service.passed, 25);
      assert.equal(service.opened, 25 / LIMIT, 'server windows used');
      assert.equal(a.sharing, 'redis');
      assert.ok(logs.some((line) => line.startsWith('info: sharing the rate limit through Redis')), logs.join('\n'));
    });

    it('an idle process takes no slots: the busy one gets the whole limit', async () => {
      const service = new Service();
      const busy = limiter();
      limiter(); // idle, on the same key
      await backlog(busy, service, 2 * LIMIT);
      assert.equal(service.limited, 0, logs.join('\n'));
      assert.equal(service.opened, 2, 'server windows used');
    });

    it('requests the server does not count (no rate headers) cost no slot', async () => {
      const service = new Service();
      const one = limiter();
      for (let i = 0; i < LIMIT; i++) await service.send(one, await one.take(), 5, false);
      // The view follows Redis's replies, which come after observe() returned.
      await waitFor('the uncounted requests given back', () => one.window().used === 0);
      await backlog(one, service, LIMIT);
      assert.equal(service.limited, 0);
      assert.equal(service.opened, 1, 'the counted ones all went in the first window');
    });

    it('a slot given back unused is free again: the window still carries its whole limit', async () => {
      const service = new Service();
      const one = limiter();
      one.release(await one.take());
      await waitFor('the slot given back', () => one.window().used === 0);
      await backlog(one, service, LIMIT);
      assert.equal(service.limited, 0);
      assert.equal(service.opened, 1, 'the requests all went in the first window');
    });

    it('a window full only while answers are out grants the room they free in that window, not the next', async () => {
      const one = limiter();
      const slots = [await one.take(), await one.take(), await one.take(), await one.take()];
      const reset = Math.ceil((Date.now() + WINDOW_MS) / 1000);
      // The server had counted three when it answered the first: two of those are still out here.
      one.observe(slots[0]!, { status: 204, limit: LIMIT, remaining: LIMIT - 3, reset });
      await waitFor('the first answer in Redis', () => one.window().used === 3 + 3);
      const waiting = one.take();
      await waitFor('the take to be refused', () => one.blockedUntil > 0, { intervalMs: 1 });
      const [key] = (await server.command(['KEYS', '*'])) as string[];
      const opened = await server.command(['HGET', key!, 's']);
      for (const slot of slots.slice(1)) one.observe(slot, { status: 204, limit: LIMIT, remaining: LIMIT - 4, reset });
      await waiting;
      assert.equal(await server.command(['HGET', key!, 's']), opened, 'granted in the window it asked in');
    });

    it('an answer the server did not count ends no window: the server window opened later is followed', async () => {
      const service = new Service();
      const one = limiter();
      await service.send(one, await one.take(), 5, false); // a bucket created at start
      await sleep(WINDOW_MS / 2);
      await backlog(one, service, 3 * LIMIT);
      assert.equal(service.limited, 0, '429s');
      assert.equal(service.opened, 3, 'server windows used');
    });

    it('writes only a hash of the access key to Redis', async () => {
      const one = limiter({ prefix: 'plant' });
      await new Service().send(one, await one.take());
      const keys = (await server.command(['KEYS', '*'])) as string[];
      assert.deepEqual(keys, [`plant:window:${createHash('sha256').update(KEY).digest('hex')}`]);
      const values = JSON.stringify(await server.command(['HGETALL', keys[0]!]));
      assert.ok(!values.includes(KEY) && !values.includes(KEY.slice(4)), values);
    });

    it('Redis down at start: limits locally, says so once, and goes back to Redis when it comes up', async () => {
      await server.stop();
      const local = new LocalLimiter();
      const one = limiter({ local });
      const slot = await one.take();
      assert.equal(one.sharing, 'redis-down');
      assert.equal(local.taken, 1);
      one.observe(slot, { status: 204, remaining: 4, limit: LIMIT });
      assert.equal(local.observed.length, 1, 'the answer went to the limiter that granted the slot');
      await sleep(500); // several reconnection attempts fail meanwhile
      const warnings = logs.filter((line) => line.startsWith('warn:'));
      assert.equal(warnings.length, 1, logs.join('\n'));
      assert.match(warnings[0]!, /Redis unreachable at redis:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED 127\.0\.0\.1:\d+\): limiting locally/);
      await server.start();
      await waitFor('the limiter to use Redis again', () => one.sharing === 'redis');
      await new Service().send(one, await one.take());
      assert.equal(local.taken, 1, 'the later slot came from Redis');
      assert.ok(logs.some((line) => /^info: Redis reachable again/.test(line)), logs.join('\n'));
    });

    it('Redis dies mid-backlog: the rest goes through the local limiter, and Redis is used again once back', async () => {
      const service = new Service();
      const local = new LocalLimiter();
      const one = limiter({ local });
      const sends: Promise<void>[] = [];
      for (let i = 0; i < 3; i++) sends.push(service.send(one, await one.take()));
      await server.stop();
      for (let i = 0; i < 3; i++) sends.push(service.send(one, await one.take()));
      await Promise.all(sends);
      assert.equal(one.sharing, 'redis-down');
      assert.equal(local.taken, 3, 'the three slots after the crash came from the local limiter');
      await server.start();
      await waitFor('the limiter to use Redis again', () => one.sharing === 'redis');
      await service.send(one, await one.take());
      assert.equal(local.taken, 3);
      assert.equal(logs.filter((line) => line.startsWith('warn:')).length, 1, logs.join('\n'));
    });

    it('close() rejects a take still waiting and closes the local limiter', async () => {
      const local = new LocalLimiter();
      const one = limiter({ local });
      for (let i = 0; i < LIMIT; i++) await one.take();
      const waiting = one.take();
      await one.close();
      await assert.rejects(waiting, /closed/);
      assert.ok(local.closed);
    });
  });
});

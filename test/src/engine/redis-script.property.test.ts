/**
 * The two Lua scripts of the Redis-shared limit (redis-script.ts), run by fast-check against a
 * real `redis-server` (skipped, with one line, where there is none), driven by 2–4 simulated
 * processes on one key, each with its own connection (`RedisConnection`, EVALSHA as in
 * production). One operation runs at a time, so a run is decided by its seed alone.
 *
 * The model: one server window, counting each request sent counted (its answer reports
 * `remaining = L - count` when it was counted), none of those sent uncounted (bucket creation:
 * an answer without rate headers). A slot is granted, then given back unused (`NOT_SENT`), or
 * sent (counted or not) and later answered, or its answer is lost (status 0: it may have counted).
 * The window is an hour long, so Redis's clock never ends it during a run (checked: every grant
 * is in the run's first window); nothing waits on time.
 *
 * What the scripts may know of the server's count is bounded by `highest count answered + slots
 * not answered yet + lost answers` (the model's bound): that is "room" below.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createClient } from 'redis';
import { RedisConnection } from '../../../src/engine/redis-connection';
import { NOT_SENT, OBSERVE_SCRIPT, TAKE_SCRIPT } from '../../../src/engine/redis-script';
import { windowKey } from '../../../src/engine/redis-url';
import { RedisServer, redisSuite, requireRedis } from '../../support/redis-server';

const KEY = windowKey('props', 'ist_redisScriptPropertyKey00000000');
const WINDOW_MS = 3_600_000;
const ANSWER_MS = 10_000;
const MAX_PROCESSES = 4;

type Op =
  | { kind: 'take'; process: number }
  | { kind: 'send'; process: number; pick: number; counted: boolean }
  | { kind: 'answer'; process: number; pick: number }
  | { kind: 'lose'; process: number; pick: number }
  | { kind: 'release'; process: number; pick: number };

const proc = fc.nat({ max: MAX_PROCESSES - 1 });
const pick = fc.nat({ max: 50 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('take' as const), process: proc }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('send' as const), process: proc, pick, counted: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('answer' as const), process: proc, pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lose' as const), process: proc, pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), process: proc, pick }) },
);

/** A granted slot: its window id, and what became of its request so far. */
interface Slot {
  window: number;
  /** undefined: not sent; 0: sent, not counted by the server; else the server's count when it counted it. */
  sent?: number;
}

/** The model server and the bookkeeping of one run, with the properties' quantities. */
class Model {
  /** Requests the server counted. */
  counted = 0;
  /** The highest count an answer reported. */
  highestAnswered = 0;
  granted = 0;
  released = 0;
  answeredUncounted = 0;
  lost = 0;
  readonly slots: Slot[][];
  constructor(
    readonly limit: number,
    processes: number,
  ) {
    this.slots = Array.from({ length: processes }, () => []);
  }
  /** Slots granted and not answered or given back yet. */
  get out(): number {
    return this.slots.reduce((sum, held) => sum + held.length, 0);
  }
  /** Slots that may have counted: granted, minus those given back unused, minus those answered as not counted. */
  get held(): number {
    return this.granted - this.released - this.answeredUncounted;
  }
  /** The most the scripts can know is used (see the file's TSDoc). */
  get bound(): number {
    return this.highestAnswered + this.out + this.lost;
  }
}

/** The run's steps, for a failure's message. */
function describeOp(o: Op, processes: number): string {
  const p = o.process % processes;
  if (o.kind === 'take') return `p${p} take`;
  if (o.kind === 'send') return `p${p} send#${o.pick} ${o.counted ? 'counted' : 'uncounted'}`;
  return `p${p} ${o.kind}#${o.pick}`;
}

describe(redisSuite('redis scripts (fast-check, real redis-server)'), function () {
  this.timeout(120_000);
  let server: RedisServer;
  let admin: ReturnType<typeof createClient>;
  let connections: RedisConnection[] = [];

  before(async function () {
    requireRedis(this);
    server = new RedisServer();
    await server.start();
    admin = createClient({ url: server.url });
    admin.on('error', () => undefined);
    await admin.connect();
    connections = Array.from({ length: MAX_PROCESSES }, () => new RedisConnection({ url: server.url, commandTimeoutMs: 10_000 }));
    await Promise.all(connections.map((c) => c.ready()));
    for (const c of connections) assert.ok(c.up, 'connected to redis-server');
  });

  after(async () => {
    await Promise.all(connections.map((c) => c.close()));
    admin?.destroy();
    await server?.dispose();
  });

  /**
   * Runs `ops` from `processes` processes with limit `limit` on a fresh key and checks, after
   * every step: (1) never over the limit, (2) nothing lost: a take is granted whenever the
   * model's bound leaves room (so also right after a release or an uncounted answer), (3) the
   * `used` Redis returns is never below the server's count.
   */
  async function run(limit: number, processes: number, ops: Op[]): Promise<void> {
    await admin.del(KEY);
    const model = new Model(limit, processes);
    // One server window for the whole run: every counted answer reports the same reset second.
    const reset = Math.ceil((Date.now() + WINDOW_MS) / 1000);
    const steps: string[] = [];
    let firstWindow: number | undefined;
    const context = () => `L=${limit}, ${processes} processes, steps that did something:\n  ${steps.join('\n  ')}`;

    const checkUsed = (used: number, what: string) =>
      assert.ok(used >= model.counted, `property 3: ${what} returned used ${used} below the server's count ${model.counted}; ${context()}`);

    const observe = async (p: number, slot: Slot, status: number, rem = -1, limitHeader = -1) => {
      const [used] = await connections[p]!.run(OBSERVE_SCRIPT, [KEY], [slot.window, status, rem, rem >= 0 ? reset : -1, -1, limitHeader, WINDOW_MS, ANSWER_MS]);
      checkUsed(used!, 'observe');
    };

    for (const o of ops) {
      const p = o.process % processes;
      const held = model.slots[p]!;
      steps.push(describeOp(o, processes));
      if (o.kind === 'take') {
        const room = model.bound < limit;
        const [granted, value, used] = await connections[p]!.run(TAKE_SCRIPT, [KEY], [limit, WINDOW_MS, ANSWER_MS]);
        const previous = steps.length > 1 ? steps[steps.length - 2] : 'nothing';
        if (room) {
          assert.equal(granted, 1, `property 2: take after "${previous}" refused (used ${used}) with room (bound ${model.bound} < ${limit}); ${context()}`);
        }
        if (granted === 1) {
          firstWindow ??= value!;
          assert.equal(value, firstWindow, 'every grant is in the run\'s first window (the hour never ends in a run)');
          model.granted++;
          held.push({ window: value! });
        }
        checkUsed(used!, 'take');
        assert.ok(model.held <= limit, `property 1: ${model.held} slots granted and neither given back unused nor answered uncounted, over L=${limit}; ${context()}`);
        continue;
      }
      // A step on a slot of this process in the state it needs (none: the step does nothing).
      const candidates = held.map((slot, i) => ({ slot, i })).filter(({ slot }) => (o.kind === 'send' || o.kind === 'release' ? slot.sent === undefined : slot.sent !== undefined));
      if (candidates.length === 0) {
        steps.pop(); // left out of a failure's steps
        continue;
      }
      const { slot, i } = candidates[o.pick % candidates.length]!;
      if (o.kind === 'send') {
        if (o.counted) {
          model.counted++;
          assert.ok(model.counted <= limit, `property 1: the server counted ${model.counted} requests, over L=${limit}; ${context()}`);
          slot.sent = model.counted;
        } else {
          slot.sent = 0;
        }
        continue;
      }
      held.splice(i, 1);
      if (o.kind === 'release') {
        model.released++;
        await observe(p, slot, NOT_SENT);
      } else if (o.kind === 'lose') {
        model.lost++;
        await observe(p, slot, 0);
      } else if (slot.sent === 0) {
        model.answeredUncounted++;
        await observe(p, slot, 201);
      } else {
        model.highestAnswered = Math.max(model.highestAnswered, slot.sent!);
        await observe(p, slot, 200, limit - slot.sent!, limit);
      }
    }
  }

  it('never over the limit, nothing lost, used never below the server count (2–4 processes, one key)', async function () {
    requireRedis(this);
    const limit = fc.oneof(fc.integer({ min: 5, max: 8 }), fc.integer({ min: 9, max: 30 }));
    await fc.assert(
      fc.asyncProperty(limit, fc.integer({ min: 2, max: MAX_PROCESSES }), fc.array(op, { minLength: 1, maxLength: 150, size: 'max' }), run),
      { numRuns: 300 },
    );
  });
});

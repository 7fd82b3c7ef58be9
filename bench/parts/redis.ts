/**
 * Part `redis`: three Node-RED processes, installed from the packed tarball, each with one
 * account on the same access key, into one emulator. With `rateShare: 'redis'` and one
 * `redis-server` they share the key's window exactly; the same three with `rateShare: 'local'`
 * (headers only) show what that is worth. Runs: 550 and 1000 events each through Redis; 550
 * each on two while the third is idle; 550 each headers only. Skipped (one figure saying so)
 * where there is no `redis-server`.
 */
import { startEmulator, type Emulator } from '../../src/emulator';
import { LIMITS } from '../../src/event';
import { REDIS_SERVER, RedisServer } from '../../test/support/redis-server';
import type { Figure } from '../figures';
import { fastestScheduleMs, requestsNeeded } from '../schedule';
import { benchKey, checkDelivery, share, type Part } from './part';
import { BenchInstance, packAndInstall, type PackedInstall } from './redis-red';

const INSTANCES = 3;
const BATCH = LIMITS.eventsPerRequest;

/** One run: the backlog of each instance (0 = idle) and whether they share through Redis. */
interface Run {
  name: string;
  backlogs: number[];
  redis: boolean;
}

const RUNS: Run[] = [
  { name: '3 × 550 events, Redis', backlogs: [550, 550, 550], redis: true },
  { name: '3 × 1000 events, Redis', backlogs: [1000, 1000, 1000], redis: true },
  { name: '2 × 550 events + 1 idle, Redis', backlogs: [550, 550, 0], redis: true },
  { name: '3 × 550 events, headers only', backlogs: [550, 550, 550], redis: false },
];

/** What one run measured. */
interface RunResult {
  run: string;
  counted: number;
  idealMs: number;
  spanMs: number;
  limited: number;
  lost: number;
  duplicated: number;
  /** Growth of Redis's calls during the run: the scripts (`EVALSHA`) and every command (those the scripts ran included). */
  redis?: { scripts: number; commands: number };
  /** "Redis unreachable" lines the instances logged. */
  outages: number;
}

async function runOnce(run: Run, install: PackedInstall, emulator: Emulator, redis: RedisServer | undefined, rateLimit: number, windowMs: number, progress: (line: string) => void): Promise<RunResult> {
  emulator.reset();
  const accessKey = benchKey('Redis');
  if (redis) await redis.command(['FLUSHALL']);
  const instances = run.backlogs.map(
    (_, i) =>
      new BenchInstance(install, {
        endpoint: emulator.apiUrl,
        accessKey,
        bucketKey: `bench-redis-${i + 1}`,
        rateLimit,
        windowMs,
        redisUrl: run.redis ? redis!.url : undefined,
        redisPrefix: 'bench',
      }),
  );
  try {
    await Promise.all(instances.map((instance) => instance.start()));
    const needed = run.backlogs.reduce((n, events) => n + (events ? requestsNeeded(events, BATCH, 0) : 0), 0);
    const idealMs = fastestScheduleMs(needed, rateLimit, windowMs);
    const total = run.backlogs.reduce((n, events) => n + events, 0);
    progress(`redis: ${run.name}: ${needed} counted requests at ${rateLimit} per ${windowMs} ms; fastest schedule ${idealMs} ms`);
    const scriptsBefore = redis ? await redis.commandCount(['evalsha', 'eval']) : 0;
    const commandsBefore = redis ? await redis.commandCount() : 0;
    await Promise.all(instances.map((instance, i) => (run.backlogs[i] ? instance.backlog(run.backlogs[i]!) : Promise.resolve())));
    const deadline = Date.now() + 2 * idealMs + 30_000;
    const stored = () => emulator.events({ accessKey }).length;
    while (stored() < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    // Late duplicates would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const requests = emulator.requests().filter((r) => r.counted);
    const events = emulator.events({ accessKey });
    const checks = run.backlogs.map((count, i) => checkDelivery(events, `bench-redis-${i + 1}`, count));
    const spanMs = requests.length ? requests[requests.length - 1]!.at - requests[0]!.at : NaN;
    return {
      run: run.name,
      counted: requests.length,
      idealMs,
      spanMs,
      limited: emulator.requests().filter((r) => r.status === 429).length,
      lost: checks.reduce((n, c) => n + c.missing, 0),
      duplicated: checks.reduce((n, c) => n + c.duplicated, 0),
      redis: redis ? { scripts: (await redis.commandCount(['evalsha', 'eval'])) - scriptsBefore, commands: (await redis.commandCount()) - commandsBefore } : undefined,
      outages: instances.reduce((n, instance) => n + (instance.output.match(/Redis unreachable at/g)?.length ?? 0), 0),
    };
  } catch (err) {
    const tails = instances.map((instance, i) => `instance ${i + 1}:\n${instance.output.slice(-1500)}`).join('\n');
    throw new Error(`${(err as Error).message}\n${tails}`);
  } finally {
    await Promise.all(instances.map((instance) => instance.dispose()));
  }
}

function figuresOf(result: RunResult, rateLimit: number, windowMs: number, redis: boolean): Figure[] {
  const part = 'redis' as const;
  const name = (what: string) => `${result.run}: ${what}`;
  const figures: Figure[] = [
    {
      part,
      name: name('aggregate utilisation'),
      value: share(result.idealMs, result.spanMs),
      unit: 'ratio',
      target: redis ? { op: '>=', value: 0.97 } : undefined,
      note: `${result.counted} requests counted by the server at ${rateLimit} per ${windowMs} ms: fastest ${result.idealMs} ms from the first to the last, measured ${result.spanMs} ms`,
    },
    { part, name: name('429 answers'), value: result.limited, unit: 'count', target: redis ? { op: '==', value: 0 } : undefined },
    { part, name: name('events lost'), value: result.lost, unit: 'count', target: { op: '==', value: 0 }, note: 'never stored by the emulator (within twice the fastest schedule + 30 s)' },
    { part, name: name('events duplicated'), value: result.duplicated, unit: 'count', target: { op: '==', value: 0 } },
  ];
  if (result.redis) {
    figures.push(
      { part, name: name('Redis scripts run'), value: result.redis.scripts, unit: 'count', target: { op: '>=', value: result.counted }, note: `EVALSHA calls during the run (INFO commandstats): one to take each slot, one for each answer, one for each wait; ${result.redis.commands} commands in all, those the scripts ran included` },
      { part, name: name('Redis outages logged'), value: result.outages, unit: 'count', target: { op: '==', value: 0 }, note: '"Redis unreachable" lines in the three Node-RED logs (a command answered later than 2 s counts)' },
    );
  }
  return figures;
}

export const runRedis: Part = async (options, progress) => {
  const { rateLimit, windowMs } = options;
  if (!REDIS_SERVER) {
    return { figures: [{ part: 'redis', name: 'skipped: no redis-server on the PATH', value: NaN, unit: '', note: 'apt-get install redis-server' }], details: {} };
  }
  progress(`redis: packing and installing the package for ${INSTANCES} Node-RED processes`);
  const install = packAndInstall();
  const redis = new RedisServer();
  let emulator: Emulator | undefined;
  try {
    await redis.start();
    emulator = await startEmulator({ rateLimit, windowMs, maxEventsPerRequest: BATCH });
    const results: RunResult[] = [];
    const figures: Figure[] = [];
    for (const run of RUNS) {
      const result = await runOnce(run, install, emulator, run.redis ? redis : undefined, rateLimit, windowMs, progress);
      results.push(result);
      figures.push(...figuresOf(result, rateLimit, windowMs, run.redis));
    }
    return { figures, details: { tarball: install.tarball, instances: INSTANCES, rateLimit, windowMs, results } };
  } finally {
    await emulator?.close();
    await redis.dispose();
    install.dispose();
  }
};

import assert from 'node:assert/strict';
import sinon from 'sinon';
import { RateLimiter } from '../../../src/engine/rate-limiter';
import { RateWindows, type RateDecision } from '../../../src/emulator/rate-window';

/**
 * Several processes' limiters on one key against the emulator's rate windows, in virtual time
 * (fake timers, seeded latencies): what sharing a key gives, deterministically and in
 * milliseconds. The bench (`npm run bench -- --only processes`) measures the same with real
 * processes and HTTP.
 */

const LIMIT = 30;
const WINDOW_MS = 10_000;

/** A seeded generator of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Process {
  /** Requests to get through (a backlog). */
  requests: number;
  /** ms after the start when it begins. Default 0. */
  startsAt?: number;
}

interface Run {
  /** Answers the server gave: time, process, passed or 429. */
  log: { at: number; process: number; passed: boolean }[];
  /** ms after the start each process was done. */
  doneAt: number[];
}

/**
 * Runs `processes` to the end. Each has one request in flight at a time (one bucket, as the
 * engine sends them), each way 1–4 ms; `take` decides each arrival (default: the emulator's
 * windows).
 */
function share(processes: Process[], seed: number, take?: (now: () => number) => () => RateDecision): Run {
  const clock = sinon.useFakeTimers({ now: Date.UTC(2026, 0, 5, 8, 0, 0) + Math.floor(random(seed * 7)() * 1000), loopLimit: 1_000_000 });
  try {
    const t0 = Date.now();
    const next = random(seed);
    const latency = (): number => 1 + 3 * next();
    const windows = new RateWindows(LIMIT, WINDOW_MS, () => Date.now());
    const decide = take ? take(() => Date.now()) : () => windows.take('key');
    const run: Run = { log: [], doneAt: processes.map(() => NaN) };
    const limiters = processes.map((process, p) => {
      const limiter = new RateLimiter({ limit: LIMIT, windowMs: WINDOW_MS });
      let left = process.requests;
      const ask = (): void =>
        limiter.acquire({
          grant: (ticket) =>
            setTimeout(() => {
              const d = decide();
              run.log.push({ at: d.at - t0, process: p, passed: d.allowed });
              const reset = Math.ceil(d.windowEnd / 1000);
              const retryAfter = d.allowed ? undefined : Math.max(1, Math.ceil((d.windowEnd - d.at) / 1000));
              setTimeout(() => {
                limiter.observe(ticket, { status: d.allowed ? 204 : 429, limit: d.limit, remaining: d.remaining, reset, retryAfter });
                if (d.allowed) left -= 1;
                if (left > 0) ask();
                else run.doneAt[p] = Date.now() - t0;
              }, latency());
            }, latency()),
        });
      setTimeout(ask, process.startsAt ?? 0);
      return limiter;
    });
    clock.runAll();
    limiters.forEach((limiter) => limiter.dispose());
    return run;
  } finally {
    clock.restore();
  }
}

const refused = (run: Run): number => run.log.filter((answer) => !answer.passed).length;

/** Requests passed per server window (the emulator's rule), for the windows that started before `until`. */
function passedPerWindow(run: Run, until: number): number[] {
  const counts: number[] = [];
  let end = -Infinity;
  for (const answer of run.log) {
    if (!answer.passed) continue;
    if (answer.at >= end) {
      if (answer.at + WINDOW_MS > until) break;
      counts.push(0);
      end = answer.at + WINDOW_MS;
    }
    counts[counts.length - 1]! += 1;
  }
  return counts;
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('RateLimiter: several processes on one key (simulated)', () => {
  it('three processes with a backlog each: no 429, and at least 26 of 30 slots used in every window all three fill', () => {
    for (const seed of SEEDS) {
      const run = share([{ requests: 300 }, { requests: 300 }, { requests: 300 }], seed);
      assert.equal(refused(run), 0, `seed ${seed}: ${refused(run)} answered 429`);
      const windows = passedPerWindow(run, Math.min(...run.doneAt));
      assert.ok(windows.length >= 25, `seed ${seed}: ${windows.length} windows`);
      assert.ok(Math.min(...windows) >= 26, `seed ${seed}: windows passed ${windows.join(' ')}`);
    }
  });

  it('one process starting 45 ms before the others does not spend the first window alone', () => {
    for (const seed of SEEDS) {
      const run = share([{ requests: 100 }, { requests: 100, startsAt: 45 }, { requests: 100, startsAt: 60 }], seed);
      assert.equal(refused(run), 0, `seed ${seed}: ${refused(run)} answered 429`);
      const first = run.log.filter((answer) => answer.at < WINDOW_MS);
      assert.deepEqual(new Set(first.map((answer) => answer.process)), new Set([0, 1, 2]), `seed ${seed}: all three in the first window`);
    }
  });

  it('a process joining one that is alone with a backlog gets in within two windows, with at most one 429', () => {
    for (const seed of SEEDS) {
      const run = share([{ requests: 600 }, { requests: 20, startsAt: 25_000 }], seed);
      const joiner = run.log.filter((answer) => answer.process === 1);
      assert.ok(refused(run) <= 1, `seed ${seed}: ${refused(run)} answered 429`);
      const firstIn = joiner.find((answer) => answer.passed)!.at;
      assert.ok(firstIn < 25_000 + 2 * WINDOW_MS, `seed ${seed}: first passed at ${firstIn} ms`);
      assert.ok(run.doneAt[1]! < run.doneAt[0]!, `seed ${seed}: the joiner waited for the backlog (done at ${run.doneAt[1]} ms, the other at ${run.doneAt[0]} ms)`);
    }
  });

  it('alone against a server that keeps its windows to the reset second: one 429, then none', () => {
    // Fixed windows that end at the whole second after windowMs, as a service might count them.
    const toTheSecond = (now: () => number) => {
      let window = { end: -Infinity, used: 0 };
      return (): RateDecision => {
        const at = now();
        if (at >= window.end) window = { end: Math.ceil((at + WINDOW_MS) / 1000) * 1000, used: 0 };
        const allowed = window.used < LIMIT;
        if (allowed) window.used += 1;
        return { allowed, limit: LIMIT, remaining: LIMIT - window.used, windowEnd: window.end, at };
      };
    };
    for (const seed of SEEDS) {
      const run = share([{ requests: 300 }], seed, toTheSecond);
      assert.ok(refused(run) <= 1, `seed ${seed}: ${refused(run)} answered 429`);
    }
  });
});

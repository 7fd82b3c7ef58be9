/**
 * The command line of `npm run bench`: which parts to run and how big to make them.
 */
import { LIMITS, TIERS } from '../src/event';

/** The bench's parts, in the order they run. */
export const PARTS = ['backlog', 'overhead', 'memory', 'latency', 'processes', 'quota-fit', 'redis'] as const;
export type PartName = (typeof PARTS)[number];

/** One backlog the `backlog` part pushes through Node-RED: written `EVENTS@LIMIT`, `+buckets` for `countBuckets`. */
export interface Backlog {
  /** Events sent at once. */
  events: number;
  /** Requests per window the emulator allows and the account is told. */
  rateLimit: number;
  /** Whether the emulator counts bucket creation against the rate limit. */
  countBuckets: boolean;
}

/** The backlogs of issue #13: 600, 1 150, 1 200 and 3 000 events at 30 per window, 3 000 at 10 and 60, and 3 000 at 30 with bucket creation counted. */
export const DEFAULT_BACKLOGS = '600@30,1150@30,1200@30,3000@30,3000@10,3000@60,3000@30+buckets';

/** Everything a run is told; every field has a default (see {@link defaultOptions}). */
export interface BenchOptions {
  /** Parts to run. Default all of {@link PARTS}. */
  only: PartName[];
  /** Smaller counts and a 1000 ms window so the whole run takes about a minute. Default false. */
  fast: boolean;
  /** The emulator's rate-limit window in ms for `backlog` and `processes`. Default 10 000 (1000 with `--fast`). */
  windowMs: number;
  /** Requests per window in `processes`. Default 30 (the Individual tier). */
  rateLimit: number;
  /** The backlogs `backlog` runs, in order. Default {@link DEFAULT_BACKLOGS}. */
  backlogs: Backlog[];
  /** Backlog of events for each of the three processes in `processes`. Default 1000 (300 with `--fast`). */
  processEvents: number;
  /** Messages per measured round in `overhead`. Default 100 000 (50 000 with `--fast`). */
  messages: number;
  /** Queue sizes measured in `memory`. Default 100 000 and 1 000 000 (100 000 and 300 000 with `--fast`). */
  queueSizes: number[];
  /** Messages per flushInterval setting in `latency`. Default 150 (60 with `--fast`). */
  latencyMessages: number;
  /** Where the JSON goes. Default `bench/results.json` under the current directory. */
  out: string;
  /** Print the usage and stop. Default false. */
  help: boolean;
}

/** The usage text `--help` prints. */
export const USAGE = `Usage: npm run bench -- [flags]

  --only LIST          parts to run, comma-separated: ${PARTS.join(', ')} (default all)
  --fast               smaller counts and --window-ms 1000: about a minute
  --window-ms N        emulator rate-limit window in ms for backlog and processes (default 10000)
  --rate-limit N       requests per window in processes (default 30, the Individual tier)
  --backlogs LIST      backlog runs, EVENTS@LIMIT[+buckets] comma-separated; +buckets: the
                       emulator counts bucket creation (default ${DEFAULT_BACKLOGS})
  --process-events N   backlog of each of the 3 processes (default 1000, --fast 300)
  --messages N         messages per overhead round (default 100000, --fast 50000)
  --queue-sizes LIST   queued events measured by memory (default 100000,1000000)
  --latency-messages N messages per flushInterval in latency (default 150, --fast 60)
  --out FILE           JSON output (default bench/results.json)
  --help               this text
`;

/** Longest flag value an error message quotes. */
const SHOWN = 40;

function quote(value: string): string {
  return `'${value.length > SHOWN ? `${value.slice(0, SHOWN - 1)}…` : value}'`;
}

function integer(flag: string, text: string | undefined, min: number, max: number): number {
  const value = text === undefined ? NaN : Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Expected \`${flag}\` to be an integer from ${min} to ${max}, got ${text === undefined ? 'nothing' : quote(text)}`);
  }
  return value;
}

function partList(text: string | undefined): PartName[] {
  const names = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.find((n) => !(PARTS as readonly string[]).includes(n));
  if (names.length === 0 || bad !== undefined) {
    throw new RangeError(`Expected \`--only\` to list parts among ${PARTS.join(', ')}, got ${quote(bad ?? text ?? '')}`);
  }
  return PARTS.filter((p) => names.includes(p));
}

const BACKLOG = /^(\d+)@(\d+)(\+buckets)?$/;

/**
 * Reads a `--backlogs` list, e.g. `600@30,3000@30+buckets`.
 *
 * @throws RangeError quoting the bad entry, e.g. `Expected \`--backlogs\` entries as EVENTS@LIMIT[+buckets] ...`.
 */
export function parseBacklogs(text: string | undefined): Backlog[] {
  const entries = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new RangeError(`Expected \`--backlogs\` to list EVENTS@LIMIT[+buckets] entries, got ${text === undefined ? 'nothing' : quote(text)}`);
  return entries.map((entry) => {
    const match = BACKLOG.exec(entry);
    const events = Number(match?.[1]);
    const rateLimit = Number(match?.[2]);
    if (!match || events < 10 || events > 1_000_000 || rateLimit < 1 || rateLimit > 10_000) {
      throw new RangeError(`Expected \`--backlogs\` entries as EVENTS@LIMIT[+buckets] with EVENTS from 10 to 1000000 and LIMIT from 1 to 10000, got ${quote(entry)}`);
    }
    return { events, rateLimit, countBuckets: match[3] !== undefined };
  });
}

/** The defaults, which depend on `--fast`. */
export function defaultOptions(fast: boolean): BenchOptions {
  return {
    only: [...PARTS],
    fast,
    windowMs: fast ? 1000 : LIMITS.windowMs,
    rateLimit: TIERS.individual,
    backlogs: parseBacklogs(DEFAULT_BACKLOGS),
    processEvents: fast ? 300 : 1000,
    messages: fast ? 50_000 : 100_000,
    queueSizes: fast ? [100_000, 300_000] : [100_000, 1_000_000],
    latencyMessages: fast ? 60 : 150,
    out: 'bench/results.json',
    help: false,
  };
}

/** The flags that take one integer: the option each sets and the range it allows. */
const INTEGER_FLAGS: Record<string, [keyof BenchOptions, number, number]> = {
  '--window-ms': ['windowMs', 100, 60_000],
  '--rate-limit': ['rateLimit', 1, 10_000],
  '--process-events': ['processEvents', 10, 1_000_000],
  '--messages': ['messages', 1000, 10_000_000],
  '--latency-messages': ['latencyMessages', 10, 100_000],
};

/**
 * Parses `argv` (without node and the script).
 *
 * @throws RangeError naming the flag, the rule and the bad value, e.g.
 *   `Expected \`--window-ms\` to be an integer from 100 to 60000, got 'ten'`.
 */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const options = defaultOptions(argv.includes('--fast'));
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string | undefined => argv[++i];
    const integerFlag = INTEGER_FLAGS[flag];
    if (integerFlag) {
      const [name, min, max] = integerFlag;
      (options as unknown as Record<string, number>)[name] = integer(flag, value(), min, max);
    } else if (flag === '--help' || flag === '-h') options.help = true;
    else if (flag === '--only') options.only = partList(value());
    else if (flag === '--backlogs') options.backlogs = parseBacklogs(value());
    else if (flag === '--queue-sizes') options.queueSizes = (value() ?? '').split(',').map((n) => integer(flag, n, 1000, 5_000_000));
    else if (flag === '--out') {
      const text = value();
      if (!text) throw new RangeError('Expected `--out` to be a file path, got nothing');
      options.out = text;
    } else if (flag !== '--fast') {
      throw new RangeError(`Expected a flag among ${[...Object.keys(INTEGER_FLAGS), '--only', '--backlogs', '--fast', '--queue-sizes', '--out', '--help'].join(', ')}, got ${quote(flag)}`);
    }
  }
  return options;
}

#!/usr/bin/env node
/**
 * The `initialstate-emulator` command: runs the emulator until SIGINT/SIGTERM.
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { TIERS } from '../event';
import { startEmulator } from './server';
import type { Emulator, EmulatorOptions } from './types';
import { resolveRateLimit } from './validate-options';

const HELP = `Usage: initialstate-emulator [options]

A local Initial State Events API with a live dashboard.

Options:
  --port <n>          TCP port (default 8888; 0 picks a free one)
  --host <address>    interface to bind (default 127.0.0.1)
  --rate-limit <r>    requests per window per access key: ${Object.keys(TIERS).join(', ')} or a number (default individual = 30)
  --window-ms <ms>    rate-limit window length (default 10000)
  --quota <n>         events per access key before 402 answers; 0 = unlimited (default 0)
  --access-key <key>  accept only this key; repeat for more (default: any non-empty key)
  --max-events <n>    events per request before 400; 0 = no limit (default 10)
  --count-buckets     bucket creation counts against the rate limit like events, and its answer
                      carries X-RateLimit-* headers (default: not counted, no headers)
  --strict            type events exactly as the Blueprint does: an \`epoch\` sent as a numeric
                      string ("1796297611.25", as Initial State's Node SDK sends it) is a 400
                      (default: read as that number, as the service does)
  --quiet             do not log requests
  -h, --help          show this help

Events sent as URL parameters (GET /api/events?accessKey=…&bucketKey=…&temperature=21, or the
same as a POST without a body) carry only text, so their values are typed by guess, as the
service does: a whole decimal number ("21", "-3.5", "1e3") becomes a number, exactly "true" or
"false" a boolean, anything else stays text ("021x", "40.7,-74.0"). Send JSON to choose the type.
`;

function integerFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new TypeError(`Expected \`--${name}\` to be a whole number, got \`${text.slice(0, 60)}\``);
  return Number(text);
}

/** Turns the command line into emulator options; `undefined` when help was asked for. */
export function parseCli(argv: string[]): EmulatorOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'rate-limit': { type: 'string' },
      'window-ms': { type: 'string' },
      quota: { type: 'string' },
      'access-key': { type: 'string', multiple: true },
      'max-events': { type: 'string' },
      'count-buckets': { type: 'boolean' },
      strict: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const rate = values['rate-limit'];
  const options: EmulatorOptions = {
    port: integerFlag('port', values.port) ?? 8888,
    host: values.host,
    rateLimit: rate === undefined ? undefined : resolveRateLimit(/^\d+$/.test(rate) ? Number(rate) : rate, '--rate-limit'),
    windowMs: integerFlag('window-ms', values['window-ms']),
    monthlyQuota: integerFlag('quota', values.quota),
    accessKeys: values['access-key'],
    maxEventsPerRequest: integerFlag('max-events', values['max-events']),
    countBuckets: values['count-buckets'],
    strict: values.strict,
    log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/** Runs the command; resolves with the running emulator, or undefined after `--help`. */
export async function main(argv: string[]): Promise<Emulator | undefined> {
  const options = parseCli(argv);
  if (!options) {
    process.stdout.write(HELP);
    return undefined;
  }
  const emulator = await startEmulator(options);
  console.log(`Initial State emulator\n  dashboard: ${emulator.url}/\n  API:       ${emulator.apiUrl}`);
  const stop = (signal: string): void => {
    console.log(`${signal}: closing`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return emulator;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: Error) => {
    console.error(`initialstate-emulator: ${err.message}`);
    process.exit(2);
  });
}

/**
 * `npm run bench`: runs the selected parts, prints a table of figures with their targets and
 * writes the same figures as JSON (default `bench/results.json`). See `bench/README.md`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, USAGE, type BenchOptions, type PartName } from './args';
import { verdict, type Figure } from './figures';
import { runBacklog } from './parts/backlog';
import { runLatency } from './parts/latency';
import { runMemory } from './parts/memory';
import { runOverhead } from './parts/overhead';
import type { Part } from './parts/part';
import { runProcesses } from './parts/processes';
import { runQuotaFit } from './parts/quota-fit';
import { runRedis } from './parts/redis';
import { renderNotes, renderTable } from './table';

const RUNNERS: Record<PartName, Part> = {
  backlog: runBacklog,
  overhead: runOverhead,
  memory: runMemory,
  latency: runLatency,
  processes: runProcesses,
  'quota-fit': runQuotaFit,
  redis: runRedis,
};

/** Progress goes to stderr so stdout holds only the table. */
const progress = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(options: BenchOptions, argv: string[]): Promise<number> {
  const started = Date.now();
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  let broken = 0;
  for (const part of options.only) {
    try {
      const result = await RUNNERS[part](options, progress);
      figures.push(...result.figures);
      details[part] = result.details;
    } catch (err) {
      broken++;
      const message = err instanceof Error ? err.message : String(err);
      progress(`${part} failed: ${message}`);
      figures.push({ part, name: 'part failed', value: NaN, unit: '', target: { op: '==', value: 0 }, note: message.split('\n')[0] });
    }
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const header = `node ${process.version}, ${os.cpus().length} cores, ${os.platform()}; flags: ${argv.join(' ') || '(none)'}; window ${options.windowMs} ms; ${seconds} s`;
  const notes = renderNotes(figures);
  process.stdout.write(`\n${header}\n\n${renderTable(figures)}\n${notes ? `\n${notes}\n` : ''}`);
  const out = path.resolve(options.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const json = {
    date: new Date(started).toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    flags: argv,
    options,
    seconds,
    figures: figures.map((f) => ({ ...f, result: verdict(f) })),
    details,
  };
  fs.writeFileSync(out, `${JSON.stringify(json, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`);
  process.stdout.write(`\nwrote ${out}\n`);
  return broken > 0 ? 1 : 0;
}

const argv = process.argv.slice(2);
let options: BenchOptions;
try {
  options = parseArgs(argv);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(USAGE);
} else {
  main(options, argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

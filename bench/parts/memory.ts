/**
 * Part 3, memory: heap per queued event with persist off, and RSS and the spool file with persist
 * 'file', each in its own `node --expose-gc` child, queueing against a key the emulator rejects.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../../src/emulator';
import { runTask } from '../child';
import type { Figure } from '../figures';
import type { EngineMemoryOutput } from '../tasks/engine-memory';
import { benchKey, type Part } from './part';

const MB = 1024 * 1024;
/** ms one measurement may take (1 000 000 synchronous spool writes included). */
const TASK_TIMEOUT_MS = 300_000;

const perEvent = (growth: number, out: EngineMemoryOutput) => Math.round(growth / out.queued);

export const runMemory: Part = async (options, progress) => {
  // Only this key is accepted, so the bench's key is rejected (401) and the queue never drains.
  const emulator = await startEmulator({ accessKeys: [benchKey('Accepted')] });
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'is-bench-spool-'));
  const measure = (count: number, persist: 'off' | 'file') =>
    runTask(
      'engine-memory',
      { endpoint: emulator.apiUrl, accessKey: benchKey('Memory'), count, persist, spoolFile: persist === 'file' ? path.join(spoolDir, `${count}.spool`) : undefined },
      { execArgv: ['--expose-gc'], timeoutMs: TASK_TIMEOUT_MS },
    );
  try {
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    for (const count of options.queueSizes) {
      progress(`memory: ${count} events queued, persist off`);
      const out = await measure(count, 'off');
      details[`off-${count}`] = out;
      figures.push({
        part: 'memory',
        name: `heap per queued event, ${count.toLocaleString('en-US')} queued`,
        value: perEvent(out.heapAfter - out.heapBefore, out),
        unit: 'B/event',
        target: { op: '<', value: 200 },
        note: `heapUsed after gc, before and after ${out.queued} one-event submits {key, value, epoch}, each with a result callback; the events alone take ${Math.round(out.eventBytes)} B each in a plain array; engine ${out.state}; RSS grew ${((out.rssAfter - out.rssBefore) / MB).toFixed(1)} MB`,
      });
    }
    const count = Math.max(...options.queueSizes);
    progress(`memory: ${count} events queued, persist 'file'`);
    const file = await measure(count, 'file');
    details[`file-${count}`] = file;
    const seconds = file.submitMs / 1000;
    const n = count.toLocaleString('en-US');
    figures.push(
      {
        part: 'memory',
        name: `RSS growth, persist file, ${n} queued`,
        value: Number(((file.rssAfter - file.rssBefore) / MB).toFixed(1)),
        unit: 'MB',
        note: `RSS after gc, before and after queueing (peak RSS ${(file.maxRss / MB).toFixed(0)} MB); flat would be near 0; heap grew ${perEvent(file.heapAfter - file.heapBefore, file)} B/event; engine ${file.state}`,
      },
      { part: 'memory', name: `spool file, ${n} queued`, value: Number((file.spoolBytes / MB).toFixed(1)), unit: 'MB' },
      { part: 'memory', name: 'spool write rate', value: Number((file.spoolBytes / MB / seconds).toFixed(1)), unit: 'MB/s', note: `${file.queued} submits of one event, each written to the spool before submit() returned, in ${Math.round(file.submitMs)} ms` },
      { part: 'memory', name: 'spool write rate', value: Math.round(file.queued / seconds), unit: 'events/s' },
    );
    return { figures, details };
  } finally {
    await emulator.close();
    fs.rmSync(spoolDir, { recursive: true, force: true });
  }
};

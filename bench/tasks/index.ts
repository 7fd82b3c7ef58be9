/** The tasks a bench child process can run (see `worker.ts`), by name. */
import type { TaskContext } from '../protocol';
import { engineBacklog } from './engine-backlog';
import { engineMemory } from './engine-memory';
import { redOverhead } from './red-overhead';
import { redStream } from './red-stream';

export const TASKS = {
  'red-stream': redStream,
  'red-overhead': redOverhead,
  'engine-memory': engineMemory,
  'engine-backlog': engineBacklog,
} satisfies Record<string, (input: never, context: TaskContext) => Promise<unknown>>;

export type TaskName = keyof typeof TASKS;
/** The input a task takes. */
export type TaskInput<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
/** The result a task resolves with. */
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;

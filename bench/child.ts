import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { FromChild, ToChild } from './protocol';
import type { TaskInput, TaskName, TaskOutput } from './tasks';

/** How a child is started. */
export interface ChildOptions {
  /** Node flags, e.g. `['--expose-gc']`. Default none. */
  execArgv?: string[];
  /** ms after which the child is killed and its result rejected. Required: every run is bounded. */
  timeoutMs: number;
}

/** A task running in its own Node.js process (see `worker.ts`). */
export class ChildTask<K extends TaskName> {
  readonly #child: ChildProcess;
  readonly #ready: Promise<void>;
  readonly #result: Promise<TaskOutput<K>>;

  constructor(task: K, input: TaskInput<K>, options: ChildOptions) {
    this.#child = fork(path.join(__dirname, 'worker.js'), [], {
      execArgv: [...(options.execArgv ?? []), '--enable-source-maps'],
      // A child's output (Node-RED's log) goes to stderr: stdout is for the table.
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    const child = this.#child;
    let readyResolve!: () => void;
    this.#ready = new Promise((resolve) => (readyResolve = resolve));
    this.#result = new Promise<TaskOutput<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`bench task '${task}' did not finish within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        fn();
      };
      child.on('message', (message: FromChild) => {
        if (message.type === 'ready') readyResolve();
        else if (message.type === 'result') settle(() => resolve(message.data as TaskOutput<K>));
        else settle(() => reject(new Error(`bench task '${task}' failed: ${message.message}`)));
      });
      child.on('exit', (code, signal) => settle(() => reject(new Error(`bench task '${task}' exited (${signal ?? code}) before its result`))));
    });
    // A child that fails before `ready` must not leave `ready()` waiting forever.
    this.#result.catch(() => readyResolve());
    this.#send({ type: 'start', task, input });
  }

  /** Resolves when the task said it is set up (or has ended). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Lets a task that waited in `ready()` go on. */
  go(): void {
    this.#send({ type: 'go' });
  }

  /** The task's result; rejects when it failed, timed out or its process died. */
  result(): Promise<TaskOutput<K>> {
    return this.#result;
  }

  #send(message: ToChild): void {
    if (this.#child.connected) this.#child.send(message);
  }
}

/** Runs `task` in a child process and resolves with its result. */
export function runTask<K extends TaskName>(task: K, input: TaskInput<K>, options: ChildOptions): Promise<TaskOutput<K>> {
  return new ChildTask(task, input, options).result();
}

/**
 * Messages between the bench (parent) and a child process running one task (`worker.ts`).
 * The child starts its task on `start`; a task that must start in step with others says `ready`
 * and waits for `go`; it ends with `result` or `error`.
 */

/** Parent → child. */
export type ToChild = { type: 'start'; task: string; input: unknown } | { type: 'go' };

/** Child → parent. */
export type FromChild = { type: 'ready' } | { type: 'result'; data: unknown } | { type: 'error'; message: string };

/** What a task gets beside its input. */
export interface TaskContext {
  /** Tells the parent the task is set up and resolves when the parent says `go`. */
  ready(): Promise<void>;
}

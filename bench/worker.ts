/**
 * Entry of a bench child process: runs the one task the parent names (see `child.ts`), sends its
 * result and exits.
 */
import type { FromChild, TaskContext, ToChild } from './protocol';
import { TASKS, type TaskName } from './tasks';

function send(message: FromChild): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

const context: TaskContext = {
  ready() {
    return new Promise<void>((resolve) => {
      process.on('message', (message: ToChild) => {
        if (message.type === 'go') resolve();
      });
      void send({ type: 'ready' });
    });
  },
};

// A bench stopped with Ctrl-C or killed takes its tasks with it: no Node-RED left running alone.
process.once('disconnect', () => process.exit(1));

process.once('message', (message: ToChild) => {
  if (message.type !== 'start') return;
  const task = TASKS[message.task as TaskName] as ((input: unknown, context: TaskContext) => Promise<unknown>) | undefined;
  const run = task ? task(message.input, context) : Promise.reject(new Error(`no bench task '${message.task}'`));
  run
    .then((data) => send({ type: 'result', data }), (err: unknown) => send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }))
    // Node-RED and engines may hold timers and sockets; the result is out, so end here.
    .finally(() => process.exit(0));
});

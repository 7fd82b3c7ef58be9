/**
 * The bench's helper node types, loaded into the embedded runtime by `runtime.ts`:
 * - `bench-feeder` sends the messages the bench asks for (`Feeder`);
 * - `bench-noop` finishes each message at once: the baseline a stream node is compared with;
 * - `bench-keep-done` finishes the messages it received all together, when the bench says (`Keeper`);
 * - `bench-sink` hands each message to the bench (`Sink`).
 */
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import type { Feeder, Keeper, Sink } from './bench-node-types';

/** Messages sent per event-loop turn, so a burst does not starve timers and sockets. */
const CHUNK = 1000;

function burst(node: Node, count: number, make: (i: number) => NodeMessage): Promise<void> {
  return new Promise((resolve) => {
    let i = 0;
    const chunk = () => {
      for (const end = Math.min(count, i + CHUNK); i < end; i++) node.send(make(i));
      if (i < count) setImmediate(chunk);
      else resolve();
    };
    chunk();
  });
}

function paced(node: Node, count: number, make: (i: number) => NodeMessage, intervalMs: number): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    let i = 0;
    const next = () => {
      node.send(make(i++));
      if (i >= count) resolve();
      else setTimeout(next, Math.max(0, start + i * intervalMs - performance.now()));
    };
    next();
  });
}

export = function (RED: NodeAPI): void {
  RED.nodes.registerType('bench-feeder', function (this: Feeder, config: never) {
    RED.nodes.createNode(this, config);
    this.feed = (count, make, intervalMs = 0) => (intervalMs > 0 ? paced(this, count, make, intervalMs) : burst(this, count, make));
  } as never);

  for (const type of ['bench-noop', 'bench-sink']) {
    RED.nodes.registerType(type, function (this: Sink, config: never) {
      RED.nodes.createNode(this, config);
      this.count = 0;
      this.on('input', (msg: NodeMessage, _send: unknown, done: () => void) => {
        this.count++;
        this.onMessage?.(msg);
        done();
      });
    } as never);
  }

  RED.nodes.registerType('bench-keep-done', function (this: Keeper, config: never) {
    RED.nodes.createNode(this, config);
    this.count = 0;
    this.releaseAt = Infinity;
    let kept: (() => void)[] = [];
    this.on('input', (_msg: NodeMessage, _send: unknown, done: () => void) => {
      kept.push(done);
      if (++this.count < this.releaseAt) return;
      const release = kept;
      kept = [];
      for (const finish of release) finish();
    });
  } as never);
};

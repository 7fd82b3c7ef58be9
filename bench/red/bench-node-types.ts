/** The bench helper nodes (`bench-nodes.ts`) as the bench drives them. */
import type { Node, NodeMessage } from 'node-red';

/** A `bench-feeder` node as the bench drives it. */
export interface Feeder extends Node {
  /**
   * Sends `count` messages made by `make(i)`: all at once (in chunks of 1000 per event-loop turn)
   * when `intervalMs` is 0, else one every `intervalMs` ms on a schedule that does not drift.
   * Resolves when the last one was sent.
   */
  feed(count: number, make: (i: number) => NodeMessage, intervalMs?: number): Promise<void>;
}

/** A `bench-noop` or `bench-sink` node: counts what it finished; a sink also calls {@link onMessage}. */
export interface Sink extends Node {
  /** Messages finished so far. */
  count: number;
  /** Called with each message a sink receives. Default none. */
  onMessage?: (msg: NodeMessage) => void;
}

/**
 * A `bench-keep-done` node: keeps each message's `done` and calls all it keeps once {@link count}
 * reaches {@link releaseAt}, as a stream node whose account is held keeps each message (its `done`
 * closure holds the msg) until delivery.
 */
export interface Keeper extends Node {
  /** Messages received so far. */
  count: number;
  /** The count at which the kept `done`s are called. Default Infinity. */
  releaseAt: number;
}

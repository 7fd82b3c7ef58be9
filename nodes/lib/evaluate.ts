import type { Node, NodeAPI, NodeMessage } from 'node-red';

/** Receives an evaluated property, or the error evaluating it. */
export type Evaluated = (err: Error | null, value?: unknown) => void;

/**
 * Evaluates a TypedInput property with the callback form of `RED.util.evaluateNodeProperty`,
 * which JSONata and asynchronous context stores need. For `msg`, `str` and the other
 * synchronous types the callback runs at once, so the stream node's hot path allocates no promise.
 */
export function evaluate(RED: NodeAPI, node: Node, value: string, type: string, msg: NodeMessage, callback: Evaluated): void {
  RED.util.evaluateNodeProperty(value, type, node, msg, (err, result: unknown) => callback(err ?? null, result));
}

/** True when a TypedInput's evaluated value counts as "not given", so a default applies. */
export function isBlank(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/**
 * Evaluates a TypedInput property that may be left empty, falling back to `fallback` when the
 * property is not set or evaluates to nothing (`undefined`, `null`, `''`).
 */
export function evaluateOrElse(
  RED: NodeAPI,
  node: Node,
  value: string | undefined,
  type: string,
  msg: NodeMessage,
  fallback: unknown,
  callback: Evaluated,
): void {
  if (value === '' || value === undefined) return callback(null, fallback);
  evaluate(RED, node, value, type, msg, (err, result) => (err ? callback(err) : callback(null, isBlank(result) ? fallback : result)));
}

/** {@link evaluateOrElse} as a promise, for nodes off the hot path. */
export function evaluateOr(RED: NodeAPI, node: Node, value: string | undefined, type: string, msg: NodeMessage, fallback: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => evaluateOrElse(RED, node, value, type, msg, fallback, (err, result) => (err ? reject(err) : resolve(result))));
}

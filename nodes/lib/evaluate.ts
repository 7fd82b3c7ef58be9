import type { Node, NodeAPI, NodeMessage } from 'node-red';

/**
 * Evaluates a TypedInput property with the callback form of `RED.util.evaluateNodeProperty`,
 * which JSONata and asynchronous context stores need.
 *
 * @returns the value; rejects with the evaluation error (a bad JSONata expression, say).
 */
export function evaluateProperty(RED: NodeAPI, node: Node, value: string, type: string, msg: NodeMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value, type, node, msg, (err, result: unknown) => (err ? reject(err) : resolve(result)));
  });
}

/** True when a TypedInput's evaluated value counts as "not given", so a default applies. */
export function isBlank(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/**
 * Evaluates a TypedInput property that may be left empty, falling back to `fallback` when the
 * property is not set or evaluates to nothing (`undefined`, `null`, `''`).
 */
export async function evaluateOr(RED: NodeAPI, node: Node, value: string | undefined, type: string, msg: NodeMessage, fallback: unknown): Promise<unknown> {
  if (value === '' || value === undefined) return fallback;
  const result = await evaluateProperty(RED, node, value, type, msg);
  return isBlank(result) ? fallback : result;
}

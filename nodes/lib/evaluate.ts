import type { Node, NodeAPI, NodeMessage } from 'node-red';

/** Receives an evaluated property, or the error evaluating it. */
export type Evaluated = (err: Error | null, value?: unknown) => void;

/**
 * A TypedInput property prepared once per node, so a message costs only the lookup itself: a
 * `msg` path is parsed once, a JSONata expression compiled once, a literal converted once.
 */
export interface Property {
  /**
   * True when {@link get} gives the value at once (str, msg, env, num, bool, json); false for
   * JSONata and flow/global context, which may answer later (asynchronous context stores).
   */
  readonly sync: boolean;
  /** The value for `msg`; only for a {@link sync} property. May throw (a bad path or literal). */
  get(msg: NodeMessage): unknown;
  /** The value for `msg`, by callback, for every type. Never throws. */
  fetch(msg: NodeMessage, callback: Evaluated): void;
}

/** A msg path that is a plain property name (`topic`, `payload`): read without parsing. */
const PLAIN_NAME = /^[A-Za-z_$][\w$]*$/;
/** Types whose value does not depend on the message or the time: converted once. */
const CONSTANT = new Set(['str', 'num', 'bool', 'json', 'bin', 're', 'env']);

/**
 * Prepares the TypedInput property `value` of type `type` for `node`. Errors in the property
 * itself (bad JSON, a JSONata syntax error) are raised when a message is evaluated, so the
 * message that hits them reports them.
 */
export function prepareProperty(RED: NodeAPI, node: Node, value: string, type: string): Property {
  if (type === 'msg') return syncProperty(msgReader(RED, value));
  if (CONSTANT.has(type)) {
    let constant: unknown;
    let error: unknown;
    try {
      constant = RED.util.evaluateNodeProperty(value, type, node, {} as NodeMessage);
    } catch (err) {
      error = err;
    }
    return syncProperty(() => {
      if (error !== undefined) throw error;
      return constant;
    });
  }
  if (type === 'jsonata') {
    let expression: ReturnType<NodeAPI['util']['prepareJSONataExpression']> | undefined;
    let error: Error | null = null;
    try {
      expression = RED.util.prepareJSONataExpression(value, node);
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
    }
    return asyncProperty((msg, callback) => {
      if (!expression) return callback(error);
      RED.util.evaluateJSONataExpression(expression, msg, (err, result: unknown) => callback(err ?? null, result));
    });
  }
  // flow, global, date and anything else: as Node-RED evaluates it, by callback.
  return asyncProperty((msg, callback) => {
    try {
      RED.util.evaluateNodeProperty(value, type, node, msg, (err, result: unknown) => callback(err ?? null, result));
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/** Reads the msg property at `path` (`topic`, `payload.room.temp`, `msg.a["b c"][0]`). */
function msgReader(RED: NodeAPI, path: string): (msg: NodeMessage) => unknown {
  const expr = path.startsWith('msg.') ? path.slice(4) : path;
  if (PLAIN_NAME.test(expr)) return (msg) => (msg as Record<string, unknown>)[expr];
  let parts: (string | number)[] | undefined;
  try {
    parts = RED.util.normalisePropertyExpression(expr);
  } catch {
    // A malformed path: Node-RED's own reader raises its error for each message.
  }
  // A path with a nested msg reference (`a[msg.b]`) depends on the message: Node-RED resolves it.
  if (!parts || parts.some((p) => typeof p !== 'string' && typeof p !== 'number')) return (msg) => RED.util.getMessageProperty(msg, expr);
  const steps = parts;
  return (msg) => {
    let value: unknown = msg;
    for (let i = 0; i < steps.length; i++) {
      if (value === undefined || value === null) throw new Error(`cannot read msg.${path.replace(/^msg\./, '')}: its part before "${steps[i]}" is ${String(value)}`);
      value = (value as Record<string | number, unknown>)[steps[i]!];
    }
    return value;
  };
}

function syncProperty(get: (msg: NodeMessage) => unknown): Property {
  return {
    sync: true,
    get,
    fetch(msg, callback) {
      let value: unknown;
      try {
        value = get(msg);
      } catch (err) {
        return callback(err instanceof Error ? err : new Error(String(err)));
      }
      callback(null, value);
    },
  };
}

function asyncProperty(fetch: (msg: NodeMessage, callback: Evaluated) => void): Property {
  return {
    sync: false,
    get() {
      throw new Error('this property is evaluated by callback: use fetch()');
    },
    fetch,
  };
}

/** True when a TypedInput's evaluated value counts as "not given", so a default applies. */
export function isBlank(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/**
 * The value of a property that may be left empty (`undefined` when it is), or `fallback` when
 * it is not set or evaluates to nothing (`undefined`, `null`, `''`), as a promise: for nodes off
 * the hot path.
 */
export function evaluateOr(property: Property | undefined, msg: NodeMessage, fallback: unknown): Promise<unknown> {
  if (!property) return Promise.resolve(fallback);
  return new Promise((resolve, reject) => property.fetch(msg, (err, value) => (err ? reject(err) : resolve(isBlank(value) ? fallback : value))));
}

/** A property of `node` that may be left empty: `undefined` when its value is `''`. */
export function prepareOptional(RED: NodeAPI, node: Node, value: string, type: string): Property | undefined {
  return value === '' ? undefined : prepareProperty(RED, node, value, type);
}

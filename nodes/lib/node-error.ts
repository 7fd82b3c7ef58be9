/**
 * The error a node finishes a message with (`done(err)`). Node-RED writes `String(err)` into
 * `msg.error.message` and copies an own `stack`: an `Error` would give `Error: …` and a stack
 * trace. This one gives its message alone, and its `code` (when it has one) as `msg.error.code`.
 */
export class NodeError extends Error {
  /** Machine-readable cause, e.g. a `BucketError`'s `'key-rejected'`. Absent when not given. */
  declare readonly code?: string;

  constructor(message: string, code?: string) {
    // A user-facing sentence, not a fault in this package: no stack for the Catch node, and
    // none captured (a close can fail thousands of messages at once).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    delete (this as { stack?: string }).stack;
    this.name = 'NodeError';
    if (code !== undefined) Object.defineProperty(this, 'code', { value: code, enumerable: true });
  }

  override toString(): string {
    return this.message;
  }
}

/** `err` as a {@link NodeError}: its message (an `Error`'s without its name) and its `code`. */
export function nodeError(err: unknown): NodeError {
  if (err instanceof NodeError) return err;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return new NodeError(err.message, typeof code === 'string' ? code : undefined);
  }
  return new NodeError(String(err));
}

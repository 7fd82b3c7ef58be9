/**
 * Short, safe renderings of any value for error messages: bounded in length and time, never
 * throwing, whatever the value is (circular, huge, a Proxy, a Buffer, a function…).
 */
import { types } from 'node:util';

/** Default longest rendering, in characters (a {@link Problem}'s `value` is at most this long). */
const DEFAULT_SHORTEN_MAX = 60;
const MIN_MAX = 10;
const MAX_MAX = 1_000_000;
/** Nesting shown before `{…}` / `[…]`. */
const SHOWN_DEPTH = 3;

/**
 * Renders `value` in at most `max` characters: strings JSON-quoted (a cut string ends in `…` and
 * gives its length: `"xxxx…" (140 chars)`), objects and arrays JSON-like with `[Circular]` for
 * cycles, `<Buffer 12 bytes>`, `[Function name]`, `10n`, `Symbol(x)`, Dates as ISO strings.
 *
 * @param max - Longest result, an integer from 10 to 1 000 000. Default 60.
 * @throws TypeError when `max` is out of range (the value itself never makes it throw).
 */
export function shorten(value: unknown, max: number = DEFAULT_SHORTEN_MAX): string {
  if (!Number.isInteger(max) || max < MIN_MAX || max > MAX_MAX) {
    throw new TypeError(
      `Expected \`max\` to be an integer from ${MIN_MAX} to ${MAX_MAX}, got ${shorten(max, 20)} (${typeof max})`,
    );
  }
  if (typeof value === 'string') return quoteWithLength(value, max);
  const out = new Writer(max);
  try {
    render(value, out, 0, new Set());
  } catch {
    // A Proxy trap or getter can throw even while we only look; show what was rendered so far.
    out.write('…');
  }
  return out.text();
}

/** `s` JSON-quoted in at most `max` characters (at least 5), cut with `…` inside the quotes. */
export function quote(s: string, max: number): string {
  const head = s.length > max ? s.slice(0, max) : s;
  const whole = JSON.stringify(head);
  if (head === s && whole.length <= max) return whole;
  let body = '';
  // for..of walks code points, so a surrogate pair is never cut in half.
  for (const ch of head) {
    const escaped = JSON.stringify(ch).slice(1, -1);
    if (body.length + escaped.length > max - 3) break;
    body += escaped;
  }
  return `"${body}…"`;
}

/** Like {@link quote}, and a cut string also tells its full length. */
function quoteWithLength(s: string, max: number): string {
  const quoted = quote(s, max);
  if (!quoted.endsWith('…"')) return quoted;
  const suffix = ` (${s.length} chars)`;
  return max - suffix.length >= 5 ? quote(s, max - suffix.length) + suffix : quoted;
}

/** Collects text up to a limit and ends a cut text with `…`. */
class Writer {
  private buf = '';
  constructor(readonly max: number) {}
  get full(): boolean {
    return this.buf.length > this.max;
  }
  write(s: string): void {
    if (!this.full) this.buf += s.length > this.max + 1 ? s.slice(0, this.max + 1) : s;
  }
  text(): string {
    return this.full ? this.buf.slice(0, this.max - 1) + '…' : this.buf;
  }
}

function render(value: unknown, out: Writer, depth: number, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.write(quote(value, out.max));
      return;
    case 'number':
      out.write(Object.is(value, -0) ? '-0' : String(value));
      return;
    case 'bigint':
      out.write(`${value}n`);
      return;
    case 'symbol':
      out.write(`Symbol(${value.description ?? ''})`);
      return;
    case 'function':
      out.write(`[Function${typeof value.name === 'string' && value.name ? ' ' + value.name : ''}]`);
      return;
    case 'object':
      if (value === null) out.write('null');
      else renderObject(value, out, depth, seen);
      return;
    default:
      out.write(String(value));
  }
}

function renderObject(value: object, out: Writer, depth: number, seen: Set<object>): void {
  if (seen.has(value)) return out.write('[Circular]');
  if (types.isDate(value)) {
    const ms = (value as Date).getTime();
    return out.write(Number.isNaN(ms) ? 'Invalid Date' : (value as Date).toISOString());
  }
  if (types.isArrayBufferView(value) || types.isAnyArrayBuffer(value)) {
    const bytes = (value as ArrayBuffer).byteLength;
    return out.write(`<${Buffer.isBuffer(value) ? 'Buffer' : constructorName(value)} ${bytes} bytes>`);
  }
  if (types.isNativeError(value)) return out.write(`${(value as Error).name}: ${(value as Error).message}`);
  if (types.isMap(value) || types.isSet(value)) {
    return out.write(`${constructorName(value)}(${(value as Map<unknown, unknown>).size})`);
  }
  const isArray = Array.isArray(value);
  if (depth >= SHOWN_DEPTH) return out.write(isArray ? '[…]' : '{…}');
  seen.add(value);
  if (isArray) {
    out.write('[');
    const length = value.length;
    for (let i = 0; i < length && !out.full; i++) {
      if (i > 0) out.write(',');
      render(value[i], out, depth + 1, seen);
    }
    out.write(']');
  } else {
    const name = constructorName(value);
    out.write(name === 'Object' || name === '' ? '{' : `${name} {`);
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length && !out.full; i++) {
      out.write(`${i > 0 ? ',' : ''}${quote(keys[i], 40)}:`);
      render((value as Record<string, unknown>)[keys[i]], out, depth + 1, seen);
    }
    out.write('}');
  }
  seen.delete(value);
}

/** The name of an object's constructor, `''` for a null prototype. */
function constructorName(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || typeof proto !== 'object') return '';
  const ctor: unknown = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : '';
}

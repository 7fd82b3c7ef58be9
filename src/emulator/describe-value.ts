import { shorten } from '../mapping/shorten';

/**
 * A bad value as the emulator's error messages show it: the mapping's short rendering in
 * backticks, with its type, e.g. `` `"abc"` (string) `` or `` `"vvv…" (2001 chars)` (string) ``.
 */
export function describeValue(value: unknown): string {
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return `\`${shorten(value)}\` (${type})`;
}

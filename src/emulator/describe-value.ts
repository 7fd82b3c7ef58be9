/** Longest quoted value an error message shows. */
const SHOWN_CHARS = 60;

/**
 * A bad value as error messages show it: JSON-quoted, shortened to 60 characters, with its type,
 * e.g. `` `"abc…"` (string, 2001 chars) ``.
 */
export function describeValue(value: unknown): string {
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  let text: string;
  try {
    text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  const shown = text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
  const size = typeof value === 'string' ? `, ${value.length} chars` : '';
  return `\`${shown}\` (${type}${size})`;
}

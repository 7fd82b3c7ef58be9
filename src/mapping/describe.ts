/** One readable message for a message's problems or warnings. */
import type { Problem } from './types';
import { quote } from './shorten';

/** Problems listed in full; the rest are counted. */
const LISTED = 5;
/** Longest key shown, quotes included. */
const KEY_SHOWN = 40;

/**
 * One error message for a message's problems, naming each one's key, field, rule and value:
 * `2 invalid events not sent: "temp": value must be a finite number (got NaN); "xx…": key must
 * be at most 100 characters (got "xxxx…" (140 chars))`. Lists the first 5 and counts the rest.
 *
 * @returns `''` when there are no problems.
 */
export function describeProblems(problems: Problem[]): string {
  const n = problems.length;
  return n === 0 ? '' : `${n} invalid event${n === 1 ? '' : 's'} not sent: ${list(problems)}`;
}

/**
 * One warning message for a message's warnings (events sent, but with times the service will
 * replace), in the form of {@link describeProblems}.
 *
 * @returns `''` when there are no warnings.
 */
export function describeWarnings(warnings: Problem[]): string {
  const n = warnings.length;
  return n === 0 ? '' : `${n} event${n === 1 ? '' : 's'} sent with a time the service will replace: ${list(warnings)}`;
}

/** One problem: `"key": field must be rule (got value)`, without the key part when it is `''`. */
export function describeProblem(p: Problem): string {
  const subject = p.key === '' ? '' : `${quote(p.key, KEY_SHOWN)}: `;
  return `${subject}${p.field} must be ${p.rule} (got ${p.value})`;
}

function list(problems: Problem[]): string {
  const shown = problems.slice(0, LISTED).map(describeProblem).join('; ');
  const more = problems.length - LISTED;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

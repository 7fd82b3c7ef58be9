import type { AccountState } from './types';

/** What an account's state is worked out from. */
export interface StateFacts {
  closed: boolean;
  spoolUnreadable: boolean;
  keyRejected: boolean;
  quotaPaused: boolean;
  /** Events queued or in flight. */
  pending: number;
  /** Some bucket is backing off after a failure (asked only when it matters). */
  retrying: () => boolean;
  /** The last slot request waits for the limiter's window, or a 429 was answered. */
  waitingForWindow: boolean;
}

/** The account's state: the first that holds, from 'closed' down to 'sending'. */
export function accountState(facts: StateFacts): AccountState {
  if (facts.closed) return 'closed';
  if (facts.spoolUnreadable) return 'spool-unreadable';
  if (facts.keyRejected) return 'key-rejected';
  if (facts.quotaPaused) return 'quota-exceeded';
  if (facts.pending === 0) return 'idle';
  if (facts.retrying()) return 'retrying';
  if (facts.waitingForWindow) return 'rate-limited';
  return 'sending';
}

/** Why the state changed: the states that stop or pause sending also say the error behind them. */
export function stateReason(state: AccountState, detail: string, lastError: string | undefined): string {
  return state === 'key-rejected' || state === 'quota-exceeded' || state === 'spool-unreadable' ? `${detail}: ${lastError ?? ''}` : detail;
}

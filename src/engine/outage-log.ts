import { DROP_DIGEST_MS } from './drop-digest';

/**
 * A network error as a log line and a status show it: `ECONNREFUSED 127.0.0.1:8890` for
 * `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8890`, `ENOTFOUND example.invalid` for a DNS
 * failure; other texts (TLS, timeouts, HTTP answers) are kept as they are.
 */
export function shortCause(text: string): string {
  const match = /^([A-Z][A-Z0-9_]+): (.*)$/s.exec(text);
  if (!match) return text;
  const [, code, rest] = match as unknown as [string, string, string];
  const at = rest.indexOf(code);
  return at >= 0 ? rest.slice(at) : text;
}

/** The first word of a cause, for a status of about 20 characters: `ECONNREFUSED`, `HTTP 503`. */
export function causeCode(cause: string): string {
  const http = /^HTTP \d{3}/.exec(cause);
  return http ? http[0] : (/^[A-Za-z0-9_]+/.exec(cause)?.[0] ?? cause.slice(0, 12));
}

/**
 * Makes an outage (the endpoint unreachable: connection refused, DNS, TLS, timeouts, 5xx)
 * visible in the log without flooding it: the first failure is told at once with its cause,
 * the failures of each following `intervalMs` in one line while they last, and the recovery in
 * one line.
 */
export class OutageLog {
  #since: number | undefined;
  #cause = '';
  #failures = 0;
  #queued = 0;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param write - writes one line (the account node's `warn`).
   * @param intervalMs - ms over which later failures are gathered. Default 10 000 (as the drop digest).
   * @param now - the clock. Default `Date.now`.
   */
  constructor(
    private readonly write: (text: string) => void,
    private readonly intervalMs: number = DROP_DIGEST_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The ongoing outage's cause; undefined when there is none. */
  get cause(): string | undefined {
    return this.#since === undefined ? undefined : this.#cause;
  }

  /** A request failed with `cause`; `queued` events wait. */
  failed(cause: string, queued: number): void {
    this.#cause = cause;
    this.#queued = queued;
    if (this.#since === undefined) {
      this.#since = this.now();
      this.write(`retrying: ${cause} (${queued} queued)`);
      this.#arm();
      return;
    }
    this.#failures += 1;
  }

  /** A request succeeded: an outage, if there was one, is over. */
  recovered(queued: number): void {
    if (this.#since === undefined) return;
    const seconds = Math.round((this.now() - this.#since) / 1000);
    this.write(`reachable again after ${seconds} s: sending (${queued} queued)`);
    this.#since = undefined;
    this.#failures = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Stops the timer (the node closes). */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.#timer = setTimeout(() => {
      if (this.#failures > 0) {
        const seconds = Math.round(this.intervalMs / 1000);
        this.write(`still retrying: ${this.#cause} (${this.#failures} more failed attempt(s) in the last ${seconds} s, ${this.#queued} queued)`);
        this.#failures = 0;
      }
      if (this.#since !== undefined) this.#arm();
    }, this.intervalMs);
    this.#timer.unref();
  }
}

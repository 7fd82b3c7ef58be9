import type { HttpResult } from './http-client';
import { redactKey } from './mask-key';
import { shortCause } from './outage-log';
import { responseMessage, type ResponseKind } from './response';

/** What an answer means for the whole account: the two that stop or pause all sending. */
export type AccountEffect = 'key-rejected' | 'quota-exceeded' | undefined;

/**
 * What answers tell about the account as a whole, beyond the request they answer: the last error,
 * an outage (network, DNS, TLS, timeouts, 5xx) and its end, setup mistakes warned once, 429s
 * counted, and whether sending must stop (401/403) or pause (402).
 */
export class AnswerEffects {
  /** The last error: when, and its cause (short, the key never in it). */
  lastError: { at: number; cause: string } | undefined;
  /** 429 answers. */
  rateLimited = 0;
  /** The cause of the failures since the last success; undefined when the last answer was fine. */
  #outage: string | undefined;
  /** The last setup mistake warned, so a lasting one is not repeated. */
  #warned: string | undefined;

  /**
   * @param accessKey never passed on
   * @param now the clock
   * @param tell `outage` on each failed answer (its cause) and once on the success after it
   *   (undefined); `warning` for a setup mistake (404, unexpected 4xx), once while it lasts
   */
  constructor(
    private readonly accessKey: string,
    private readonly now: () => number,
    private readonly tell: { outage(cause: string | undefined): void; warning(message: string): void },
  ) {}

  /** Takes one answer of `kind`, reported with `message`; returns what it does to the account. */
  learn(kind: ResponseKind, message: string, result: HttpResult): AccountEffect {
    if (kind === 'ok') {
      this.#warned = undefined;
      if (this.#outage !== undefined) {
        this.#outage = undefined;
        this.tell.outage(undefined);
      }
      return undefined;
    }
    // An outage's cause is the answer itself, without the bucket a creation was for: the endpoint is what fails.
    const cause = shortCause(kind === 'transient' ? redactKey(responseMessage({ ...result, body: redactKey(result.body, this.accessKey) }), this.accessKey) : message);
    this.lastError = { at: this.now(), cause };
    if (kind === 'transient') {
      this.#outage = cause;
      this.tell.outage(cause);
    } else if (kind === 'rate-limited') this.rateLimited += 1;
    else if (kind === 'key-rejected' || kind === 'quota-exceeded') return kind;
    else if ((kind === 'not-found' || kind === 'client-error') && message !== this.#warned) {
      // A setup mistake rather than a passing fault: say so once, not on every retry.
      this.#warned = message;
      this.tell.warning(message);
    }
    return undefined;
  }
}

/** What the rate limiter decided about one request. */
export interface RateDecision {
  /** False when the window's requests are used up: answer 429. */
  allowed: boolean;
  /** Requests per window. */
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** ms since 1970 when the window ends. */
  windowEnd: number;
  /** ms since 1970 the decision was made at. */
  at: number;
}

interface Window {
  end: number;
  used: number;
}

/**
 * The service's rate limit as the emulator plays it: a fixed window per access key.
 *
 * - A request arriving while no window is open for its key opens one: it runs from that
 *   request's arrival for `windowMs` (default 10 000 ms).
 * - Each request let through takes one of the window's `limit` slots. A request refused with
 *   429 takes none.
 * - When the slots are used up, requests are refused until the window ends; the next request
 *   after that opens a new window.
 *
 * A new `limit` applies at once, to open windows too; a new `windowMs` to windows opened after the change.
 */
export class RateWindows {
  readonly #windows = new Map<string, Window>();

  /**
   * @param limit requests per window
   * @param windowMs window length in ms
   * @param now the clock, ms since 1970
   */
  constructor(
    public limit: number,
    public windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts a request for `accessKey` that arrived `at` (default now), unless refused, and says whether it may pass. */
  take(accessKey: string, at = this.now()): RateDecision {
    let window = this.#windows.get(accessKey);
    if (!window || at >= window.end) {
      window = { end: at + this.windowMs, used: 0 };
      this.#windows.set(accessKey, window);
    }
    const allowed = window.used < this.limit;
    if (allowed) window.used += 1;
    return { allowed, limit: this.limit, remaining: Math.max(0, this.limit - window.used), windowEnd: window.end, at };
  }

  /** Forgets every window. */
  clear(): void {
    this.#windows.clear();
  }
}

/**
 * The headers every rate-limited response carries:
 * - `X-RateLimit-Limit`: requests per window;
 * - `X-RateLimit-Remaining`: requests left in the window;
 * - `X-RateLimit-Reset`: unix epoch **seconds** of the window's end, rounded up;
 * - on a refused request only, `Retry-After`: whole seconds until the window's end, rounded up, at least 1.
 */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Reset': String(Math.ceil(decision.windowEnd / 1000)),
  };
  if (!decision.allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil((decision.windowEnd - decision.at) / 1000)));
  return headers;
}

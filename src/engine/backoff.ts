/**
 * Exponential back-off with full jitter: a delay drawn uniformly from
 * `[0, min(cap, base * 2^(failures - 1)))`.
 *
 * @param failures consecutive failures so far, at least 1
 * @param base first step in ms
 * @param cap longest delay in ms
 * @param random uniform in [0, 1), e.g. `Math.random`
 */
export function backoffDelay(failures: number, base: number, cap: number, random: () => number): number {
  const ceiling = Math.min(cap, base * 2 ** Math.min(failures - 1, 52));
  return Math.floor(random() * ceiling);
}

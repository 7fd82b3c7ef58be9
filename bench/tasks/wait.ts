/**
 * Resolves once `done()` is true, checking after every event-loop turn (so it sees progress as
 * soon as it happens without a timer's granularity); rejects after `timeoutMs`.
 */
export function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = performance.now() + timeoutMs;
    const check = () => {
      if (done()) resolve();
      else if (performance.now() > deadline) reject(new Error(`${what} did not happen within ${timeoutMs} ms`));
      else setImmediate(check);
    };
    check();
  });
}

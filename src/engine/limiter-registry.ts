import { RateLimiter, type RateLimiterOptions } from './rate-limiter';

interface Entry {
  limiter: RateLimiter;
  users: number;
}

const limiters = new Map<string, Entry>();

function registryKey(endpoint: string, accessKey: string): string {
  return `${endpoint}\n${accessKey}`;
}

/**
 * The process's one limiter for `endpoint` + `accessKey`, created with `options` by its first
 * user; later users share it (and its learnt limit). Pair every call with {@link releaseLimiter}.
 */
export function acquireLimiter(endpoint: string, accessKey: string, options: RateLimiterOptions): RateLimiter {
  const key = registryKey(endpoint, accessKey);
  let entry = limiters.get(key);
  if (!entry) {
    entry = { limiter: new RateLimiter(options), users: 0 };
    limiters.set(key, entry);
  }
  entry.users += 1;
  return entry.limiter;
}

/** Gives up one use of the limiter; the last user's release disposes of it. */
export function releaseLimiter(endpoint: string, accessKey: string): void {
  const key = registryKey(endpoint, accessKey);
  const entry = limiters.get(key);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users <= 0) {
    entry.limiter.dispose();
    limiters.delete(key);
  }
}

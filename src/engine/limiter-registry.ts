import type { Limiter } from './limiter';
import { WindowLimiter, type WindowLimiterOptions } from './window-limiter';

const registryKey = (endpoint: string, accessKey: string): string => `${endpoint}\n${accessKey}`;

interface Entry {
  limiter: Limiter;
  users: number;
}

/**
 * The limiters of one process, one per `endpoint` + access key, shared by every engine on that
 * key (the service's limit is per key). Engines use {@link processLimiters} unless given another
 * registry: a registry of its own makes an engine behave as if it ran in a process of its own.
 */
export class LimiterRegistry {
  readonly #limiters = new Map<string, Entry>();

  /**
   * The limiter for `endpoint` + `accessKey`: a {@link WindowLimiter} made with `options` by its
   * first user; later users share it (and what it learnt). Pair every call with {@link LimiterRegistry.release}.
   */
  acquire(endpoint: string, accessKey: string, options: WindowLimiterOptions): Limiter {
    const key = registryKey(endpoint, accessKey);
    let entry = this.#limiters.get(key);
    if (!entry) {
      entry = { limiter: new WindowLimiter(options), users: 0 };
      this.#limiters.set(key, entry);
    }
    entry.users += 1;
    return entry.limiter;
  }

  /** Gives up one use of the limiter; the last user's release closes it. */
  release(endpoint: string, accessKey: string): void {
    const key = registryKey(endpoint, accessKey);
    const entry = this.#limiters.get(key);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users <= 0) {
      void entry.limiter.close();
      this.#limiters.delete(key);
    }
  }
}

/** The process's registry: every engine not given another shares it. */
export const processLimiters = new LimiterRegistry();

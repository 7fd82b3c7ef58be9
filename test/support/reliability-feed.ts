import type { Emulator, StoredEvent } from '../../src/emulator/types';
import type { RedProcess } from './red-process';
import { waitFor } from './poll';

/** Posts `{value: n}` to the flow's `/feed` endpoint; true when Node-RED answered 200 (the event was accepted). */
export async function feed(red: RedProcess, n: number): Promise<boolean> {
  try {
    const res = await red.request('/feed', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ value: n }) });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Feeds `0 … count-1` one after the other; resolves with the numbers accepted, in order. */
export async function feedAll(red: RedProcess, count: number): Promise<number[]> {
  const accepted: number[] = [];
  for (let n = 0; n < count; n++) if (await feed(red, n)) accepted.push(n);
  return accepted;
}

/** The `value` key's numbers the emulator stored for `bucketKey`, in arrival order. */
export function storedNumbers(emulator: Emulator, bucketKey: string): number[] {
  return emulator
    .events({ bucketKey })
    .filter((e: StoredEvent) => e.key === 'value')
    .map((e: StoredEvent) => Number(e.value));
}

/**
 * Waits until the emulator stored at least `count` events for `bucketKey`, then until no new one
 * arrived for `quietMs` (default 300, many flush intervals), so late duplicates would be seen.
 */
export async function settledNumbers(emulator: Emulator, bucketKey: string, count: number, quietMs = 300): Promise<number[]> {
  await waitFor(`${count} events in bucket ${bucketKey}`, () => storedNumbers(emulator, bucketKey).length >= count, {
    timeoutMs: 15_000,
    describe: () => `${storedNumbers(emulator, bucketKey).length} stored`,
  });
  let seen = -1;
  for (let round = 0; round < 100; round++) {
    const now = storedNumbers(emulator, bucketKey).length;
    if (now === seen) break;
    seen = now;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
  return storedNumbers(emulator, bucketKey);
}

/**
 * The account config node has no setting for the rate-limit window (only the emulator's differs
 * from the service's 10 s), so for a run with `--window-ms` the bench gives the account's engine
 * the emulator's window by wrapping the option resolver the node calls. Load before Node-RED.
 */
import engineOptions = require('../../src/engine/options');

/** Makes every account engine created from now on in this process use `windowMs` unless told otherwise. */
export function useWindowMs(windowMs: number): void {
  const resolve = engineOptions.resolveAccountOptions;
  (engineOptions as { resolveAccountOptions: typeof resolve }).resolveAccountOptions = (input) => resolve({ windowMs, ...input });
}

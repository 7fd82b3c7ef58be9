/**
 * Helpers for the Node-RED node tests: the runtime under test, our node modules, core nodes by
 * file, flows with an account pointed at a local emulator, and waits that end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import helper = require('node-red-node-test-helper');
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';
import accountModule = require('../../nodes/initialstate-account');
import bucketModule = require('../../nodes/initialstate-bucket');
import streamModule = require('../../nodes/initialstate-stream');
import { NODE_RED_PATH } from './node-red-path';

helper.init(NODE_RED_PATH);
export { helper };

/** A well-formed access key (`ist_` + 32 characters) the tests use. */
export const ACCESS_KEY = 'ist_nodeTestKey00000000000000000000';
/** The tab every test flow lives on (Catch, Status and Complete nodes need one). */
export const TAB = 'flow1';
/** Id of the account config node in {@link accountConfig}. */
export const ACCOUNT = 'acc';

/** The three node modules of this package. */
export const OUR_NODES = [accountModule, bucketModule, streamModule];

/** A core Node-RED node module by its path under `@node-red/nodes/core`, from the runtime under test. */
export function coreNode(file: string): unknown {
  const nodesPackage = require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(NODE_RED_PATH)] });
  return require(path.join(path.dirname(nodesPackage), 'core', file));
}

/** The tab node. (No node id may equal a type name: the runtime would take it for a config node reference.) */
export function tab(id = TAB): Record<string, unknown> {
  return { id, type: 'tab', label: id };
}

/** An account config node pointed at `emulator`, flushing partial batches at once. */
export function accountConfig(emulator: Emulator, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ACCOUNT,
    type: 'initialstate-account',
    name: 'test account',
    endpoint: emulator.apiUrl,
    bucketKey: 'default-bucket',
    bucketName: 'Default bucket',
    tier: 'individual',
    batchSize: 10,
    flushInterval: 0,
    closeTimeout: 1000,
    ...overrides,
  };
}

/** Credentials for `helper.load` giving the account {@link ACCESS_KEY}. */
export function credentials(id = ACCOUNT, accessKey = ACCESS_KEY): Record<string, { accessKey: string }> {
  return { [id]: { accessKey } };
}

/** A started emulator answering quickly (short rate window), with options on top. */
export function startApi(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, ...options });
}

/**
 * Starts an emulator before each test of the calling suite, and after each one unloads the
 * flows and closes the emulator, so nothing keeps mocha alive.
 *
 * @returns a holder whose `emulator` is the current test's.
 */
export function withEmulator(options: EmulatorOptions = {}): { readonly emulator: Emulator } {
  const holder = {} as { emulator: Emulator };
  beforeEach(async () => {
    holder.emulator = await startApi(options);
  });
  afterEach(async () => {
    await helper.unload();
    await holder.emulator.close();
  });
  return holder;
}

/**
 * Resolves once `check` returns something other than `undefined`/`false`, polling every 20 ms,
 * and rejects naming `what` after `limit` polls.
 */
export async function waitFor<T>(what: string, check: () => T | undefined | false, limit = 400): Promise<T> {
  for (let i = 0; i < limit; i++) {
    const result = check();
    if (result !== undefined && result !== false) return result;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Resolves with the next message a `helper` node receives. Assertion errors in event handlers
 * would be swallowed, so callers assert on the resolved message instead.
 */
export function nextMessage(nodeId: string): Promise<Record<string, any>> {
  return new Promise((resolve) => helper.getNode(nodeId).once('input', resolve));
}

/** The folder holding this package's example flows. */
export function examplesDir(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'examples', '01-system-metrics-dashboard.json'))) return path.join(dir, 'examples');
  }
  return path.resolve('examples');
}

/** An example flow, parsed. */
export function readExample(file: string): Record<string, any>[] {
  return JSON.parse(fs.readFileSync(path.join(examplesDir(), file), 'utf8'));
}

/** A stream node on {@link TAB} using {@link ACCOUNT}, with `overrides`; the node applies the editor's defaults to the rest. */
export function streamNode(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'stream', type: 'initialstate-stream', z: TAB, account: ACCOUNT, wires: [], ...overrides };
}

/**
 * Complete and Catch nodes watching `scope`, wired to helper nodes `completed` and `caught`,
 * plus a helper node `out` for a watched node's output.
 */
export function watchers(scope: string[]): Record<string, unknown>[] {
  return [
    { id: 'on-complete', type: 'complete', z: TAB, scope, uncaught: false, wires: [['completed']] },
    { id: 'completed', type: 'helper', z: TAB, wires: [] },
    { id: 'on-catch', type: 'catch', z: TAB, scope, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: TAB, wires: [] },
    { id: 'out', type: 'helper', z: TAB, wires: [] },
  ];
}

/** Flow nodes the bench's Node-RED parts are built from. */
import type { AccountNode } from '../../nodes/lib/account-node';
import type { AccountEngine } from '../../src/engine';
import { LIMITS } from '../../src/event';
import type { BenchRuntime, FlowNode } from './runtime';

/** The tab every bench flow node sits on (Catch nodes need one). */
export const TAB = 'bench-tab';

/** How the bench sets up the account config node; the rest are the node's defaults. */
export interface BenchAccount {
  /** The emulator's API URL. */
  endpoint: string;
  /** Bucket the stream nodes write to. */
  bucketKey: string;
  /** Requests per window (a custom tier). */
  rateLimit: number;
  /** ms a partial batch waits. */
  flushInterval: number;
  /** Events the queue holds at most. */
  maxQueue: number;
  /** The emulator's rate-limit window in ms (a hidden account setting). Default 10 000. */
  windowMs?: number;
}

/** The tab and an `initialstate-account` config node with id `id`. */
export function accountNodes(id: string, account: BenchAccount): FlowNode[] {
  return [
    { id: TAB, type: 'tab', label: 'bench' },
    {
      id,
      type: 'initialstate-account',
      name: 'bench',
      endpoint: account.endpoint,
      bucketKey: account.bucketKey,
      bucketName: '',
      tier: 'custom',
      rateLimit: account.rateLimit,
      batchSize: LIMITS.eventsPerRequest,
      flushInterval: account.flushInterval,
      maxQueue: account.maxQueue,
      overflow: 'refuse-newest',
      persist: 'off',
      autoCreate: true,
      transport: 'json',
      // The bench reads its figures before the flows stop; nothing waits on a drain.
      closeTimeout: 0,
      ...(account.windowMs === undefined ? {} : { windowMs: account.windowMs }),
    },
  ];
}

/** A flow node on the bench tab (Node-RED takes a node without `x` and `y` for a config node). */
export function flowNode(id: string, type: string, wires: string[], settings: Record<string, unknown> = {}): FlowNode {
  return { id, type, z: TAB, x: 0, y: 0, ...settings, wires: [wires] };
}

/**
 * An `initialstate-stream` node that sends `msg.payload` as one event with key `seq` to the
 * account's bucket, with `outputs` 1 to pass each message on once the API accepted it.
 */
export function streamNode(id: string, account: string, outputs: 0 | 1, wires: string[]): FlowNode {
  return flowNode(id, 'initialstate-stream', wires, { account, key: 'seq', keyType: 'str', outputs });
}

/** The engine of the account config node `id`; throws the node's configuration error when it has none. */
export function accountEngine(red: BenchRuntime, id: string): AccountEngine {
  const account = red.node<AccountNode>(id);
  if (!account.engine) throw new Error(`account node '${id}' has no engine: ${account.view().configError ?? 'unknown reason'}`);
  return account.engine;
}

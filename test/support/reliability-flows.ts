import type { FlowNode } from './red-process';

/** The access key the reliability tests use: distinctive, so a search for leaks cannot miss it. */
export const SECRET_KEY = 'ist_R3l1ab1l1tyS3cr3tAcc3ssK3y000042';
/** A second well-formed key: the one the emulator accepts when {@link SECRET_KEY} must be rejected. */
export const OTHER_KEY = 'ist_0therKey0therKey0therKey00000001';
/** A well-formed key the emulator is set to refuse: the mistake a user corrects by redeploying. */
export const WRONG_KEY = 'ist_WrongKeyWrongKeyWrongKey00000000';

/** The tab every reliability flow lives on (Catch and Status nodes need one). */
export const TAB = 'rel-tab';

/** A flow node on {@link TAB}: Node-RED takes a node without `x` and `y` for a config node. */
export function flowNode(id: string, type: string, props: Record<string, unknown> = {}): FlowNode {
  return { id, type, z: TAB, x: 100, y: 100, wires: [], ...props };
}

/**
 * Engine options that keep fault tests within seconds: tiny back-off, request timeout, window and
 * quota probe interval. They are set on the account node as hidden settings the editor does not show.
 */
export const FAST_ENGINE = Object.freeze({
  requestTimeout: 300,
  backoffBase: 10,
  backoffCap: 50,
  windowMs: 1000,
  quotaProbeInterval: 200,
});

/**
 * An `initialstate-account` config node pointed at `endpoint`, with a high custom rate limit,
 * a short flush interval and close timeout, the {@link FAST_ENGINE} options, and `overrides`.
 */
export function accountNode(id: string, endpoint: string, overrides: Record<string, unknown> = {}): FlowNode {
  return {
    id,
    type: 'initialstate-account',
    name: 'Reliability account',
    endpoint,
    bucketKey: 'reliability',
    bucketName: 'Reliability',
    tier: 'custom',
    rateLimit: 1000,
    batchSize: 10,
    flushInterval: 20,
    maxQueue: 100_000,
    overflow: 'drop-oldest',
    persist: 'off',
    autoCreate: true,
    monthlyQuota: 0,
    transport: 'json',
    closeTimeout: 300,
    ...FAST_ENGINE,
    ...overrides,
  };
}

/** An `initialstate-stream` node on {@link TAB} with a fixed key for plain values, and `overrides`; the node applies the editor's defaults to the rest. */
export function streamNode(id: string, account: string, wires: string[][] = [], overrides: Record<string, unknown> = {}): FlowNode {
  return flowNode(id, 'initialstate-stream', { account, key: 'value', keyType: 'str', outputs: wires.length, wires, ...overrides });
}

/**
 * A flow for a real Node-RED process: `POST /feed` with a JSON object body feeds the stream node
 * (`msg.payload` is the body) and, wired after it, answers 200. Node-RED delivers a node's
 * outputs in wire order, each on its own turn of the event loop, so the answer goes out only after
 * the stream node's input handler ran and the engine took (and, with persist file, spooled) the events.
 */
export function feedFlow(account: FlowNode): FlowNode[] {
  return [
    { id: TAB, type: 'tab', label: 'Reliability' },
    account,
    flowNode('rel-feed', 'http in', { name: '', url: '/feed', method: 'post', upload: false, swaggerDoc: '', wires: [['rel-stream', 'rel-answer']] }),
    streamNode('rel-stream', account.id),
    flowNode('rel-answer', 'http response', { name: '', statusCode: '200', headers: {} }),
  ];
}
